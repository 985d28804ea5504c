"""Weekly series keep the local wall-clock time; expected instants worked out by hand.

Europe/London: GMT (UTC+0) until 01:00 UTC on Sunday 2027-03-28, then BST (UTC+1) until
01:00 UTC on Sunday 2027-10-31.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from somatrace.scheduling.recurrence import MAX_OCCURRENCES, RecurrenceError, weekly

LONDON = ZoneInfo("Europe/London")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_weekly_nine_oclock_moves_an_hour_in_utc_when_the_clocks_go_forward() -> None:
    # Mon 22 Mar 09:00 GMT = 09:00Z; Mon 29 Mar and 5 Apr 09:00 BST = 08:00Z.
    first = datetime(2027, 3, 22, 9, 0, tzinfo=LONDON)
    assert weekly(first, LONDON, count=3) == [
        utc(2027, 3, 22, 9, 0),
        utc(2027, 3, 29, 8, 0),
        utc(2027, 4, 5, 8, 0),
    ]


def test_a_weekly_nine_oclock_moves_back_when_the_clocks_go_back() -> None:
    # Mon 25 Oct 09:00 BST = 08:00Z; Mon 1 Nov 09:00 GMT = 09:00Z.
    first = datetime(2027, 10, 25, 9, 0, tzinfo=LONDON)
    assert weekly(first, LONDON, count=2) == [utc(2027, 10, 25, 8, 0), utc(2027, 11, 1, 9, 0)]


def test_the_first_start_may_come_in_any_zone() -> None:
    # 08:00Z on Mon 29 Mar is 09:00 BST: the series keeps 09:00 local, so Mon 5 Apr is 08:00Z
    # too, whatever zone the first instant was written in.
    assert weekly(utc(2027, 3, 29, 8, 0), LONDON, count=2) == [
        utc(2027, 3, 29, 8, 0),
        utc(2027, 4, 5, 8, 0),
    ]


def test_every_two_weeks_until_a_date_includes_that_date() -> None:
    # 4 Jan to 1 Feb is 28 days = two fortnights: 4 Jan, 18 Jan, 1 Feb (all GMT).
    first = datetime(2027, 1, 4, 14, 30, tzinfo=LONDON)
    assert weekly(first, LONDON, every_weeks=2, until=date(2027, 2, 1)) == [
        utc(2027, 1, 4, 14, 30),
        utc(2027, 1, 18, 14, 30),
        utc(2027, 2, 1, 14, 30),
    ]


def test_until_the_day_before_the_next_leaves_one_less() -> None:
    # 4 Jan to 31 Jan is 27 days: 27 // 14 = 1, so 4 Jan and 18 Jan only.
    first = datetime(2027, 1, 4, 14, 30, tzinfo=LONDON)
    assert len(weekly(first, LONDON, every_weeks=2, until=date(2027, 1, 31))) == 2


def test_a_time_missing_on_the_spring_forward_day_is_read_as_before_the_change() -> None:
    # 01:30 does not exist in London on 28 Mar 2027 (01:00 GMT jumps to 02:00 BST); read with
    # the offset before the change it is 01:30Z, which the clock on the wall shows as 02:30.
    first = datetime(2027, 3, 21, 1, 30, tzinfo=LONDON)  # 01:30 GMT
    assert weekly(first, LONDON, count=3) == [
        utc(2027, 3, 21, 1, 30),
        utc(2027, 3, 28, 1, 30),
        utc(2027, 4, 4, 0, 30),  # 01:30 BST
    ]


def test_no_repeat_is_the_first_alone() -> None:
    assert weekly(utc(2027, 1, 4, 9), LONDON) == [utc(2027, 1, 4, 9)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"count": 2, "until": date(2027, 2, 1)}, "not both"),
        ({"count": 0}, "between 1 and"),
        ({"count": MAX_OCCURRENCES + 1}, "between 1 and"),
        ({"until": date(2027, 1, 3)}, "ends before"),
        ({"every_weeks": 0, "count": 2}, "1 to 12"),
        # 4 Jan 2027 to 4 Jan 2030 is 1096 days: 1096 // 7 + 1 = 157 weekly occurrences.
        ({"until": date(2030, 1, 4)}, "157 appointments"),
    ],
)
def test_it_refuses_repeats_it_cannot_make(options: dict, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        weekly(utc(2027, 1, 4, 9), LONDON, **options)
