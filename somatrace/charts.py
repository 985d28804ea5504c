"""Vega-Lite chart specifications, built from plain data.

One definition per chart: the browser draws it interactively (static/js/charts.js, Vega in
CSP-safe interpreter mode) and the same spec can be rendered to SVG for print. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
BEFORE_COLOUR = "#E69F00"
AFTER_COLOUR = "#0072B2"

RATING_MEASURES = (
    ("suds", "Distress (SUDS)", "lower is calmer"),
    ("calm", "Calm", "higher is calmer"),
    ("tension", "Body tension", "lower is more relaxed"),
)

_VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def base_spec(description: str) -> dict[str, Any]:
    return {
        "$schema": _VEGA_LITE_SCHEMA,
        "description": description,
        "background": None,
        "config": {
            "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridOpacity": 0.35},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top"},
            "view": {"stroke": None},
        },
    }


def ratings_rows(sessions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Flatten session ratings into one row per session, measure and time point.

    sessions: mappings with "date" (datetime.date) and pre_/post_ suds, calm, tension (0-10 or
    None). A rating that was not asked gives no row, so gaps stay gaps.
    """
    rows = []
    for session in sessions:
        day: date = session["date"]
        for key, label, _ in RATING_MEASURES:
            for moment, prefix in (("Before", "pre"), ("After", "post")):
                value = session.get(f"{prefix}_{key}")
                if value is not None:
                    rows.append(
                        {"date": day.isoformat(), "measure": label, "when": moment, "value": value}
                    )
    return rows


def ratings_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Before/after self-ratings per session, one panel per measure (0-10 scales).

    Each session shows a dot before and after, joined by a line: its length is the change
    within that session; the dots' drift across panels is the change across sessions.
    """
    spec = base_spec(
        "Self-ratings before and after each session on 0 to 10 scales: "
        "distress (SUDS), calm and body tension."
    )
    x = {"field": "date", "type": "temporal", "title": None, "axis": {"labelOverlap": True}}
    y = {"field": "value", "type": "quantitative", "scale": {"domain": [0, 10]}, "title": None}
    colour = {
        "field": "when",
        "type": "nominal",
        "title": None,
        "scale": {"domain": ["Before", "After"], "range": [BEFORE_COLOUR, AFTER_COLOUR]},
    }
    tooltip = [
        {"field": "date", "type": "temporal", "title": "Session", "format": "%d %b %Y"},
        {"field": "when", "title": "When"},
        {"field": "value", "title": "Rating"},
    ]
    spec.update(
        {
            "data": {"values": rows},
            "facet": {
                "row": {
                    "field": "measure",
                    "type": "nominal",
                    "title": None,
                    "sort": [label for _, label, _ in RATING_MEASURES],
                    "header": {
                        "labelOrient": "top",
                        "labelAnchor": "start",
                        "labelFontWeight": "bold",
                        "labelFontSize": 12,
                    },
                }
            },
            "spec": {
                "width": "container",
                "height": 110,
                "layer": [
                    {
                        "mark": {"type": "rule", "color": "#8a8f98", "strokeWidth": 1.5},
                        "encoding": {
                            "x": x,
                            "y": {"aggregate": "min", "field": "value", "type": "quantitative"},
                            "y2": {"aggregate": "max", "field": "value"},
                            "detail": {"field": "date", "type": "temporal"},
                        },
                    },
                    {
                        "mark": {"type": "point", "filled": True, "size": 55, "opacity": 0.95},
                        "encoding": {
                            "x": x,
                            "y": y,
                            "color": colour,
                            "shape": {
                                "field": "when",
                                "type": "nominal",
                                "scale": {
                                    "domain": ["Before", "After"],
                                    "range": ["circle", "diamond"],
                                },
                                "title": None,
                            },
                            "tooltip": tooltip,
                        },
                    },
                ],
            },
            "resolve": {"scale": {"x": "shared"}},
        }
    )
    return spec
