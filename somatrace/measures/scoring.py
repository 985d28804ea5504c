"""Score a completed questionnaire. Plain Python, no Django import.

score(PHQ9, [1, 0, 2, 1, 0, 0, 1, 0, 1]) -> Score(total=6, band="Mild", ...)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
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


_ASCII_WHOLE = re.compile(r"[0-9]+")


def whole_number_problem(text: str) -> str | None:
    """None when ``text`` is a whole number written with the ASCII digits 0-9 only; else what
    is wrong with it, in a few words.

    Python's int() also accepts '+1', '0_1', ' 1 ', '٣' (Arabic-Indic three) and '２'
    (full-width two); an answer or a total typed that way is refused, never read as a number.
    """
    if _ASCII_WHOLE.fullmatch(text):
        return None
    if text == "":
        return "is empty"
    if text != text.strip():
        return "has spaces around it"
    if text[0] in "+-":
        return "has a plus or minus sign"
    if "_" in text:
        return "contains an underscore"
    if any(c.isdigit() and c not in "0123456789" for c in text):
        return "uses digits other than 0-9"
    if re.fullmatch(r"[0-9]*[.,/][0-9]*|[0-9.]+[eE][0-9+-]+", text):
        return "is not a whole number"
    return "is not a number"


def _items_phrase(numbers: Sequence[int]) -> str:
    """[3] -> 'item 3'; [2, 5] -> 'items 2 and 5'; [1, 4, 7] -> 'items 1, 4 and 7'."""
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return f"item {words[0]}"
    return f"items {', '.join(words[:-1])} and {words[-1]}"


def _count_phrase(count: int, noun: str) -> str:
    """0 -> 'no answers', 1 -> '1 answer', 3 -> '3 answers'."""
    if count == 0:
        return f"no {noun}s"
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Score:
    """The result of scoring one administration.

    total: the total (sum) or None when the instrument has none (MAIA-2) or when it cannot be
    scored (``valid`` False, ``reason`` says why). band: label of the band the total falls in.
    subscales: {key: score}; sums, or means (0-5) for MAIA-2; WHO-5 adds "percentage".
    alerts: risk items answered at or above their threshold — evaluated on every answer given,
    even when the questionnaire is incomplete, so a risk answer is never lost.
    details: instrument-specific facts (PCL-5 DSM-5 cluster rule, WHO-5 low items) and, for a
    prorated total, ``prorated`` True, ``missing_items``, ``unrounded_total`` and ``note``.
    prorated: the total was completed by the instrument's published missing-answer rule;
    ``note`` says how, in a sentence fit to show.
    """

    total: float | None
    band: str | None
    subscales: dict[str, float]
    alerts: tuple[RiskItem, ...]
    valid: bool
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    prorated: bool = False
    note: str = ""


def check_answers(defn: Instrument, answers: Sequence[int | str | None]) -> list[int | None]:
    """Validate the shape and range of ``answers`` (None = not answered); raise AnswerError.

    An answer arriving as text must be a whole number written with the ASCII digits 0-9
    ('3'); '٣', '２', '0_1', '+1' and '1.0' are refused with the reason.
    """
    if len(answers) != defn.n_items:
        given = _count_phrase(len(answers), "answer")
        verb = "was" if len(answers) == 1 else "were"
        raise AnswerError(f"{defn.short_title} has {defn.n_items} items but {given} {verb} given")
    allowed = {o.value for o in defn.options}
    checked: list[int | None] = []
    for number, value in enumerate(answers, start=1):
        if value is None:
            checked.append(None)
            continue
        if isinstance(value, str):
            problem = whole_number_problem(value)
            if problem is not None:
                raise AnswerError(
                    f"answer to item {number} must be a whole number written with the digits "
                    f"0-9, but {value!r} {problem}"
                )
            value = int(value)
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


def round_half_up(value: Fraction) -> int:
    """4.5 -> 5, 4.49 -> 4 (Python's round() would give 4 for 4.5)."""
    return math.floor(value + Fraction(1, 2))


def _prorated(defn: Instrument, checked: list[int | None], missing: list[int]) -> Score:
    """The total by the instrument's published missing-answer rule: mean of the answered
    items x number of items, rounded half up. Only instruments with a single total use it."""
    rule = defn.missing_rule
    assert rule is not None and not defn.subscales and defn.has_total
    answered = [scored_value(defn, n, v) for n, v in enumerate(checked, start=1) if v is not None]
    exact = Fraction(sum(answered), len(answered)) * defn.n_items
    total = round_half_up(exact)
    found = defn.band_for(total)
    unrounded = float(exact)
    risk_missing = [r.number for r in defn.risk_items if r.number in missing]
    note = (
        f"Prorated: {_items_phrase(missing)} not answered, so the total is the mean of the "
        f"{len(answered)} answered items × {defn.n_items} = {unrounded:.4g}"
        + (f", rounded to {total}" if exact != total else "")
        + " (NHS Data Dictionary rule; rounding halves up is Somatrace's convention)."
    )
    if risk_missing:
        one = len(risk_missing) == 1
        note += (
            f" {_items_phrase(risk_missing).capitalize()} "
            + ("(a risk item) was" if one else "(risk items) were")
            + f" not answered: ask about {'it' if one else 'them'} directly."
        )
    return Score(
        total=total,
        band=found.label if found else None,
        subscales={},
        alerts=risk_alerts(defn, checked),
        valid=True,
        reason="",
        details={
            "prorated": True,
            "missing_items": missing,
            "unrounded_total": unrounded,
            **({"risk_items_unanswered": risk_missing} if risk_missing else {}),
            "note": note,
        },
        prorated=True,
        note=note,
    )


def score(defn: Instrument, answers: Sequence[int | str | None]) -> Score:
    """Score ``answers`` (one per item, in item order; None = not answered).

    Raises AnswerError for a wrong count or an out-of-range value. Missing answers follow the
    instrument's published rule where one exists (PHQ-9: with one or two missing, the total is
    prorated and marked so; NHS Data Dictionary); otherwise, or with more missing, the result
    has ``valid=False`` and the reason. Risk items answered are always reported in ``alerts``.
    """
    checked = check_answers(defn, answers)
    alerts = risk_alerts(defn, checked)
    missing = [n for n, v in enumerate(checked, start=1) if v is None]
    rule = defn.missing_rule
    if missing and rule is not None and len(missing) <= rule.max_missing:
        return _prorated(defn, checked, missing)
    if missing:
        if rule is None:
            why = (
                f"{defn.short_title} has no published rule for missing answers, so it is not scored"
            )
        else:
            why = (
                f"{defn.short_title} can be prorated with at most {rule.max_missing} items "
                f"unanswered ({rule.source}), so with {len(missing)} it is not scored"
            )
        return Score(
            total=None,
            band=None,
            subscales={},
            alerts=alerts,
            valid=False,
            reason=f"Not answered: {_items_phrase(missing)}. {why}.",
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
