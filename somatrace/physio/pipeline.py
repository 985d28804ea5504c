"""From an imported recording to corrected RR and the metrics the CLI prints. No Django."""

from __future__ import annotations

from typing import Any

import numpy as np

from somatrace.physio import artifacts, hrv, peaks
from somatrace.physio.formats import FormatError, Recording


def rr_of(recording: Recording) -> np.ndarray:
    """RR intervals (ms) of a recording: as read, or from R peaks of its ECG."""
    return rr_and_offset(recording)[0]


def rr_and_offset(recording: Recording) -> tuple[np.ndarray, float]:
    """RR intervals (ms) and when the first interval begins, in seconds after the
    recording's start (0 for RR files; the first R peak's time for an ECG)."""
    if recording.kind == "rr":
        assert recording.rr_ms is not None
        return recording.rr_ms, 0.0
    assert recording.ecg is not None and recording.sampling_rate_hz
    found = peaks.detect_r_peaks(recording.ecg, recording.sampling_rate_hz)
    if found.size < 4:
        raise FormatError(None, "fewer than 4 heart beats were found in this ECG")
    return (
        peaks.rr_from_peaks(found, recording.sampling_rate_hz),
        float(found[0] / recording.sampling_rate_hz),
    )


def correct_rr(rr_ms: np.ndarray, correct: bool = True) -> artifacts.Correction:
    return artifacts.correct(rr_ms) if correct else artifacts.no_correction(rr_ms)


def summary(
    recording: Recording, correct: bool = True, rr_ms: np.ndarray | None = None
) -> dict[str, Any]:
    """The issue's JSON shape: format, duration_s, n_beats, artifacts, time, frequency,
    nonlinear (see hrv.py for definitions and units)."""
    rr = rr_of(recording) if rr_ms is None else rr_ms
    fixed = correct_rr(rr, correct)
    metrics = hrv.all_metrics(fixed.rr_ms)
    return {
        "format": recording.format,
        "duration_s": round(float(np.sum(fixed.rr_ms) / 1000.0), 3),
        "n_beats": int(fixed.rr_ms.size),
        "artifacts": {**fixed.counts, "corrected_fraction": round(fixed.corrected_fraction, 4)},
        **metrics,
    }
