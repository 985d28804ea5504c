"""Where blocks go on the calendar grid; rows are 15 minutes, counted by hand."""

from __future__ import annotations

from datetime import datetime, time

from somatrace.scheduling.layout import Place, hours_shown, lanes, place

DAY = datetime(2027, 1, 4, 8, 0)  # the column starts at 08:00


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, 4, hour, minute)


def test_a_block_takes_its_rows_from_the_first_hour() -> None:
    # 09:00 is 60 minutes after 08:00 = 4 rows, so row 5; 90 minutes span 6 rows.
    assert place(at(9), at(10, 30), DAY, rows=44) == Place(row=5, span=6)


def test_off_grid_times_round_outwards_and_blocks_are_clipped() -> None:
    # 09:10 rounds down to 09:00 (row 5); 09:20 rounds up to 09:30: rows 5-6, span 2.
    assert place(at(9, 10), at(9, 20), DAY, rows=44) == Place(row=5, span=2)
    # 07:00-08:30 starts before the column: clipped to 08:00, span 2.
    assert place(at(7), at(8, 30), DAY, rows=44) == Place(row=1, span=2)
    assert place(at(6), at(7), DAY, rows=44) is None


def test_overlapping_blocks_share_the_column_in_lanes() -> None:
    a, b, c, d = Place(1, 4), Place(3, 4), Place(5, 2), Place(10, 2)
    # a (rows 1-4) and b (3-6) overlap: two lanes; c (5-6) starts when a has ended, so it
    # takes a's lane 0; d stands alone.
    assert lanes([a, b, c, d]) == [
        Place(1, 4, 0, 2),
        Place(3, 4, 1, 2),
        Place(5, 2, 0, 2),
        Place(10, 2, 0, 1),
    ]


def test_the_hours_shown_widen_to_whatever_is_in_the_day() -> None:
    assert hours_shown([]) == (8, 19)
    assert hours_shown([(time(7, 30), time(19, 15))]) == (7, 20)
    assert hours_shown([(time(22), time(0))]) == (8, 24)
