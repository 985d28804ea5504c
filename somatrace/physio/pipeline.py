"""From an imported recording to corrected RR and the metrics the CLI prints. No Django.

For an ECG: R peaks (peaks.detect_r_peaks), the signal-quality check (quality.py: a second,
independent detector and their agreement per 10 s), refusal of a recording that is mostly
poor signal, and the bridging of poor stretches: their detected beats (which may be noise)
are replaced by evenly spaced beats at the median RR, so the time axis stays true, and the
intervals there are marked "poor" — left out of the time domain, and withholding any
window's numbers when they are too large a share of it (quality.MAX_POOR_TIME,
quality.MAX_POOR_FREQUENCY).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from somatrace.physio import artifacts, hrv, peaks, quality
from somatrace.physio.formats import FORMAT_LABELS, FormatError, Recording

POOR = 2  # flag bit of an interval bridged over poor ECG signal (bit 1: corrected beat)


class PoorSignalError(FormatError):
    """An ECG whose signal is too poor to find heart beats in most of it."""


@dataclass
class Beats:
    """RR intervals of a recording and what is known about them.

    rr_ms: shape (n,); offset_s: when the first interval begins, s after the recording's
    start; poor: bool, shape (n,), intervals bridged over poor signal; poor_spans_s: those
    stretches as (start, end) in s after the first interval's start; quality: the ECG's
    signal-quality check (None for RR files, which carry no signal to check).
    """

    rr_ms: np.ndarray
    offset_s: float = 0.0
    poor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    poor_spans_s: list[tuple[float, float]] = field(default_factory=list)
    quality: quality.SignalQuality | None = None


def rr_of(recording: Recording) -> np.ndarray:
    """RR intervals (ms) of a recording: as read, or from R peaks of its ECG."""
    return beats_of(recording).rr_ms


def rr_and_offset(recording: Recording) -> tuple[np.ndarray, float]:
    """RR intervals (ms) and when the first interval begins, in seconds after the
    recording's start (0 for RR files; the first R peak's time for an ECG)."""
    found = beats_of(recording)
    return found.rr_ms, found.offset_s


def beats_of(recording: Recording) -> Beats:
    """RR intervals of a recording with their signal quality (module docstring). Raises
    PoorSignalError for an ECG that is mostly poor signal."""
    if recording.kind == "rr":
        assert recording.rr_ms is not None
        rr = recording.rr_ms
        return Beats(rr, 0.0, np.zeros(rr.size, dtype=bool))
    assert recording.ecg is not None and recording.sampling_rate_hz
    fs = recording.sampling_rate_hz
    found = peaks.detect_r_peaks(recording.ecg, fs)
    second = peaks.detect_r_peaks_energy(recording.ecg, fs)
    checked = quality.assess(found, second, recording.ecg.size, fs)
    if checked.poor_fraction > quality.MAX_POOR_RECORDING:
        raise PoorSignalError(
            None,
            f"the ECG signal is too poor to find heart beats: in {checked.poor_fraction:.0%} "
            f"of it ({int(np.count_nonzero(~checked.good))} of {checked.good.size} ten-second "
            "windows) two independent beat detectors do not agree (signal-quality index below "
            f"{quality.GOOD_SQI}; Vest et al. 2018). Check that this is an ECG and that the "
            "electrodes had good contact; no numbers are given",
        )
    kept, spans = bridge_poor(found, checked, fs)
    if kept.size < 4:
        raise FormatError(None, "fewer than 4 heart beats were found in this ECG")
    rr = peaks.rr_from_peaks(kept, fs)
    start = float(kept[0] / fs)
    relative = [(a - start, b - start) for a, b in spans]
    return Beats(rr, start, poor_after_correction(rr, relative), relative, checked)


def bridge_poor(
    found: np.ndarray, checked: quality.SignalQuality, fs: float
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Replace the beats inside poor windows by evenly spaced beats at the median RR of the
    good beats, between the last good beat before and the first good beat after each poor
    stretch; drop poor stretches at the ends. Returns the beats (samples, float64) and the
    bridged stretches (s, from a good beat to the next good beat)."""
    t = np.asarray(found, dtype=np.float64) / fs
    spans = checked.poor_spans()
    if not spans or t.size == 0:
        return t * fs, []
    inside = np.zeros(t.size, dtype=bool)
    for a, b in spans:
        inside |= (t >= a) & (t < b)
    good = t[~inside]
    if good.size < 2:
        return good * fs, []
    typical = float(np.median(np.diff(good)))
    cut: set[int] = set()  # gaps between consecutive good beats that a poor window cuts
    for a, b in spans:
        lo = max(int(np.searchsorted(good, a, "right")) - 1, 0)
        hi = min(int(np.searchsorted(good, b, "left")) - 1, good.size - 2)
        cut.update(range(lo, hi + 1))
    pieces: list[np.ndarray] = []
    bridged: list[tuple[float, float]] = []
    last = 0
    for i in sorted(cut):
        a, b = float(good[i]), float(good[i + 1])
        n = max(round((b - a) / typical), 1)
        pieces += [good[last : i + 1], a + (b - a) * np.arange(1, n) / n]
        bridged.append((a, b))
        last = i + 1
    pieces.append(good[last:])
    return np.concatenate(pieces) * fs, bridged


def correct_rr(rr_ms: np.ndarray, correct: bool = True) -> artifacts.Correction:
    return artifacts.correct(rr_ms) if correct else artifacts.no_correction(rr_ms)


def poor_after_correction(rr_ms: np.ndarray, spans_s: list[tuple[float, float]]) -> np.ndarray:
    """Which corrected intervals lie in bridged stretches (by time: the correction may add
    or remove beats). rr_ms: shape (m,); spans_s: s after the first interval's start."""
    out = np.zeros(rr_ms.size, dtype=bool)
    if not spans_s:
        return out
    ends = np.cumsum(rr_ms) / 1000.0
    middles = ends - rr_ms / 2000.0
    for a, b in spans_s:
        out |= (middles > a) & (middles < b)
    return out


def flag_codes(corrected: np.ndarray, poor: np.ndarray) -> np.ndarray:
    """One byte per interval: bit 0 corrected by the artefact correction, bit 1 (POOR)
    bridged over poor signal."""
    return np.asarray(corrected, dtype=np.uint8) | (np.asarray(poor, dtype=np.uint8) * POOR)


def summary(
    recording: Recording,
    correct: bool = True,
    rr_ms: np.ndarray | None = None,
    method: str = hrv.DEFAULT_METHOD,
) -> dict[str, Any]:
    """The report: format, method, duration_s, n_beats, artifacts, quality, notes, time,
    frequency, nonlinear (see hrv.py for definitions and units)."""
    found = beats_of(recording) if rr_ms is None else Beats(rr_ms, 0.0)
    fixed = correct_rr(found.rr_ms, correct)
    poor = poor_after_correction(fixed.rr_ms, found.poor_spans_s)
    metrics = hrv.all_metrics(fixed.rr_ms, method, poor if poor.any() else None)
    notes = list(recording.notes)
    if found.quality is not None and found.quality.poor_spans():
        notes.append(
            f"poor ECG signal in {found.quality.poor_fraction:.0%} of the recording: its beats "
            "there were replaced by evenly spaced beats and left out of the time domain"
        )
    return {
        "format": recording.format,
        "format_label": FORMAT_LABELS.get(recording.format, recording.format),
        "method": method,
        "method_label": hrv.METHOD_LABELS[method],
        "duration_s": round(float(np.sum(fixed.rr_ms) / 1000.0), 3),
        "n_beats": int(fixed.rr_ms.size),
        "artifacts": {**fixed.counts, "corrected_fraction": round(fixed.corrected_fraction, 4)},
        "quality": None if found.quality is None else found.quality.summary(),
        "notes": notes,
        **metrics,
    }
