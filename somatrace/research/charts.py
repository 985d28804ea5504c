"""Vega-Lite specs for research results (pure; the same spec draws on screen and in the PDF)."""

from __future__ import annotations

from typing import Any

from somatrace.charts import AFTER_COLOUR, base_spec


def effect_rows(results: list[Any]) -> list[dict[str, Any]]:
    """Rows {instrument, mean_change, low, high} for instruments with an interval."""
    rows = []
    for r in results:
        e = r.effect
        if e.mean_change is not None and e.mean_change_ci95 is not None:
            rows.append(
                {
                    "instrument": r.title,
                    "mean_change": round(e.mean_change, 2),
                    "low": round(e.mean_change_ci95[0], 2),
                    "high": round(e.mean_change_ci95[1], 2),
                }
            )
    return rows


def effect_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean change with its 95 % CI per instrument (score points; 0 marked)."""
    spec = base_spec("Mean change from first to latest score with 95 % confidence intervals")
    spec.update(
        {
            "width": "container",
            "height": {"step": 36},
            "data": {"values": rows},
            "layer": [
                {
                    "mark": {"type": "rule", "color": "#666", "strokeDash": [4, 3]},
                    "encoding": {"x": {"datum": 0}},
                },
                {
                    "mark": {"type": "rule", "color": AFTER_COLOUR, "strokeWidth": 2},
                    "encoding": {
                        "y": {"field": "instrument", "type": "nominal", "title": None},
                        "x": {
                            "field": "low",
                            "type": "quantitative",
                            "title": "Mean change (score points), 95 % CI",
                        },
                        "x2": {"field": "high"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 80, "color": AFTER_COLOUR},
                    "encoding": {
                        "y": {"field": "instrument", "type": "nominal"},
                        "x": {"field": "mean_change", "type": "quantitative"},
                    },
                },
            ],
        }
    )
    return spec
