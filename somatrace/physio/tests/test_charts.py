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


def test_close_event_labels_are_thinned_but_every_event_keeps_its_rule_and_row():
    # Ten events a second apart at minute 10 of a 60 minute chart: written side by side
    # they would overlap; one label slot is 14 px of a 280 px wide chart = 3 minutes here.
    marks = [(600.0 + k, f"Release {k}", "cue") for k in range(10)] + [
        (1800.0, "Stillpoint", "cue")
    ]
    beats, corrected = charts.tachogram_rows(np.full(3600, 1000.0), np.zeros(3600, bool), 0.0)
    spec = charts.tachogram_chart(beats, corrected, 1800.0, marks)
    layers = _layers(spec)
    rules = next(layer for layer in layers if layer["mark"]["type"] == "rule")
    texts = next(layer for layer in layers if layer["mark"]["type"] == "text")
    assert len(rules["data"]["values"]) == 11
    assert [v["label"] for v in texts["data"]["values"]] == ["Release 0", "Stillpoint"]
    assert len(charts.event_rows(marks)) == 11


def test_the_label_gap_is_one_slot_of_the_narrowest_chart():
    # 60 minutes over 280 px: a 14 px slot is 3 minutes
    assert charts.shown_labels([0.0, 2.9, 3.0, 5.9, 6.1], 60.0) == [True, False, True, False, True]


def test_long_labels_are_shortened_with_the_full_text_in_the_tooltip():
    marks = [(60.0, "A very long technique name that goes on and on", "technique")]
    beats, corrected = charts.tachogram_rows(np.full(600, 1000.0), np.zeros(600, bool), 0.0)
    texts = next(
        layer
        for layer in _layers(charts.tachogram_chart(beats, corrected, None, marks))
        if layer["mark"]["type"] == "text"
    )
    value = texts["data"]["values"][0]
    assert len(value["short"]) == charts.MAX_LABEL_CHARS and value["short"].endswith("…")
    assert value["label"] == marks[0][1]


def test_poor_signal_is_shaded_on_the_tachogram():
    beats, corrected = charts.tachogram_rows(np.full(600, 1000.0), np.zeros(600, bool), 0.0)
    spec = charts.tachogram_chart(beats, corrected, None, [], poor_spans=[(60.0, 90.0)])
    shaded = [layer for layer in _layers(spec) if layer["mark"].get("color") == charts.POOR_COLOUR]
    assert shaded[0]["data"]["values"] == [{"start": 1.0, "end": 1.5, "what": "Poor ECG signal"}]


def test_only_the_first_panel_of_the_windows_chart_carries_labels():
    short = [{"mid_s": 30.0 * k, "hr_bpm": 70.0, "rmssd_ms": 40.0} for k in range(1, 60)]
    spec = charts.windows_chart(short, 1800.0, MARKS)
    counts = [sum(layer["mark"]["type"] == "text" for layer in p["layer"]) for p in spec["vconcat"]]
    assert counts == [1, 0]
