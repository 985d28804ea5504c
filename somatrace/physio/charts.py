"""Vega-Lite specs for heart recordings, built from plain data. No Django here.

Time runs in minutes on the session clock (0 = the session's start); the session is a
shaded band; timeline events (releases, stillpoints, guard prompts) are vertical rules on the
same axis in every chart. Event labels are written only where they do not collide: the
labels are vertical text about LABEL_SLOT_PX wide, and the chart is assumed no wider than a
phone's (CHART_MIN_WIDTH_PX), so a label is shown only when it is at least that share of the
time axis after the last one shown; every event keeps its rule and tooltip, and the page's
data table lists them all (event_rows). Stretches of poor ECG signal are shaded in
vermillion.

Long recordings: a chart never gets more than MAX_POINTS beats (the tachogram: the lowest
and highest RR of each stretch of beats, downsample.envelope_indices), MAX_CORRECTED_POINTS
corrected-beat markers (evenly spread) or MAX_WINDOW_POINTS windows per measure (the same
envelope), whatever the recording's length, and a chart drawn from fewer points than there
are says so in its title (`downsampled_note`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from somatrace.charts import AFTER_COLOUR, BEFORE_COLOUR, base_spec
from somatrace.physio.downsample import envelope_indices, even_indices

CORRECTED_COLOUR = "#D55E00"  # Okabe-Ito vermillion
RR_COLOUR = "#0072B2"
HR_COLOUR = "#CC79A7"
MARK_COLOUR = "#555555"
MAX_POINTS = 3000  # tachogram points drawn: the envelope of 1500 stretches of beats
MAX_CORRECTED_POINTS = 1000  # corrected-beat markers drawn, evenly spread
MAX_WINDOW_POINTS = 600  # windows drawn per measure: the envelope of 300 stretches
LABEL_SLOT_PX = 14  # a 10 px vertical label and a little air
CHART_MIN_WIDTH_PX = 280  # plotting width on a 390 px phone, after the y axis
MAX_LABEL_CHARS = 24
POOR_COLOUR = "#D55E00"  # Okabe-Ito vermillion, with the words "poor ECG signal"


def _x(title: str = "Minutes from the session's start") -> dict[str, Any]:
    return {"field": "minute", "type": "quantitative", "title": title}


def shown_labels(minutes: Sequence[float], span_minutes: float) -> list[bool]:
    """Which event labels to write: greedily from the left, each at least one label slot
    (LABEL_SLOT_PX of CHART_MIN_WIDTH_PX, as a share of the time axis) after the last one
    written. minutes: the events' times, in order."""
    gap = max(span_minutes, 1e-9) * LABEL_SLOT_PX / CHART_MIN_WIDTH_PX
    shown: list[bool] = []
    last: float | None = None
    for minute in minutes:
        ok = last is None or minute - last >= gap
        shown.append(ok)
        if ok:
            last = minute
    return shown


def _short_label(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def event_rows(marks: Sequence[tuple[float, str, str]]) -> list[dict[str, Any]]:
    """Every event as a row for the chart's data table (minute, event, kind)."""
    return [{"minute": round(s / 60, 1), "event": label, "kind": kind} for s, label, kind in marks]


def _context_layers(
    session_end_s: float | None,
    marks: Sequence[tuple[float, str, str]],
    span_minutes: float = 0.0,
    labels: bool = True,
    poor_spans: Sequence[tuple[float, float]] = (),
) -> list:
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
    if poor_spans:
        layers.append(
            {
                "data": {
                    "values": [
                        {
                            "start": round(a / 60, 3),
                            "end": round(b / 60, 3),
                            "what": "Poor ECG signal",
                        }
                        for a, b in poor_spans
                    ]
                },
                "mark": {"type": "rect", "color": POOR_COLOUR, "opacity": 0.18},
                "encoding": {
                    "x": {"field": "start", "type": "quantitative"},
                    "x2": {"field": "end"},
                    "tooltip": [
                        {"field": "what", "title": "Signal"},
                        {"field": "start", "title": "From minute", "format": ".1f"},
                        {"field": "end", "title": "To minute", "format": ".1f"},
                    ],
                },
            }
        )
    if marks:
        minutes = [round(s / 60, 3) for s, _, _ in marks]
        shown = shown_labels(minutes, span_minutes) if span_minutes else [True] * len(marks)
        values = [
            {"minute": m, "label": label, "kind": kind, "short": _short_label(label)}
            for m, (_, label, kind) in zip(minutes, marks, strict=True)
        ]
        layers.append(
            {
                "data": {"values": values},
                "mark": {"type": "rule", "color": MARK_COLOUR, "strokeDash": [4, 3]},
                "encoding": {
                    "x": _x(),
                    "tooltip": [
                        {"field": "label", "title": "Event"},
                        {"field": "kind", "title": "Kind"},
                        {"field": "minute", "title": "Minute", "format": ".1f"},
                    ],
                },
            }
        )
        if labels:
            layers.append(
                {
                    "data": {"values": [v for v, ok in zip(values, shown, strict=True) if ok]},
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
                    "encoding": {
                        "x": _x(),
                        "y": {"value": 4},
                        "text": {"field": "short"},
                        "tooltip": [{"field": "label", "title": "Event"}],
                    },
                }
            )
    return layers


def _span(*minute_lists: Sequence[float | None]) -> float:
    values = [float(m) for ms in minute_lists for m in ms if m is not None]
    return max(values) - min(values) if len(values) > 1 else 0.0


def tachogram_rows(
    rr_ms: np.ndarray, flags: np.ndarray, t0_s: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(beats, corrected beats) as chart rows: at most MAX_POINTS beats (their envelope,
    module docstring) and MAX_CORRECTED_POINTS corrected beats. rr_ms: shape (n,), ms;
    flags: bool, shape (n,); t0_s: the first interval's start on the session clock (s)."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    times = t0_s + np.cumsum(rr) / 1000.0
    digits = 4 if rr.size <= MAX_POINTS else 3  # a minute to 0.06 s is finer than a pixel
    idx = envelope_indices(rr, MAX_POINTS)
    minutes = np.round(times[idx] / 60, digits).tolist()
    values = np.round(rr[idx], 1).tolist()
    beats = [{"minute": m, "rr_ms": v} for m, v in zip(minutes, values, strict=True)]
    flagged = np.flatnonzero(np.asarray(flags, dtype=bool))
    flagged = flagged[even_indices(flagged.size, MAX_CORRECTED_POINTS)]
    corrected = [
        {
            "minute": round(float(times[i]) / 60, digits),
            "rr_ms": round(float(rr[i]), 1),
            "beat": "Corrected beat",
        }
        for i in flagged
    ]
    return beats, corrected


def downsampled_note(drawn: int, total: int, what: str, how: str) -> str | None:
    """What a chart says of one kind of point when it shows fewer than there are, else
    None (the chart's title joins them, _note)."""
    if drawn >= total:
        return None
    return f"{drawn:,} of {total:,} {what} drawn ({how})"


def _note(parts: list[str | None]) -> str | None:
    said = [p for p in parts if p]
    return "Downsampled: " + "; ".join(said) + "." if said else None


def tachogram_note(drawn: int, n_beats: int, corrected_drawn: int, n_corrected: int) -> str | None:
    """What the tachogram leaves out of a long recording, in words (None: nothing). drawn,
    corrected_drawn: the rows tachogram_rows gave; n_beats, n_corrected: the recording's."""
    parts = [
        downsampled_note(
            drawn, n_beats, "beats", "the lowest and highest RR of each stretch of beats"
        ),
        downsampled_note(corrected_drawn, n_corrected, "corrected beats", "evenly spread"),
    ]
    return _note(parts)


def _titled(spec: dict[str, Any], note: str | None) -> None:
    if note:
        spec["title"] = {
            "text": note,
            "anchor": "start",
            "fontSize": 11,
            "fontWeight": "normal",
            "color": MARK_COLOUR,
        }


def tachogram_chart(
    beats: list[dict[str, Any]],
    corrected: list[dict[str, Any]],
    session_end_s: float | None,
    marks: Sequence[tuple[float, str, str]],
    poor_spans: Sequence[tuple[float, float]] = (),
    note: str | None = None,
) -> dict[str, Any]:
    """RR interval of every beat over time; corrected beats as crosses in another colour;
    poor_spans: stretches of poor ECG signal (s on the same clock), shaded; note: what was
    left out of a long recording (tachogram_note), shown as the chart's title."""
    spec = base_spec(
        "Tachogram: the time between heartbeats (RR interval, ms) over the recording; "
        "corrected beats are marked with crosses; the grey band is the session; vermillion "
        "bands are poor ECG signal."
    )
    span = _span(
        [b["minute"] for b in beats],
        [s / 60 for s, _, _ in marks],
        [0.0, (session_end_s or 0.0) / 60],
    )
    layers = _context_layers(session_end_s, marks, span, poor_spans=poor_spans)
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
    _titled(spec, note)
    return spec


HF_LABEL = "HF power (ms², 5-min windows)"


def windows_chart(
    short: list[dict[str, Any]],
    session_end_s: float | None,
    marks: Sequence[tuple[float, str, str]],
    frequency: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """60 s windows: heart rate (bpm) and RMSSD (ms); 300 s windows: HF power (ms²); one
    panel each, same time axis (each 300 s window is drawn at its middle). At most
    MAX_WINDOW_POINTS windows per measure (their envelope); the title says when fewer are
    drawn than there are."""
    shown = [w for w in short if w.get("hr_bpm") is not None]
    spectral = [w for w in frequency or [] if w.get("hf_ms2") is not None]
    rows: list[dict[str, Any]] = []
    drawn = {"hr_bpm": 0, "rmssd_ms": 0, "hf_ms2": 0}
    for measure, key, source in (
        ("Heart rate (bpm)", "hr_bpm", shown),
        ("RMSSD (ms)", "rmssd_ms", shown),
        (HF_LABEL, "hf_ms2", spectral),
    ):
        keep = envelope_indices(np.array([w[key] for w in source]), MAX_WINDOW_POINTS)
        drawn[key] = int(keep.size)
        rows += [
            {
                "minute": round(source[i]["mid_s"] / 60, 3),
                "measure": measure,
                "value": source[i][key],
            }
            for i in keep
        ]
    how = "the lowest and highest of each stretch of windows, per measure"
    notes = [
        downsampled_note(
            max(drawn["hr_bpm"], drawn["rmssd_ms"]), len(shown), "60-second windows", how
        ),
        downsampled_note(drawn["hf_ms2"], len(spectral), "5-minute windows", how),
    ]
    spec = base_spec(
        "Heart rate and RMSSD in 60-second windows and HF power in 5-minute windows, every 30 "
        "seconds; windows with more than half of their beats corrected are left out; the "
        "shaded band is the session."
    )
    measures = [("Heart rate (bpm)", HR_COLOUR), ("RMSSD (ms)", RR_COLOUR)]
    if any(r["measure"] == HF_LABEL for r in rows):
        measures.append((HF_LABEL, AFTER_COLOUR))
    span = _span(
        [r["minute"] for r in rows],
        [s / 60 for s, _, _ in marks],
        [0.0, (session_end_s or 0.0) / 60],
    )
    panels = []
    for k, (measure, colour) in enumerate(measures):
        # labels in the first panel only: the panels share the time axis below it
        layers = _context_layers(session_end_s, marks, span, labels=k == 0)
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
    _titled(spec, _note(notes))
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
