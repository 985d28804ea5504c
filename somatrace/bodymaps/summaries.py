"""Tables the body-map pages show, built from stored statistics. No Django.

A painting's statistics are `analysis.summarise()` output, stored as JSON:
{"views": {view: {layer: {"coverage", "mean", "total"}}},
 "regions": {code: {"stronger", "stronger_cov", "weaker", "weaker_cov"}}}
with coverage and mean as shares 0-1 and total in pixel units. The tables here turn them into
percentages for reading (rounded as the pages show them). "Signed" means stronger - weaker
(emBODY's activation - deactivation), -1..1, or -100..100 as a percentage.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from somatrace.bodymaps import analysis
from somatrace.bodymaps.atlas import REGION_BY_CODE, VIEW_LABELS, VIEWS, region_label, regions_in
from somatrace.bodymaps.raster import LAYER_LABELS, LAYERS
from somatrace.bodymaps.vocabulary import EMOTION_LABELS
from somatrace.clients.touch import NOT_WELCOME

Stats = Mapping[str, Any]  # one painting's stored statistics, see the module docstring

CHANGE_THRESHOLD = 0.05  # research, paired: a region changed if signed moved more than this
CHANGE_WORDS = 5  # compare: a region's change is put in words from 5 percentage points
SERIES_REGIONS = 6  # history: regions in the series chart, the most often painted
FREQUENT_FINDINGS = 15  # history: finding kinds listed, the most frequent


# --- one painting ---------------------------------------------------------------------------


def region_rows(stats: Stats, *, only_painted: bool = True) -> list[dict[str, Any]]:
    """Per atlas region in the stats (in their order): {"code", "name", "view" (label),
    "zone" (bool), "stronger", "stronger_cov", "weaker", "weaker_cov"}, the four values as
    whole percentages. Regions the atlas does not know are left out, and with only_painted
    so are regions with no painted pixel in either layer."""
    rows: list[dict[str, Any]] = []
    for code, values in stats.get("regions", {}).items():
        region = REGION_BY_CODE.get(code)
        if region is None:
            continue
        if only_painted and not (values["stronger_cov"] or values["weaker_cov"]):
            continue
        rows.append(
            {
                "code": code,
                "name": region.name,
                "view": VIEW_LABELS[region.view],
                "zone": region.zone,
                "stronger": round(values["stronger"] * 100),
                "stronger_cov": round(values["stronger_cov"] * 100),
                "weaker": round(values["weaker"] * 100),
                "weaker_cov": round(values["weaker_cov"] * 100),
            }
        )
    return rows


def coverage_rows(stats: Stats) -> list[dict[str, Any]]:
    """Per view and layer: {"view", "layer" (labels), "coverage" (percent of the view's body
    pixels, one decimal), "mean" and "total"}. On CHOIR outlines mean is a percentage (one
    decimal) and total in pixel units (whole); on emBODY's ("units": "embody") both are in
    emBODY's units (blurred point counts), mean to 5 decimals and total to 1."""
    embody_units = stats.get("units") == "embody"
    return [
        {
            "view": VIEW_LABELS.get(view, view),
            "layer": LAYER_LABELS.get(layer, layer),
            "coverage": round(values["coverage"] * 100, 1),
            "mean": round(values["mean"], 5) if embody_units else round(values["mean"] * 100, 1),
            "total": round(values["total"], 1) if embody_units else round(values["total"]),
        }
        for view, layers in stats.get("views", {}).items()
        for layer, values in layers.items()
    ]


def emotion_rows(emotions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A painting's emotions [{"code", "intensity" (1-5)}] as [{"label", "intensity"}];
    a code not in the vocabulary is shown as itself."""
    return [
        {"label": EMOTION_LABELS.get(e["code"], e["code"]), "intensity": e["intensity"]}
        for e in emotions
    ]


def layer_coverage(stats: Stats, layer: str) -> float:
    """Share (0-1) of the body painted on `layer`: the mean of the views' coverage; 0 with no
    views."""
    views = stats.get("views", {})
    if not views:
        return 0.0
    return sum(v[layer]["coverage"] for v in views.values()) / len(views)


# --- before and after -----------------------------------------------------------------------


def region_signed(stats: Stats, code: str) -> float:
    """Signed intensity of one region, -1..1: its mean stronger - weaker, 0 if absent."""
    values = stats.get("regions", {}).get(code, {})
    return float(values.get("stronger", 0.0)) - float(values.get("weaker", 0.0))


def change_rows(before: Stats, after: Stats) -> list[dict[str, Any]]:
    """Per atlas region in both paintings and not empty in both: {"name", "view" (label),
    "before", "after", "change" (after - before)}, signed whole percentages, the largest
    change (either way) first."""
    rows: list[dict[str, Any]] = []
    for code, values_after in after.get("regions", {}).items():
        values_before = before.get("regions", {}).get(code)
        region = REGION_BY_CODE.get(code)
        if values_before is None or region is None:
            continue
        signed_before = values_before["stronger"] - values_before["weaker"]
        signed_after = values_after["stronger"] - values_after["weaker"]
        if signed_before == 0 and signed_after == 0:
            continue
        rows.append(
            {
                "name": region.name,
                "view": VIEW_LABELS[region.view],
                "before": round(signed_before * 100),
                "after": round(signed_after * 100),
                "change": round((signed_after - signed_before) * 100),
            }
        )
    rows.sort(key=lambda r: -abs(r["change"]))
    return rows


def change_sentence(rows: Sequence[Mapping[str, Any]], limit: int = 4) -> str:
    """The change by region in words, from change_rows (largest change first): the regions
    whose signed intensity rose by at least CHANGE_WORDS percentage points ("more / stronger
    after") and those where it fell by as much ("less / weaker after"), at most `limit` of
    each, with their change; or that no region changed that much."""
    gained = [r for r in rows if r["change"] >= CHANGE_WORDS][:limit]
    lost = [r for r in rows if r["change"] <= -CHANGE_WORDS][:limit]

    def names(chosen: Sequence[Mapping[str, Any]]) -> str:
        parts = [f"{r['name'].lower()} ({r['change']:+d})" for r in chosen]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    if not gained and not lost:
        return f"No region changed by {CHANGE_WORDS} points or more between before and after."
    said = []
    if gained:
        said.append(f"More or stronger sensation after the session in {names(gained)}")
    if lost:
        said.append(f"less or weaker after the session in {names(lost)}")
    sentence = "; ".join(said)
    return sentence[0].upper() + sentence[1:] + " (change in points of signed intensity)."


def coverage_change(before: Stats, after: Stats) -> list[dict[str, Any]]:
    """Per layer: {"layer" (label), "before", "after"}, percent of the body painted (mean of
    the views, one decimal)."""
    return [
        {
            "layer": LAYER_LABELS[layer],
            "before": round(layer_coverage(before, layer) * 100, 1),
            "after": round(layer_coverage(after, layer) * 100, 1),
        }
        for layer in LAYERS
    ]


def overlap(before: np.ndarray, after: np.ndarray) -> dict[str, int]:
    """Per layer, the overlap of the areas painted before and after (Jaccard, both views
    together), whole percent; 100 when neither painted that layer (identical).
    before, after: rasters (2 views, 2 layers, H, W), values 0-1."""
    return {
        layer: round(
            analysis.jaccard(analysis.painted(before[:, k]), analysis.painted(after[:, k])) * 100
        )
        for k, layer in enumerate(LAYERS)
    }


# --- over time ------------------------------------------------------------------------------


def _painted(values: Mapping[str, float]) -> bool:
    return bool(values["stronger_cov"] or values["weaker_cov"])


def most_painted(maps: Sequence[Stats], limit: int = SERIES_REGIONS) -> list[str]:
    """Codes of the atlas regions painted (either layer) in the most maps, most first, at most
    `limit`; ties keep the order in which the regions first appear in `maps`."""
    counts: dict[str, int] = {}
    for stats in maps:
        for code, values in stats.get("regions", {}).items():
            if code in REGION_BY_CODE and _painted(values):
                counts[code] = counts.get(code, 0) + 1
    return sorted(counts, key=lambda code: -counts[code])[:limit]


def region_series(
    maps: Sequence[tuple[date, Stats]], limit: int = SERIES_REGIONS
) -> list[dict[str, Any]]:
    """Rows for the history chart: the `limit` regions painted most often (most_painted), one
    row per map that has the region: {"date" (ISO), "region" (name), "signed" (whole
    percent)}. maps: (day, stats), newest first as the history lists them; rows run oldest
    first, the regions in the order of most_painted within a day."""
    top = most_painted([stats for _, stats in maps], limit)
    rows: list[dict[str, Any]] = []
    for day, stats in reversed(maps):
        regions = stats.get("regions", {})
        for code in top:
            if code in regions:
                rows.append(
                    {
                        "date": day.isoformat(),
                        "region": REGION_BY_CODE[code].name,
                        "signed": round(region_signed(stats, code) * 100),
                    }
                )
    return rows


def finding_counts(
    findings: Sequence[tuple[str, str]], limit: int = FREQUENT_FINDINGS
) -> list[tuple[tuple[str, str], int]]:
    """How often each kind of finding was made on each region: [((region name, finding
    label), count)], the most frequent first (ties in order of first appearance), at most
    `limit`. findings: (region code, finding label)."""
    counts: dict[tuple[str, str], int] = {}
    for code, label in findings:
        key = (region_label(code), label)
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])[:limit]


def region_counts(findings: Sequence[tuple[str, str]], kinds: Collection[str]) -> dict[str, int]:
    """{region code: number of findings of one of `kinds`} (e.g. held tension and
    restriction), regions without one left out. findings: (region code, finding code)."""
    counts: dict[str, int] = {}
    for code, kind in findings:
        if kind in kinds:
            counts[code] = counts.get(code, 0) + 1
    return counts


# --- research -------------------------------------------------------------------------------


def paired_deltas(pairs: Sequence[tuple[Stats | None, Stats]], code: str) -> list[float]:
    """Per pair with a before map: the change in the region's signed intensity, after -
    before (-2..2). Pairs without a before map are skipped."""
    return [
        region_signed(after, code) - region_signed(before, code)
        for before, after in pairs
        if before is not None
    ]


def research_rows(
    group: Sequence[tuple[Stats | None, Stats]], *, paired: bool
) -> list[dict[str, Any]]:
    """Per atlas region: {"name", "view" (label), "stronger", "weaker"}, whole percentages of
    the people in the group, most shared first (sum of both); [] for an empty group.

    group: per person (before stats or None, stats). Not paired: the share of people who
    painted the region on each layer (any pixel). Paired: the share whose region's signed
    intensity rose (stronger) or fell (weaker) by more than CHANGE_THRESHOLD within the
    session. Either way the denominator is the whole group.
    """
    n = len(group)
    if n == 0:
        return []
    rows: list[dict[str, Any]] = []
    for view in VIEWS:
        for region in regions_in(view):
            if paired:
                deltas = paired_deltas(group, region.code)
                up = sum(d > CHANGE_THRESHOLD for d in deltas)
                down = sum(d < -CHANGE_THRESHOLD for d in deltas)
            else:
                values = [after.get("regions", {}).get(region.code, {}) for _, after in group]
                up = sum(v.get("stronger_cov", 0) > 0 for v in values)
                down = sum(v.get("weaker_cov", 0) > 0 for v in values)
            rows.append(
                {
                    "name": region.name,
                    "view": VIEW_LABELS[view],
                    "stronger": round(100 * up / n),
                    "weaker": round(100 * down / n),
                }
            )
    rows.sort(key=lambda r: -(r["stronger"] + r["weaker"]))
    return rows


# --- touch consent --------------------------------------------------------------------------


def not_welcome_names(marks: Mapping[str, str]) -> list[str]:
    """Names of the atlas regions marked "not welcome", in the order of the marks.
    marks: {region code: touch status}; codes the atlas does not know are left out."""
    return [
        REGION_BY_CODE[code].name
        for code, status in marks.items()
        if status == NOT_WELCOME and code in REGION_BY_CODE
    ]


def not_welcome_count(marks: Mapping[str, str]) -> int:
    """How many regions a touch-consent map marks "not welcome"."""
    return sum(status == NOT_WELCOME for status in marks.values())
