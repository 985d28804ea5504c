"""How often the client did an exercise against how often it was asked for. No Django import.

The practitioner asks for an exercise N times a week from a start day until an end day (or
open-ended). Expected so far = N x (days from the start to today, both included) / 7, rounded
down: a client asked for 7 a week who started today is expected to have done it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

MAX_PER_WEEK = 21  # three times a day: more is a plan, not home practice


@dataclass(frozen=True)
class Adherence:
    done: int  # completions since the start
    expected: int  # asked for so far
    done_this_week: int  # in the last 7 days, today included
    per_week: int
    last_done: date | None

    @property
    def sentence(self) -> str:
        """Plain words for the practitioner and the client, no judgement in them: counts done
        and asked for side by side, which read right whether more or fewer were done."""
        week = f"{_times(self.done_this_week)} in the last 7 days, {self.per_week} a week asked"
        if self.expected == 0 and self.done == 0:
            return f"Not started yet; {_times(self.per_week)} a week asked."
        if self.expected == 0:  # done already, before a first time was due
            return f"Done {_times(self.done)} so far; {week}."
        return f"Done {_times(self.done)} so far, {self.expected} asked for; {week}."


def _times(count: int) -> str:
    return f"{count} time" if count == 1 else f"{count} times"


def expected_count(per_week: int, start: date, until: date | None, today: date) -> int:
    """How many times the exercise was asked for from `start` to today (or `until`)."""
    end = min(today, until) if until is not None else today
    if end < start:
        return 0
    days = (end - start).days + 1
    return (per_week * days) // 7


def adherence(
    per_week: int, start: date, until: date | None, today: date, done_days: Iterable[date]
) -> Adherence:
    """done_days: the day of each completion (several on one day count several times)."""
    days = sorted(d for d in done_days if d >= start)
    week_start = today - timedelta(days=6)
    return Adherence(
        done=len(days),
        expected=expected_count(per_week, start, until, today),
        done_this_week=sum(1 for d in days if week_start <= d <= today),
        per_week=per_week,
        last_done=days[-1] if days else None,
    )


def format_duration(seconds: int) -> str:
    """12 -> '12 s', 60 -> '1 min', 95 -> '1 min 35 s', 3600 -> '60 min'."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    if minutes == 0:
        return f"{rest} s"
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"
