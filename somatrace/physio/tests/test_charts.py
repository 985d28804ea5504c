"""charts.py: specs carry events on the shared time axis and mark corrected beats."""

import json

import numpy as np

from somatrace.physio import charts

MARKS = [(600.0, "Stillpoint", "stillpoint")]


def _layers(spec):
    return spec.get("layer") or [layer for panel in spec["vconcat"] for layer in panel["layer"]]


def test_tachogram_marks_corrected_beats_events_and_the_session():
    rr = np.full(100, 1000.0)
    flags = np.zeros(100, bool)
    flags[[10, 50]] = True
    beats, corrected = charts.tachogram_rows(rr, flags, -30.0)
    # beat 10 ends at -30 + 11 s = -19 s = -0.3167 min
    assert corrected[0]["minute"] == round(-19 / 60, 4) and len(corrected) == 2
    spec = charts.tachogram_chart(beats, corrected, 1800.0, MARKS)
    layers = _layers(spec)
    kinds = [layer["mark"]["type"] for layer in layers]
    assert kinds == ["rect", "rule", "text", "line", "point"]
    assert layers[1]["data"]["values"][0] == {
        "minute": 10.0,
        "label": "Stillpoint",
        "kind": "stillpoint",
        "short": "Stillpoint",
    }
    assert layers[4]["encoding"]["color"]["scale"]["domain"] == ["Corrected beat"]
    json.dumps(spec)  # plain JSON for json_script


def test_windows_chart_has_hr_rmssd_and_hf_panels_with_the_same_events():
    short = [{"mid_s": 30.0, "hr_bpm": 70.0, "rmssd_ms": 40.0}, {"mid_s": 60.0, "hr_bpm": None}]
    freq = [{"mid_s": 150.0, "hf_ms2": 500.0}]
    spec = charts.windows_chart(short, 1800.0, MARKS, freq)
    assert len(spec["vconcat"]) == 3
    for panel in spec["vconcat"]:
        assert any(layer["mark"]["type"] == "rule" for layer in panel["layer"])
    values = [
        v
        for layer in _layers(spec)
        if layer["mark"].get("type") == "line"
        for v in layer["data"]["values"]
    ]
    assert {"minute": 2.5, "measure": charts.HF_LABEL, "value": 500.0} in values
    assert (
        len([v for v in values if v["measure"] == "Heart rate (bpm)"]) == 1
    )  # the None window is left out


def test_long_recordings_are_thinned_for_drawing():
    beats, _ = charts.tachogram_rows(np.full(20000, 800.0), np.zeros(20000, bool), 0.0)
    assert len(beats) <= charts.MAX_POINTS
