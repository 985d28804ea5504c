"""Wall-clock dates and times in the zone the request activated (the practice's zone).

Forms, calendars and dashboards speak in local days and times; the database stores instants.
These are the one place the two meet.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_instant(day: date, at: time = time.min) -> datetime:
    """The aware instant of wall-clock `at` on `day` in the active zone.

    A time the clocks skip (01:30 on the morning they go forward) is taken with the offset
    before the change, as zoneinfo does (PEP 495, fold=0)."""
    return timezone.make_aware(datetime.combine(day, at))


def local_days(first: date, days: int = 1) -> tuple[datetime, datetime]:
    """[start, end): from local midnight on `first` to local midnight `days` days later.

    On the days the clocks change a local day is 23 or 25 hours long, so the end is worked
    out from its own date, never as start + 24 h."""
    return local_instant(first), local_instant(first + timedelta(days=days))
