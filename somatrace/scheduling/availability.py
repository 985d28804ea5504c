"""Open start times: when a client may book an appointment type with a practitioner.

Pure: no Django. The caller reads working hours, time off and booked appointments from the
database and hands them over; this module does the wall-clock arithmetic.

A start time is open when
- the appointment (start to start + length) lies inside one of the practitioner's working
  stretches, read as wall-clock times in the practice's zone on that day (so a 09:00 start is
  09:00 local on both sides of a daylight-saving change);
- it does not overlap any time off;
- it, with its buffer after, does not overlap any booked appointment with that one's buffer
  after (the same rule the calendar's conflict check applies);
- it is at least `min_notice` after `now` and at most `horizon` after `now`;
- it falls on a STEP boundary of the wall clock (09:00, 09:15, ...).

Wall-clock times that do not exist (the hour skipped when clocks go forward) are never
offered; of a wall-clock time that happens twice (clocks go back) the first is offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Starts are offered every quarter hour of the wall clock: fine enough for a practice's day,
# coarse enough that a day's list stays short (at most 96 a day).
STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class Stretch:
    """One stretch of a practitioner's week: weekday (0 Monday .. 6 Sunday), wall-clock
    start and end (datetime.time, the practice's zone)."""

    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class Busy:
    """A time that is taken: aware datetimes, `ends` already including any buffer after."""

    starts: datetime
    ends: datetime


def _local(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The instant (in UTC) of a wall-clock time on a day, or None if the clock skips it.

    In UTC because Python adds and compares datetimes sharing one tzinfo as wall-clock
    times, which is an hour out across a change."""
    naive = datetime.combine(day, at)
    instant = naive.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        return None  # in the gap when the clocks go forward
    return instant


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _overlaps(starts: datetime, ends: datetime, taken: Sequence[Busy]) -> bool:
    return any(starts < busy.ends and busy.starts < ends for busy in taken)


def open_starts(
    *,
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
    duration: timedelta,
    buffer: timedelta,
    working: Sequence[Stretch],
    time_off: Sequence[Busy],
    booked: Sequence[Busy],
    now: datetime,
    min_notice: timedelta,
    horizon: timedelta,
    step: timedelta = STEP,
) -> list[datetime]:
    """Every open start time from `first_day` to `last_day` (inclusive, days in `zone`).

    Parameters
    ----------
    zone : ZoneInfo
        The practice's time zone; working stretches are wall-clock times in it.
    first_day, last_day : date
        The days looked at, in the practice's zone.
    duration : timedelta
        The appointment type's length.
    buffer : timedelta
        The appointment type's buffer kept free after it (may run past working hours).
    working : sequence of Stretch
        The practitioner's week. No stretch at all: nothing is open.
    time_off : sequence of Busy
        The practitioner's time away.
    booked : sequence of Busy
        The practitioner's booked appointments, each with its own buffer in `ends`.
    now : datetime (aware)
        The moment the question is asked.
    min_notice : timedelta
        The least time between `now` and a start.
    horizon : timedelta
        The most time between `now` and a start.
    step : timedelta
        Starts fall on multiples of this from wall-clock midnight (15 minutes).

    Returns
    -------
    list of datetime
        Aware start times in UTC, earliest first, no repeats.
    """
    earliest = (now + min_notice).astimezone(UTC)
    latest = (now + horizon).astimezone(UTC)
    step_minutes = int(step.total_seconds() // 60)
    found: set[datetime] = set()
    for day in _days(first_day, last_day):
        for stretch in working:
            if stretch.weekday != day.weekday():
                continue
            stretch_end = _local(day, stretch.ends, zone)
            if stretch_end is None:  # ends in the skipped hour: the next instant that exists
                stretch_end = datetime.combine(day, stretch.ends, zone).astimezone(UTC)
            # The first wall-clock step at or after the stretch's start.
            minute = stretch.starts.hour * 60 + stretch.starts.minute
            if stretch.starts.second or stretch.starts.microsecond:
                minute += 1
            minute = -(-minute // step_minutes) * step_minutes
            while minute < 24 * 60:
                wall = time(minute // 60, minute % 60)
                minute += step_minutes
                if wall >= stretch.ends:
                    break
                start = _local(day, wall, zone)
                if start is None:
                    continue
                end = start + duration
                if end > stretch_end:
                    break
                if start < earliest or start > latest:
                    continue
                if _overlaps(start, end, time_off):
                    continue
                if _overlaps(start, end + buffer, booked):
                    continue
                found.add(start)
    return sorted(found)
