"""Questionnaire scores in plain words, for the client's own portal. No Django import.

Reads a summary.Series (first valid score -> latest, Jacobson & Truax reliable change via
change.py) and says what it does and does not mean. It reports that a score changed by more
than the questionnaire's measurement error, or did not; it never says why: a reliable change
is not evidence that the sessions, or anything else, caused it.
"""

from __future__ import annotations

import math

from somatrace.measures import instruments
from somatrace.measures.summary import Series

WHAT_IT_MEANS = (
    "A reliable change means the difference is larger than the usual ups and downs of "
    "answering the same questions twice. It does not say what caused the change: life, "
    "sleep, seasons and many other things move these scores too."
)


def smallest_whole_change(defn: instruments.Instrument, threshold: float) -> int:
    """The fewest whole score points that count as reliable change (totals are whole numbers):
    at least a published threshold (GAD-7 5.59 -> 6), or more than a computed one (PSS-10
    8.26 -> 9), as change.reliable_change decides."""
    if defn.change is not None and defn.change.computed:
        return math.floor(threshold) + 1
    return math.ceil(threshold - 1e-9)


def direction_words(defn: instruments.Instrument) -> str:
    """Which way is easier to live with, on this questionnaire's scale."""
    if defn.higher_is_better:
        return "On this questionnaire a higher score means feeling better."
    return "On this questionnaire a lower score means fewer difficulties."


def reading(series: Series) -> str:
    """One short paragraph about a client's scores on one questionnaire, first to latest."""
    defn = series.defn
    name = defn.short_title
    scored = [p for p in series.points if p.total is not None]
    if series.status == "trend" or (series.change is None and len(scored) >= 2):
        if len(scored) >= 2:
            first, latest = scored[0].total, scored[-1].total
            return (
                f"Your {name} score went from {first:g} to {latest:g}. This questionnaire has "
                "no published figure for how large a change must be to stand out from "
                "measurement error, so it is shown as a trend only."
            )
        return f"Your {name} answers are shown over time as a trend."
    if series.status == "baseline" or series.change is None:
        if scored:
            return (
                f"One {name} score so far: {scored[0].total:g}. It is a starting point to "
                "compare later answers with."
            )
        return f"No {name} score yet."
    change = series.change
    first, latest = scored[0].total, scored[-1].total
    assert first is not None and latest is not None
    went = f"Your {name} score went from {first:g} to {latest:g}"
    if change.direction == "none":
        went = f"Your {name} score was {first:g} at first and {latest:g} most recently"
    points = smallest_whole_change(defn, change.threshold)
    needed = f"A change of {points} points or more is needed to be reliable."
    if not change.reliable:
        return (
            f"{went}. {needed} This change is within the questionnaire's measurement error, so "
            "it may be chance."
        )
    way = "the better way" if change.direction == "improvement" else "the harder way"
    sentence = f"{went}. {needed} This is a reliable change, {way} on this questionnaire."
    if change.category == "recovered":
        sentence += (
            " The latest score is also on the other side of the questionnaire's usual cut-off."
        )
    if change.direction == "deterioration":
        sentence += " You may want to talk about this with your practitioner."
    return sentence
