"""Vega-Lite specs for body maps, built from plain data. No Django.

region_series_chart(rows): per-region signed intensity (stronger - weaker, percent) in each
body map over time, one line per region.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from somatrace.charts import base_spec


def region_series_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """rows: {"date" (ISO date), "region" (name), "signed" (-100..100 percent)}, as
    summaries.region_series gives them. Lines with points, colour and dash per region (so
    colour is never the only cue), on a fixed -100..100 axis so maps stay comparable."""
    spec = base_spec(
        "Per-region signed intensity (stronger minus weaker, percent) in each body map."
    )
    spec.update(
        {
            "data": {"values": list(rows)},
            "width": "container",
            "height": 220,
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": None},
                "y": {
                    "field": "signed",
                    "type": "quantitative",
                    "title": "Stronger − weaker (%)",
                    "scale": {"domain": [-100, 100]},
                },
                "color": {"field": "region", "type": "nominal", "title": None},
                "strokeDash": {"field": "region", "type": "nominal", "title": None},
            },
        }
    )
    return spec
