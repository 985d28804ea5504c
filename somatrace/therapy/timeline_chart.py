"""The session timeline as a Vega-Lite chart: SUDS over minutes since the start, the client's
window of tolerance shaded, events as marks on the time axis, pacing prompts highlighted.

Pure Python (no Django): rows in, a spec out. Rendered with `{% chart spec caption rows %}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from somatrace.charts import base_spec

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
KIND_COLOURS = {
    "Cue": "#0072B2",
    "Technique": "#009E73",
    "Emotion": "#CC79A7",
    "Grounding": "#56B4E9",
    "Note": "#999999",
}
SUDS_COLOUR = "#E69F00"
PROMPT_COLOUR = "#D55E00"
WINDOW_COLOUR = "#009E73"


@dataclass(frozen=True)
class Point:
    """minute: minutes since the start (float). kind: display kind ("SUDS", "Cue", ...,
    "Pacing prompt"). label: what happened. suds: 0-10 for SUDS rows, else None."""

    minute: float
    kind: str
    label: str
    suds: int | None = None


def timeline_chart(points: Sequence[Point], low: int, high: int) -> dict[str, Any]:
    """A layered chart. points: in time order. low/high: the window of tolerance (SUDS)."""
    spec = base_spec(
        f"SUDS over the session in minutes since the start; the client's window of "
        f"tolerance ({low} to {high}) is shaded; other events are marks along the time axis "
        f"and pacing prompts are red triangles."
    )
    suds = [
        {"minute": p.minute, "suds": p.suds, "label": p.label} for p in points if p.suds is not None
    ]
    events = [
        {"minute": p.minute, "kind": p.kind, "label": p.label}
        for p in points
        if p.kind in KIND_COLOURS
    ]
    prompts = []
    current = None
    for p in points:
        if p.suds is not None:
            current = p.suds
        if p.kind == "Pacing prompt":
            prompts.append(
                {
                    "minute": p.minute,
                    "label": p.label,
                    "suds": current if current is not None else high,
                }
            )
    end = max([p.minute for p in points] + [1.0])
    x = {
        "field": "minute",
        "type": "quantitative",
        "title": "Minutes since the start",
        "scale": {"domain": [0, end]},
    }
    y_scale = {"domain": [0, 10]}
    spec.update(
        {
            "width": "container",
            "height": 240,
            "layer": [
                {
                    "data": {"values": [{"low": low, "high": high}]},
                    "mark": {"type": "rect", "color": WINDOW_COLOUR, "opacity": 0.14},
                    "encoding": {
                        "y": {
                            "field": "low",
                            "type": "quantitative",
                            "scale": y_scale,
                            "title": "SUDS (0–10)",
                        },
                        "y2": {"field": "high"},
                    },
                },
                {
                    "data": {"values": events},
                    "mark": {"type": "rule", "strokeWidth": 2},
                    "encoding": {
                        "x": x,
                        "y": {"datum": 0, "type": "quantitative", "scale": y_scale},
                        "y2": {"datum": 1.2},
                        "color": {
                            "field": "kind",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": list(KIND_COLOURS),
                                "range": list(KIND_COLOURS.values()),
                            },
                        },
                        "tooltip": [
                            {"field": "minute", "title": "Minute", "format": ".1f"},
                            {"field": "kind", "title": "Kind"},
                            {"field": "label", "title": "Event"},
                        ],
                    },
                },
                {
                    "data": {"values": suds},
                    "mark": {
                        "type": "line",
                        "color": SUDS_COLOUR,
                        "strokeWidth": 2.5,
                        "interpolate": "step-after",
                        "point": {"filled": True, "size": 50, "color": SUDS_COLOUR},
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": "suds", "type": "quantitative", "scale": y_scale},
                        "tooltip": [
                            {"field": "minute", "title": "Minute", "format": ".1f"},
                            {"field": "suds", "title": "SUDS"},
                        ],
                    },
                },
                {
                    "data": {"values": prompts},
                    "mark": {"type": "rule", "color": PROMPT_COLOUR, "strokeDash": [4, 3]},
                    "encoding": {"x": x},
                },
                {
                    "data": {"values": prompts},
                    "mark": {
                        "type": "point",
                        "shape": "triangle-up",
                        "size": 180,
                        "filled": True,
                        "color": PROMPT_COLOUR,
                        "stroke": "#000000",
                        "strokeWidth": 0.5,
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": "suds", "type": "quantitative", "scale": y_scale},
                        "tooltip": [
                            {"field": "minute", "title": "Minute", "format": ".1f"},
                            {"field": "label", "title": "Pacing prompt"},
                        ],
                    },
                },
            ],
        }
    )
    return spec
