"""A cohort's results per instrument, from plain rows. No Django import.

scores: per instrument code, rows of (client, date, total); sessions: per client, the dates
(or datetimes) of their sessions in the period. See stats.py for the formulas.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from somatrace.measures import instruments
from somatrace.research import stats


@dataclass(frozen=True)
class InstrumentResult:
    code: str
    title: str
    effect: stats.Effect
    dose: list[stats.DoseRow]
    cutoff: bool  # the instrument has a cut-off: recovery is reported


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def sessions_between(days: Sequence[date | datetime], first: date, latest: date) -> int:
    """Sessions from the first score's day to the latest score's day, both included."""
    return sum(first <= _day(d) <= latest for d in days)


def per_instrument(
    scores: Mapping[str, Sequence[tuple[Hashable, date, float]]],
    sessions: Mapping[Any, Sequence[date | datetime]],
    minimum: int = stats.DEFAULT_MINIMUM,
) -> list[InstrumentResult]:
    found: list[InstrumentResult] = []
    for code, rows in scores.items():
        defn = instruments.INSTRUMENTS[code]
        pairs, dropouts = stats.first_and_latest(rows)
        effect = stats.effect(defn, pairs, len(dropouts), minimum=minimum)
        dose_data = [
            (
                sessions_between(sessions.get(p.client, ()), p.first_date, p.latest_date)
                if p.first_date and p.latest_date
                else 0,
                p.change,
            )
            for p in pairs
        ]
        dose = stats.dose_response(dose_data, minimum=minimum) if not effect.suppressed else []
        cutoff = bool(defn.change and defn.change.cutoff_kind)
        found.append(InstrumentResult(code, defn.short_title, effect, dose, cutoff))
    return found
