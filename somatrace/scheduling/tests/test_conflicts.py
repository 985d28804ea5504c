"""Overlaps with buffers, working hours in wall-clock time, time off; worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from somatrace.scheduling.conflicts import Busy, Stretch, away, clashes, inside_hours, overlaps

LONDON = ZoneInfo("Europe/London")


def at(hour: int, minute: int = 0, day: int = 4) -> datetime:
    return datetime(2027, 1, day, hour, minute, tzinfo=UTC)  # January: London is UTC+0


def test_touching_ends_do_not_overlap() -> None:
    assert not overlaps(at(9), at(10), at(10), at(11))
    assert overlaps(at(9), at(10), at(9, 59), at(11))


def test_the_buffer_after_an_appointment_keeps_the_next_one_away() -> None:
    booked = Busy(at(9), at(10), buffer_minutes=15, key=1)
    # 10:00 falls in 10:00-10:15, kept free after the 09:00 appointment.
    assert clashes(Busy(at(10), at(11)), [booked]) == [booked]
    # 10:15 is the first free minute.
    assert clashes(Busy(at(10, 15), at(11, 15)), [booked]) == []


def test_the_new_appointments_own_buffer_must_fit_before_the_next() -> None:
    booked = Busy(at(9), at(10), key=1)
    # 08:00-09:00 plus 15 minutes runs to 09:15, into the 09:00 appointment.
    assert clashes(Busy(at(8), at(9), buffer_minutes=15), [booked]) == [booked]
    # 07:45-08:45 plus 15 minutes ends at 09:00 exactly: free.
    assert clashes(Busy(at(7, 45), at(8, 45), buffer_minutes=15), [booked]) == []


def test_clashes_come_earliest_first() -> None:
    late, early = Busy(at(11), at(12), key=2), Busy(at(9), at(10), key=1)
    assert clashes(Busy(at(9, 30), at(11, 30)), [late, early]) == [early, late]


MONDAYS = [Stretch(0, time(9), time(17))]


def test_working_hours_are_wall_clock_times_across_the_clock_change() -> None:
    # Mon 29 Mar 2027 is BST: 08:00Z-09:00Z is 09:00-10:00 local, inside 09:00-17:00.
    assert inside_hours(
        datetime(2027, 3, 29, 8, tzinfo=UTC), datetime(2027, 3, 29, 9, tzinfo=UTC), LONDON, MONDAYS
    )
    # Mon 22 Mar 2027 is GMT: the same UTC times are 08:00-09:00 local, before the hours.
    assert not inside_hours(
        datetime(2027, 3, 22, 8, tzinfo=UTC), datetime(2027, 3, 22, 9, tzinfo=UTC), LONDON, MONDAYS
    )


def test_an_appointment_must_fit_inside_one_stretch() -> None:
    assert inside_hours(at(16), at(17), LONDON, MONDAYS)  # Mon 4 Jan, ends on the hour
    assert not inside_hours(at(16, 30), at(17, 30), LONDON, MONDAYS)
    assert not inside_hours(at(10, day=5), at(11, day=5), LONDON, MONDAYS)  # a Tuesday
    split = [Stretch(0, time(9), time(12)), Stretch(0, time(13), time(17))]
    assert not inside_hours(at(11, 30), at(13, 30), LONDON, split)  # over the lunch gap
    assert inside_hours(at(13), at(14), LONDON, split)


def test_past_midnight_is_never_inside_and_no_hours_means_any_time() -> None:
    sunday = [Stretch(6, time(0), time(23, 59))]
    assert not inside_hours(at(23, day=3), at(0, 30, day=4), LONDON, sunday)
    assert inside_hours(at(3), at(4), LONDON, [])


def test_time_off_counts_without_buffers() -> None:
    off = Busy(at(10), at(18))
    assert away(at(9), at(10), [off]) == []
    assert away(at(9, 30), at(10, 30), [off]) == [off]
