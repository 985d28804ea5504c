"""Open start times (scheduling/availability.py), worked out by hand on the Europe/London
calendar: GMT (UTC+0) until 01:00 UTC on Sunday 2027-03-28, BST (UTC+1) after."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from somatrace.scheduling.availability import Busy, Stretch, open_starts

LONDON = ZoneInfo("Europe/London")
MONDAY_MORNINGS = [Stretch(0, time(9), time(12))]  # Mondays 09:00-12:00 local
HOUR = timedelta(minutes=60)
NO_TIME = timedelta(0)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def starts(**overrides: object) -> list[datetime]:
    arguments: dict[str, object] = {
        "zone": LONDON,
        "first_day": date(2027, 3, 22),
        "last_day": date(2027, 3, 22),
        "duration": HOUR,
        "buffer": NO_TIME,
        "working": MONDAY_MORNINGS,
        "time_off": [],
        "booked": [],
        "now": utc(2027, 3, 1),
        "min_notice": timedelta(hours=24),
        "horizon": timedelta(days=60),
    }
    arguments.update(overrides)
    return open_starts(**arguments)  # type: ignore[arg-type]


def quarter_hours(first: datetime, last: datetime) -> list[datetime]:
    out = []
    while first <= last:
        out.append(first)
        first += timedelta(minutes=15)
    return out


def test_it_offers_every_quarter_hour_that_fits_the_working_morning() -> None:
    # 09:00-12:00 GMT, 60 minutes: 09:00, 09:15, ... 11:00 (the last that ends by 12:00): 9.
    assert starts() == quarter_hours(utc(2027, 3, 22, 9), utc(2027, 3, 22, 11))


def test_a_weekly_nine_oclock_is_an_hour_earlier_in_utc_after_the_clocks_go_forward() -> None:
    found = starts(first_day=date(2027, 3, 22), last_day=date(2027, 3, 29))
    # 22 March (GMT): 09:00Z to 11:00Z; 29 March (BST, UTC+1): 08:00Z to 10:00Z.
    assert found == quarter_hours(utc(2027, 3, 22, 9), utc(2027, 3, 22, 11)) + quarter_hours(
        utc(2027, 3, 29, 8), utc(2027, 3, 29, 10)
    )


def test_it_keeps_the_new_appointments_buffer_clear_of_a_booked_one() -> None:
    # Booked 10:00-10:30 (no buffer of its own). New: 60 minutes + 15 buffer = 75 minutes.
    # Before it a start s needs s + 75 <= 10:00, so s <= 08:45: none in the morning.
    # After it s >= 10:30 and s + 60 <= 12:00: 10:30, 10:45, 11:00.
    found = starts(
        buffer=timedelta(minutes=15),
        booked=[Busy(utc(2027, 3, 22, 10), utc(2027, 3, 22, 10, 30))],
    )
    assert found == quarter_hours(utc(2027, 3, 22, 10, 30), utc(2027, 3, 22, 11))


def test_a_booked_appointments_own_buffer_keeps_its_time_after_it() -> None:
    # Booked 09:00-10:00 with 30 minutes kept free after: busy until 10:30.
    found = starts(booked=[Busy(utc(2027, 3, 22, 9), utc(2027, 3, 22, 10, 30))])
    assert found == quarter_hours(utc(2027, 3, 22, 10, 30), utc(2027, 3, 22, 11))


def test_it_offers_nothing_during_time_off() -> None:
    # Away 11:00-12:00: a start s is open only if s + 60 <= 11:00, so 09:00 to 10:00.
    found = starts(time_off=[Busy(utc(2027, 3, 22, 11), utc(2027, 3, 22, 12))])
    assert found == quarter_hours(utc(2027, 3, 22, 9), utc(2027, 3, 22, 10))


def test_it_keeps_the_minimum_notice() -> None:
    # Asked at 10:00Z the day before with 24 hours' notice: nothing before 10:00Z on the 22nd.
    found = starts(now=utc(2027, 3, 21, 10))
    assert found == quarter_hours(utc(2027, 3, 22, 10), utc(2027, 3, 22, 11))


def test_it_looks_no_further_than_the_horizon() -> None:
    # From 1 March 00:00Z, 21 days and 9 hours 30 minutes ahead is 22 March 09:30Z.
    found = starts(horizon=timedelta(days=21, hours=9, minutes=30))
    assert found == quarter_hours(utc(2027, 3, 22, 9), utc(2027, 3, 22, 9, 30))


def test_it_never_offers_a_wall_clock_time_the_clocks_skip() -> None:
    # Sunday 28 March 2027, working 00:00-04:00 local: 01:00-01:59 local does not exist.
    # Local 00:00-00:45 GMT are 00:00Z-00:45Z; local 02:00-03:00 BST are 01:00Z-02:00Z
    # (03:00 BST + 60 minutes = 04:00 BST, the end). Nine starts, none in the gap.
    found = starts(
        working=[Stretch(6, time(0), time(4))],
        first_day=date(2027, 3, 28),
        last_day=date(2027, 3, 28),
    )
    assert found == quarter_hours(utc(2027, 3, 28, 0), utc(2027, 3, 28, 2))
    assert all(start.astimezone(LONDON).hour != 1 for start in found)


def test_nothing_is_open_without_working_hours() -> None:
    assert starts(working=[]) == []
