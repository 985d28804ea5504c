"""Vega-Lite specs for outcome measures, built from plain data. No Django import.

instrument_chart(defn, points): totals over time on the instrument's range, severity bands
shaded behind, each point coloured by its change from the first score (reliable improvement,
reliable deterioration, within measurement error, or trend only).
maia_profile_chart(first, latest): MAIA-2 subscale means, first vs latest.
"""

from __future__ import annotations

from typing import Any

from somatrace.charts import AFTER_COLOUR, BEFORE_COLOUR, base_spec
from somatrace.measures.instruments import Instrument

# Okabe-Ito: bluish green for improvement, vermillion for deterioration, grey otherwise.
MARKS = {
    "First score": ("#000000", "square"),
    "Reliable improvement": ("#009E73", "triangle-down"),
    "Reliable deterioration": ("#D55E00", "triangle-up"),
    "Within measurement error": ("#8a8f98", "circle"),
    "Trend only": ("#0072B2", "circle"),
}
BAND_SHADES = ["#f2f2f2", "#fde7c8", "#fbd0a0", "#f6b27c", "#ef9464"]


def _band_rows(defn: Instrument) -> list[dict[str, Any]]:
    rows = []
    bands = list(defn.bands)
    for index, band in enumerate(bands):
        # Bands are inclusive integer ranges: shade from the lower edge to the next band's
        # lower edge so that no gap shows between 4 and 5.
        top = bands[index + 1].low if index + 1 < len(bands) else band.high
        rows.append({"low": band.low, "high": top, "band": band.label})
    return rows


def instrument_chart(defn: Instrument, points: list[dict[str, Any]]) -> dict[str, Any]:
    """points: dicts with "date" (ISO date), "score" (number) and "change" (a MARKS key)."""
    low, high = defn.total_range
    spec = base_spec(f"{defn.short_title} scores over time, severity bands shaded.")
    y = {
        "field": "score",
        "type": "quantitative",
        "scale": {"domain": [low, high], "nice": False},
        "title": defn.short_title,
    }
    x = {"field": "date", "type": "temporal", "title": None, "axis": {"labelOverlap": True}}
    layers: list[dict[str, Any]] = []
    bands = _band_rows(defn)
    if bands:
        shades = (BAND_SHADES * 2)[: len(bands)]
        if defn.higher_is_better:
            shades = list(reversed(shades))
        layers.append(
            {
                "data": {"values": bands},
                "mark": {"type": "rect", "opacity": 0.6},
                "encoding": {
                    "y": {"field": "low", "type": "quantitative", "scale": {"domain": [low, high]}},
                    "y2": {"field": "high"},
                    "color": {
                        "field": "band",
                        "type": "nominal",
                        "scale": {"domain": [b["band"] for b in bands], "range": shades},
                        "legend": None,
                    },
                    "tooltip": [{"field": "band", "title": "Band"}],
                },
            }
        )
    layers.append(
        {
            "mark": {"type": "line", "color": "#56615b", "strokeWidth": 1.5},
            "encoding": {"x": x, "y": y},
        }
    )
    used = [key for key in MARKS if any(p["change"] == key for p in points)]
    layers.append(
        {
            "mark": {"type": "point", "filled": True, "size": 90, "opacity": 1},
            "encoding": {
                "x": x,
                "y": y,
                "color": {
                    "field": "change",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": used, "range": [MARKS[k][0] for k in used]},
                },
                "shape": {
                    "field": "change",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": used, "range": [MARKS[k][1] for k in used]},
                },
                "tooltip": [
                    {"field": "date", "type": "temporal", "title": "Date", "format": "%d %b %Y"},
                    {"field": "score", "title": "Score"},
                    {"field": "change", "title": "Change from first"},
                ],
            },
        }
    )
    spec.update(
        {
            "data": {"values": points},
            "width": "container",
            "height": 160,
            "layer": layers,
            "resolve": {"scale": {"color": "independent", "shape": "independent"}},
        }
    )
    return spec


def maia_profile_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """rows: {"subscale", "when" ("First" or "Latest"), "mean" (0-5)}; grouped bars."""
    spec = base_spec("MAIA-2 subscale means (0 to 5), first and latest questionnaire.")
    spec.update(
        {
            "data": {"values": rows},
            "width": "container",
            "height": {"step": 14},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "subscale", "type": "nominal", "title": None, "sort": None},
                "yOffset": {"field": "when", "sort": ["First", "Latest"]},
                "x": {
                    "field": "mean",
                    "type": "quantitative",
                    "scale": {"domain": [0, 5]},
                    "title": "Mean (0 = never, 5 = always)",
                },
                "color": {
                    "field": "when",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": ["First", "Latest"],
                        "range": [BEFORE_COLOUR, AFTER_COLOUR],
                    },
                },
                "tooltip": [
                    {"field": "subscale", "title": "Subscale"},
                    {"field": "when", "title": "When"},
                    {"field": "mean", "title": "Mean", "format": ".2f"},
                ],
            },
        }
    )
    return spec
