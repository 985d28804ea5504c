"""Vega-Lite specs for heart recordings, built from plain data. No Django here.

Time runs in minutes on the session clock (0 = the session's start); the session is a
shaded band; timeline events (releases, stillpoints, guard prompts) are vertical rules with
their label, on the same axis in every chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from somatrace.charts import AFTER_COLOUR, BEFORE_COLOUR, base_spec

CORRECTED_COLOUR = "#D55E00"  # Okabe-Ito vermillion
RR_COLOUR = "#0072B2"
HR_COLOUR = "#CC79A7"
MARK_COLOUR = "#555555"
MAX_POINTS = 6000  # tachogram points drawn; longer recordings are thinned evenly


def _x(title: str = "Minutes from the session's start") -> dict[str, Any]:
    return {"field": "minute", "type": "quantitative", "title": title}


def _context_layers(session_end_s: float | None, marks: Sequence[tuple[float, str, str]]) -> list:
    layers: list[dict[str, Any]] = []
    if session_end_s:
        layers.append(
            {
                "data": {"values": [{"start": 0, "end": round(session_end_s / 60, 3)}]},
                "mark": {"type": "rect", "color": "#8a8f98", "opacity": 0.12},
                "encoding": {
                    "x": {"field": "start", "type": "quantitative"},
                    "x2": {"field": "end"},
                },
            }
        )
    if marks:
        values = [
            {"minute": round(s / 60, 3), "label": label, "kind": kind} for s, label, kind in marks
        ]
        layers.append(
            {
                "data": {"values": values},
                "mark": {"type": "rule", "color": MARK_COLOUR, "strokeDash": [4, 3]},
                "encoding": {
                    "x": _x(),
                    "tooltip": [{"field": "label", "title": "Event"}, {"field": "kind"}],
                },
            }
        )
        layers.append(
            {
                "data": {"values": values},
                "mark": {
                    "type": "text",
                    "angle": 270,
                    "align": "left",
                    "baseline": "bottom",
                    "dx": 4,
                    "dy": -2,
                    "fontSize": 10,
                    "color": MARK_COLOUR,
                },
                "encoding": {"x": _x(), "y": {"value": 4}, "text": {"field": "label"}},
            }
        )
    return layers


def tachogram_rows(
    rr_ms: np.ndarray, flags: np.ndarray, t0_s: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(all beats thinned to MAX_POINTS, corrected beats) as chart rows."""
    times = t0_s + np.cumsum(rr_ms) / 1000.0
    step = max(1, int(np.ceil(rr_ms.size / MAX_POINTS)))
    idx = np.arange(0, rr_ms.size, step)
    beats = [
        {"minute": round(float(times[i]) / 60, 4), "rr_ms": round(float(rr_ms[i]), 1)} for i in idx
    ]
    corrected = [
        {
            "minute": round(float(times[i]) / 60, 4),
            "rr_ms": round(float(rr_ms[i]), 1),
            "beat": "Corrected beat",
        }
        for i in np.flatnonzero(flags)[:2000]
    ]
    return beats, corrected


def tachogram_chart(
    beats: list[dict[str, Any]],
    corrected: list[dict[str, Any]],
    session_end_s: float | None,
    marks: Sequence[tuple[float, str, str]],
) -> dict[str, Any]:
    """RR interval of every beat over time; corrected beats as crosses in another colour."""
    spec = base_spec(
        "Tachogram: the time between heartbeats (RR interval, ms) over the recording; "
        "corrected beats are marked with crosses; the shaded band is the session."
    )
    layers = _context_layers(session_end_s, marks)
    layers.append(
        {
            "data": {"values": beats},
            "mark": {"type": "line", "color": RR_COLOUR, "strokeWidth": 1},
            "encoding": {
                "x": _x(),
                "y": {
                    "field": "rr_ms",
                    "type": "quantitative",
                    "title": "RR interval (ms)",
                    "scale": {"zero": False},
                },
            },
        }
    )
    layers.append(
        {
            "data": {
                "values": corrected or [{"minute": None, "rr_ms": None, "beat": "Corrected beat"}]
            },
            "mark": {"type": "point", "shape": "cross", "size": 60, "filled": True},
            "encoding": {
                "x": _x(),
                "y": {"field": "rr_ms", "type": "quantitative"},
                "color": {
                    "field": "beat",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": ["Corrected beat"], "range": [CORRECTED_COLOUR]},
                },
                "tooltip": [
                    {"field": "minute", "title": "Minute", "format": ".1f"},
                    {"field": "rr_ms", "title": "RR (ms)"},
                ],
            },
        }
    )
    spec.update({"width": "container", "height": 180, "layer": layers})
    return spec


HF_LABEL = "HF power (ms², 5-min windows)"


def windows_chart(
    short: list[dict[str, Any]],
    session_end_s: float | None,
    marks: Sequence[tuple[float, str, str]],
    frequency: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """60 s windows: heart rate (bpm) and RMSSD (ms); 300 s windows: HF power (ms²); one
    panel each, same time axis (each 300 s window is drawn at its middle)."""
    rows = []
    for w in short:
        if w.get("hr_bpm") is None:
            continue
        minute = round(w["mid_s"] / 60, 3)
        rows.append({"minute": minute, "measure": "Heart rate (bpm)", "value": w["hr_bpm"]})
        rows.append({"minute": minute, "measure": "RMSSD (ms)", "value": w["rmssd_ms"]})
    for w in frequency or []:
        if w.get("hf_ms2") is not None:
            rows.append(
                {"minute": round(w["mid_s"] / 60, 3), "measure": HF_LABEL, "value": w["hf_ms2"]}
            )
    spec = base_spec(
        "Heart rate and RMSSD in 60-second windows and HF power in 5-minute windows, every 30 "
        "seconds; windows with more than half of their beats corrected are left out; the "
        "shaded band is the session."
    )
    measures = [("Heart rate (bpm)", HR_COLOUR), ("RMSSD (ms)", RR_COLOUR)]
    if any(r["measure"] == HF_LABEL for r in rows):
        measures.append((HF_LABEL, AFTER_COLOUR))
    panels = []
    for measure, colour in measures:
        layers = _context_layers(session_end_s, marks)
        layers.append(
            {
                "data": {"values": [r for r in rows if r["measure"] == measure]},
                "mark": {"type": "line", "point": True, "color": colour},
                "encoding": {
                    "x": _x(),
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": measure,
                        "scale": {"zero": False},
                    },
                    "tooltip": [
                        {"field": "minute", "title": "Minute", "format": ".1f"},
                        {"field": "value", "title": measure},
                    ],
                },
            }
        )
        panels.append({"width": "container", "height": 120, "layer": layers})
    spec.update({"vconcat": panels, "resolve": {"scale": {"x": "shared"}}})
    return spec


def shift_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per session: change in heart rate and RMSSD from baseline to the session's end, with
    the likely range as an error bar. rows: date, measure, change, low, high."""
    spec = base_spec(
        "Change from before each session to its end: heart rate (bpm) and RMSSD (ms), with "
        "the likely range as a bar; zero means no change."
    )
    x = {"field": "date", "type": "temporal", "title": None, "axis": {"labelOverlap": True}}
    spec.update(
        {
            "data": {"values": rows},
            "facet": {
                "row": {
                    "field": "measure",
                    "type": "nominal",
                    "title": None,
                    "header": {
                        "labelOrient": "top",
                        "labelAnchor": "start",
                        "labelFontWeight": "bold",
                    },
                }
            },
            "spec": {
                "width": "container",
                "height": 110,
                "layer": [
                    {"mark": {"type": "rule", "color": "#8a8f98"}, "encoding": {"y": {"datum": 0}}},
                    {
                        "mark": {"type": "rule", "color": BEFORE_COLOUR, "strokeWidth": 2},
                        "encoding": {
                            "x": x,
                            "y": {"field": "low", "type": "quantitative", "title": None},
                            "y2": {"field": "high"},
                        },
                    },
                    {
                        "mark": {
                            "type": "point",
                            "filled": True,
                            "size": 55,
                            "color": AFTER_COLOUR,
                        },
                        "encoding": {
                            "x": x,
                            "y": {"field": "change", "type": "quantitative"},
                            "tooltip": [
                                {
                                    "field": "date",
                                    "type": "temporal",
                                    "title": "Session",
                                    "format": "%d %b %Y",
                                },
                                {"field": "change", "title": "Change"},
                                {"field": "low", "title": "Likely from"},
                                {"field": "high", "title": "Likely to"},
                            ],
                        },
                    },
                ],
            },
            "resolve": {"scale": {"y": "independent"}},
        }
    )
    return spec
