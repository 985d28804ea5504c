"""Weekly repeats: every N weeks, until a date or a number of times, keeping the local
wall-clock time across daylight-saving changes. Plain Python, no Django.

A weekly 09:00 in Europe/London is 09:00 UTC in winter and 08:00 UTC in summer: the series
steps through wall-clock time in the practice's zone and converts each start to UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

# The longest series booked at once: two years of weekly appointments (the same bound as
# Series.count's validator); a longer run is booked again later.
MAX_OCCURRENCES = 104


class RecurrenceError(ValueError):
    """A repeat that cannot be made; the message is written for the person booking."""


def weekly(
    first: datetime,
    zone: tzinfo,
    *,
    every_weeks: int = 1,
    until: date | None = None,
    count: int | None = None,
) -> list[datetime]:
    """The starts of a weekly series, as aware UTC datetimes.

    Parameters
    ----------
    first : datetime
        The first start (aware, any zone).
    zone : tzinfo
        The practice's zone, whose wall-clock time the series keeps.
    every_weeks : int
        1 for weekly, 2 for fortnightly, ... (1 to 12).
    until : date | None
        The last local date an occurrence may fall on (inclusive).
    count : int | None
        How many occurrences in all, the first included.

    Exactly one of `until` and `count` is given; with neither the series is `first` alone.
    A wall-clock time that does not exist on a spring-forward day (01:30 in London on
    2027-03-28) is read as the instant it would be before the change (01:30 GMT, shown as
    02:30 BST).

    Raises
    ------
    RecurrenceError
        Bad repeat values, an `until` before the first date, or more than MAX_OCCURRENCES.
    """
    if until is not None and count is not None:
        raise RecurrenceError("Repeat until a date or a number of times, not both.")
    if not 1 <= every_weeks <= 12:
        raise RecurrenceError("Repeat every 1 to 12 weeks.")
    local = first.astimezone(zone).replace(tzinfo=None)  # the wall-clock time to keep
    if count is not None:
        if not 1 <= count <= MAX_OCCURRENCES:
            raise RecurrenceError(f"Repeat between 1 and {MAX_OCCURRENCES} times.")
        total = count
    elif until is not None:
        if until < local.date():
            raise RecurrenceError("The repeat ends before the first appointment.")
        total = (until - local.date()).days // (7 * every_weeks) + 1
        if total > MAX_OCCURRENCES:
            raise RecurrenceError(
                f"That is {total} appointments; book at most {MAX_OCCURRENCES} at once."
            )
    else:
        total = 1
    step = timedelta(weeks=every_weeks)
    return [(local + step * n).replace(tzinfo=zone).astimezone(UTC) for n in range(total)]
