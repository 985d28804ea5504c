"""Per-client and caseload summaries of scores over time. Plain Python, no Django import.

A client's status on an instrument compares the FIRST valid score with the LATEST one
(Jacobson & Truax 1991, via change.reliable_change). Instruments without psychometrics for
change are "trend only"; a single score is "baseline only".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from somatrace.measures import instruments
from somatrace.measures.change import CATEGORIES, Change, reliable_change

# No percentage is shown for a group of fewer than 5 clients: with n < 5 one client moves a
# percentage by more than 20 points, and in a small practice a figure about 1-4 people can
# identify them. (Common small-cell suppression practice in health statistics uses 5-10.)
MIN_GROUP = 5

STATUS_LABELS = {
    "recovered": "Recovered",
    "improved": "Improved",
    "unchanged": "Unchanged",
    "deteriorated": "Deteriorated",
    "trend": "Trend only",
    "baseline": "Baseline only",
}


@dataclass(frozen=True)
class Point:
    """One valid score: when, the total (or None for MAIA-2), the subscales."""

    day: date
    total: float | None
    subscales: dict[str, float] = field(default_factory=dict)


@dataclass
class Series:
    code: str
    points: list[Point]
    status: str  # a key of STATUS_LABELS
    change: Change | None  # first -> latest, when computable

    @property
    def defn(self) -> instruments.Instrument:
        return instruments.INSTRUMENTS[self.code]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def point_change(defn: instruments.Instrument, first: Point, point: Point) -> str:
    """How one point compares with the first score, for the chart marks."""
    if defn.change is None or first.total is None or point.total is None:
        return "Trend only"
    if point is first:
        return "First score"
    change = reliable_change(defn, first.total, point.total)
    if change.reliable and change.direction == "improvement":
        return "Reliable improvement"
    if change.reliable and change.direction == "deterioration":
        return "Reliable deterioration"
    return "Within measurement error"


def series(code: str, points: Iterable[Point]) -> Series:
    """points in time order; returns the series with its status."""
    ordered = list(points)
    defn = instruments.INSTRUMENTS[code]
    if defn.change is None:
        return Series(code, ordered, "trend", None)
    scored = [p for p in ordered if p.total is not None]
    if len(scored) < 2:
        return Series(code, ordered, "baseline", None)
    first, latest = scored[0], scored[-1]
    assert first.total is not None and latest.total is not None
    change = reliable_change(defn, first.total, latest.total)
    return Series(code, ordered, change.category, change)


@dataclass(frozen=True)
class CaseloadRow:
    code: str
    n: int
    counts: dict[str, int]
    shown: bool  # False when n < MIN_GROUP: no figures at all

    @property
    def title(self) -> str:
        return instruments.INSTRUMENTS[self.code].short_title

    def cells(self) -> list[dict[str, Any]]:
        return [
            {
                "category": c,
                "label": STATUS_LABELS[c],
                "count": self.counts[c],
                "percent": round(100 * self.counts[c] / self.n) if self.n else 0,
            }
            for c in CATEGORIES
        ]


def caseload(per_client: dict[tuple[int, str], list[Point]]) -> list[CaseloadRow]:
    """per_client: {(client_id, code): points in time order} -> one row per instrument with
    change data, counting clients with at least two valid scores."""
    rows = []
    for code in instruments.ORDER:
        defn = instruments.INSTRUMENTS[code]
        if defn.change is None:
            continue
        counts: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
        n = 0
        for (_, c), points in per_client.items():
            if c != code:
                continue
            result = series(code, points)
            if result.change is not None:
                counts[result.status] += 1
                n += 1
        rows.append(CaseloadRow(code, n, counts, n >= MIN_GROUP))
    return rows
