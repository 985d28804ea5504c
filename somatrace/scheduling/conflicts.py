"""Whether a time is free: overlaps (with the buffer kept after each appointment), working
hours in the practice's wall-clock time, and time off. Plain Python, no Django.

Every instant is an aware `datetime`; working hours are wall-clock `time`s in the practice's
zone (a `tzinfo`, usually a `zoneinfo.ZoneInfo`), so a 09:00 start stays 09:00 across a
daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class Busy:
    """A stretch of time already taken.

    Attributes
    ----------
    starts_at, ends_at : datetime
        Aware instants; `ends_at` is the end of the appointment itself.
    buffer_minutes : int
        Minutes kept free after `ends_at` (notes, the room, a breath).
    key : int | None
        Whose it is (an appointment id), for the caller; not used here.
    """

    starts_at: datetime
    ends_at: datetime
    buffer_minutes: int = 0
    key: int | None = None

    @property
    def taken_until(self) -> datetime:
        """The end of the appointment plus its buffer."""
        return self.ends_at + timedelta(minutes=self.buffer_minutes)


@dataclass(frozen=True)
class Stretch:
    """One stretch of a working week: `weekday` (0 is Monday) from `starts` to `ends`,
    wall-clock times in the practice's zone."""

    weekday: int
    starts: time
    ends: time


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals [a_start, a_end) and [b_start, b_end) share an instant.

    Touching ends (one ends at 10:00, the next starts at 10:00) do not overlap.
    """
    return a_start < b_end and b_start < a_end


def clashes(wanted: Busy, taken: Iterable[Busy]) -> list[Busy]:
    """The stretches in `taken` that `wanted` cannot sit beside.

    Each side keeps its own buffer after it: `wanted` clashes with `other` when
    [wanted.starts_at, wanted.taken_until) overlaps [other.starts_at, other.taken_until).
    So after a 09:00-10:00 appointment with a 15-minute buffer the next may start at 10:15,
    and a new 08:00-09:00 one with a 15-minute buffer may not sit right before a 09:00 one.

    Returns
    -------
    list[Busy]
        The clashing stretches, earliest first.
    """
    found = [
        other
        for other in taken
        if overlaps(wanted.starts_at, wanted.taken_until, other.starts_at, other.taken_until)
    ]
    return sorted(found, key=lambda busy: busy.starts_at)


def inside_hours(
    starts_at: datetime, ends_at: datetime, zone: tzinfo, hours: Sequence[Stretch]
) -> bool:
    """Whether [starts_at, ends_at) lies inside one stretch of working hours, in `zone`'s
    wall-clock time on the day it starts.

    An appointment that runs past midnight is never inside. With no stretches at all the
    practitioner has set no hours, and every time counts as inside.
    """
    if not hours:
        return True
    start = starts_at.astimezone(zone)
    end = ends_at.astimezone(zone)
    if end.date() != start.date():
        return False
    return any(
        stretch.weekday == start.weekday()
        and stretch.starts <= start.time()
        and end.time() <= stretch.ends
        for stretch in hours
    )


def away(starts_at: datetime, ends_at: datetime, time_off: Iterable[Busy]) -> list[Busy]:
    """The stretches of time off that [starts_at, ends_at) overlaps (buffers do not count:
    time off starting at 10:00 leaves a 09:00-10:00 appointment free)."""
    return sorted(
        (off for off in time_off if overlaps(starts_at, ends_at, off.starts_at, off.ends_at)),
        key=lambda off: off.starts_at,
    )
