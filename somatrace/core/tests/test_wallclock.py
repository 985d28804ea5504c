"""Local days and times against instants worked out by hand for Europe/London, whose clocks
went forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from somatrace.core.wallclock import local_days, local_instant


@pytest.fixture(autouse=True)
def london():
    with timezone.override("Europe/London"):
        yield


def test_a_summer_time_is_an_hour_ahead_of_utc():
    assert local_instant(date(2026, 7, 1), time(9, 30)) == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def test_a_winter_time_is_utc():
    assert local_instant(date(2026, 1, 15), time(9, 30)) == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def test_without_a_time_it_is_local_midnight():
    assert local_instant(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)


def test_the_day_the_clocks_go_forward_is_23_hours_long():
    start, end = local_days(date(2026, 3, 29))
    assert start == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
    # Python subtracts datetimes sharing a tzinfo as wall-clock times: measure in UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


def test_the_day_the_clocks_go_back_is_25_hours_long():
    start, end = local_days(date(2026, 10, 25))
    assert start == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=25)


def test_a_week_runs_from_monday_midnight_to_the_next():
    start, end = local_days(date(2026, 10, 19), days=7)
    assert start == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)  # still summer time
    assert end == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)  # winter time again
