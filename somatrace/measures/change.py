"""Jacobson & Truax (1991) reliable change and clinical significance. No Django import.

Jacobson NS, Truax P. Clinical significance: a statistical approach to defining meaningful
change in psychotherapy research. J Consult Clin Psychol 1991;59:12-19.

SE = SD1 * sqrt(1 - r);  S_diff = sqrt(2 * SE**2);  RC = (x2 - x1) / S_diff.
|RC| > 1.96 is reliable change (p < .05); the smallest reliable raw change is 1.96 * S_diff.
Where an instrument publishes that smallest change directly (e.g. GAD-7 5.59 points), S_diff
= threshold / 1.96 and a change of at least the threshold counts as reliable.

Reliable change says a difference is larger than measurement error. A *clinically meaningful*
change (an anchor-based or guideline figure such as the National Center for PTSD's 10 PCL-5
points) is a different question; where the instrument defines one it is reported beside the
reliable change (``Change.meaningful``), never in its place. Neither says why a score changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from somatrace.measures.instruments import ChangeData, Instrument

Z_RELIABLE = 1.96  # two-sided p < .05 (Jacobson & Truax 1991)

Category = Literal["recovered", "improved", "unchanged", "deteriorated"]
CATEGORIES: tuple[Category, ...] = ("recovered", "improved", "unchanged", "deteriorated")


class NoChangeData(ValueError):
    """The instrument has no psychometrics for change: show it as a trend only."""


@dataclass(frozen=True)
class Change:
    """rc: the reliable change index, signed as after - before on the raw scale.
    threshold: the smallest reliable raw change (1.96 * S_diff), in score points.
    direction: "improvement", "deterioration" or "none" (no difference at all), judged by the
    instrument's direction (lower-is-better or higher-is-better), whether reliable or not.
    category: recovered / improved / unchanged / deteriorated.
    cutoff, cutoff_kind: the cut-off used for "recovered" and where it comes from ("c",
    "published" or "" when the instrument has none).
    difference: after - before, in score points.
    meaningful: None when the instrument defines no clinically meaningful change; otherwise
    whether |difference| reaches it (in either direction; ``direction`` says which way).
    meaningful_threshold: that figure in raw score points (None when there is none).
    """

    rc: float
    threshold: float
    reliable: bool
    direction: Literal["improvement", "deterioration", "none"]
    category: Category
    cutoff: float | None
    cutoff_kind: str
    difference: float = 0.0
    meaningful: bool | None = None
    meaningful_threshold: float | None = None


def s_diff(data: ChangeData) -> float:
    """Standard error of the difference between two scores (score points)."""
    if data.sd is not None and data.reliability is not None:  # data.computed
        se = data.sd * math.sqrt(1 - data.reliability)
        return math.sqrt(2 * se**2)
    if data.published_threshold is not None:
        return data.published_threshold / Z_RELIABLE
    raise NoChangeData("no SD/reliability and no published reliable-change threshold")


def criteria(data: ChangeData) -> dict[str, float | None]:
    """Cut-offs a, b and c of J&T (1991), written for lower-is-better and flipped otherwise.

    a = M_dys - 2 SD_dys;  b = M_func + 2 SD_func;
    c = (SD_func * M_dys + SD_dys * M_func) / (SD_func + SD_dys).
    A criterion is None when the norms it needs are missing.
    """
    sign = 1 if data.direction == "lower-is-better" else -1
    a = b = c = None
    if data.dysfunctional_mean is not None and data.dysfunctional_sd is not None:
        a = data.dysfunctional_mean - sign * 2 * data.dysfunctional_sd
    if data.functional_mean is not None and data.functional_sd is not None:
        b = data.functional_mean + sign * 2 * data.functional_sd
    if a is not None and b is not None:
        assert data.functional_sd is not None and data.dysfunctional_sd is not None
        assert data.functional_mean is not None and data.dysfunctional_mean is not None
        c = (
            data.functional_sd * data.dysfunctional_mean
            + data.dysfunctional_sd * data.functional_mean
        ) / (data.functional_sd + data.dysfunctional_sd)
    return {"a": a, "b": b, "c": c}


def cutoff(data: ChangeData) -> float | None:
    """The cut-off used for recovery: criterion c when both norms exist, else the published one."""
    if data.cutoff_kind == "c":
        return criteria(data)["c"]
    return data.cutoff


def in_clinical_range(data: ChangeData, value: float) -> bool:
    """Lower-is-better: value >= cut-off. Higher-is-better: value < cut-off."""
    c = cutoff(data)
    if c is None:
        return False
    return value >= c if data.direction == "lower-is-better" else value < c


def reliable_change(defn: Instrument, before: float, after: float) -> Change:
    """Jacobson-Truax change from ``before`` to ``after`` (totals on the instrument's scale).

    Totals are whole numbers (every instrument with change data sums whole-number answers,
    and a prorated PHQ-9 total is rounded); a fractional total raises ValueError.
    Raises NoChangeData for instruments shown as trends only (SUDS, MAIA-2).
    """
    data = defn.change
    if data is None:
        raise NoChangeData(
            f"{defn.short_title} has no psychometrics for change; it is shown as a trend only"
        )
    for name, value in (("before", before), ("after", after)):
        if isinstance(value, bool) or not float(value).is_integer():
            raise ValueError(f"{name} must be a whole-number total, got {value!r}")
    sd = s_diff(data)
    diff = after - before
    rc = diff / sd
    threshold = Z_RELIABLE * sd
    if data.computed:
        reliable = abs(rc) > Z_RELIABLE
    else:  # a published smallest reliable change: at least that many points
        assert data.published_threshold is not None
        reliable = abs(diff) >= data.published_threshold - 1e-9
    better = diff < 0 if data.direction == "lower-is-better" else diff > 0
    direction: Literal["improvement", "deterioration", "none"]
    direction = "none" if diff == 0 else ("improvement" if better else "deterioration")
    category: Category = "unchanged"
    if reliable and direction == "improvement":
        crossed = in_clinical_range(data, before) and not in_clinical_range(data, after)
        category = "recovered" if crossed else "improved"
    elif reliable and direction == "deterioration":
        category = "deteriorated"
    meaningful = data.meaningful
    return Change(
        rc=rc,
        threshold=threshold,
        reliable=reliable,
        direction=direction,
        category=category,
        cutoff=cutoff(data),
        cutoff_kind=data.cutoff_kind,
        difference=diff,
        meaningful=None if meaningful is None else abs(diff) >= meaningful.points - 1e-9,
        meaningful_threshold=None if meaningful is None else meaningful.points,
    )
