"""Score a completed questionnaire. Plain Python, no Django import.

score(PHQ9, [1, 0, 2, 1, 0, 0, 1, 0, 1]) -> Score(total=6, band="Mild", ...)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from somatrace.measures.instruments import (
    PCL5_CLUSTER_RULE,
    PCL5_ENDORSED_AT,
    Instrument,
    RiskItem,
)


class AnswerError(ValueError):
    """Answers that cannot belong to the instrument: wrong count, not a whole number, or
    outside the response options. The message is one line, fit to show to a person."""


@dataclass(frozen=True)
class Score:
    """The result of scoring one administration.

    total: the total (sum) or None when the instrument has none (MAIA-2) or when it cannot be
    scored (``valid`` False, ``reason`` says why). band: label of the band the total falls in.
    subscales: {key: score}; sums, or means (0-5) for MAIA-2; WHO-5 adds "percentage".
    alerts: risk items answered at or above their threshold — evaluated on every answer given,
    even when the questionnaire is incomplete, so a risk answer is never lost.
    details: instrument-specific facts (PCL-5 DSM-5 cluster rule, WHO-5 low items).
    """

    total: float | None
    band: str | None
    subscales: dict[str, float]
    alerts: tuple[RiskItem, ...]
    valid: bool
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


def check_answers(defn: Instrument, answers: Sequence[int | None]) -> list[int | None]:
    """Validate the shape and range of ``answers`` (None = not answered); raise AnswerError."""
    if len(answers) != defn.n_items:
        raise AnswerError(
            f"{defn.short_title} has {defn.n_items} items but {len(answers)} answers were given"
        )
    allowed = {o.value for o in defn.options}
    checked: list[int | None] = []
    for number, value in enumerate(answers, start=1):
        if value is None:
            checked.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerError(f"answer to item {number} is not a whole number: {value!r}")
        if value not in allowed:
            raise AnswerError(
                f"answer to item {number} is {value}, outside {defn.min_value}-{defn.max_value}"
            )
        checked.append(value)
    return checked


def scored_value(defn: Instrument, number: int, value: int) -> int:
    """The value an item contributes after reverse scoring (x -> reverse_from - x)."""
    if number in defn.reverse_items:
        return defn.reverse_from - value
    return value


def risk_alerts(defn: Instrument, answers: Sequence[int | None]) -> tuple[RiskItem, ...]:
    """Risk items whose (raw, unreversed) answer is at or above the risk threshold."""
    hits = []
    for risk in defn.risk_items:
        value = answers[risk.number - 1]
        if value is not None and value >= risk.at_least:
            hits.append(risk)
    return tuple(hits)


def pcl5_dsm5_rule(answers: Sequence[int]) -> dict[str, Any]:
    """DSM-5 provisional diagnosis from PCL-5 answers (20 values, 0-4).

    An item counts as endorsed when rated >= 2; the rule needs >= 1 endorsed B item (1-5),
    >= 1 C (6-7), >= 2 D (8-14) and >= 2 E (15-20) (Weathers et al. 2013, NCPTSD).
    """
    clusters = {"B": range(1, 6), "C": range(6, 8), "D": range(8, 15), "E": range(15, 21)}
    endorsed = {
        key: sum(1 for n in numbers if answers[n - 1] >= PCL5_ENDORSED_AT)
        for key, numbers in clusters.items()
    }
    met = all(endorsed[key] >= need for key, need in PCL5_CLUSTER_RULE.items())
    return {"dsm5_endorsed": endorsed, "dsm5_rule_met": met}


def score(defn: Instrument, answers: Sequence[int | None]) -> Score:
    """Score ``answers`` (one per item, in item order; None = not answered).

    Raises AnswerError for a wrong count or an out-of-range value. A missing answer gives
    ``valid=False`` with the reason (no instrument here has a published missing-answer rule),
    but risk items answered are still reported in ``alerts``.
    """
    checked = check_answers(defn, answers)
    alerts = risk_alerts(defn, checked)
    missing = [n for n, v in enumerate(checked, start=1) if v is None]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        rule = defn.missing_rule or (
            f"{defn.short_title} has no published rule for missing answers, so it is not scored"
        )
        return Score(
            total=None,
            band=None,
            subscales={},
            alerts=alerts,
            valid=False,
            reason=f"Not answered: item{'s' if len(missing) > 1 else ''} {listed}. {rule}.",
        )
    values = [int(v) for v in checked if v is not None]
    item_scores = [scored_value(defn, n, v) for n, v in enumerate(values, start=1)]

    subscales: dict[str, float] = {}
    for sub in defn.subscales:
        parts = [item_scores[n - 1] for n in sub.items]
        subscales[sub.key] = sum(parts) / len(parts) if sub.combine == "mean" else sum(parts)

    total: float | None = None
    band: str | None = None
    details: dict[str, Any] = {}
    if defn.has_total:
        total = sum(item_scores)
        found = defn.band_for(total)
        band = found.label if found else None
    if defn.percentage_factor is not None and total is not None:
        subscales["percentage"] = total * defn.percentage_factor
    if defn.code == "PCL5":
        details.update(pcl5_dsm5_rule(values))
    if defn.code == "WHO5":
        # Any item answered 0 or 1 is worth following up (Topp 2015).
        details["items_0_or_1"] = [n for n, v in enumerate(values, start=1) if v <= 1]
    return Score(
        total=total,
        band=band,
        subscales=subscales,
        alerts=alerts,
        valid=True,
        reason="",
        details=details,
    )
