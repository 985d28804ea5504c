"""ECG signal quality: do two independent beat detectors agree? Plain NumPy, no Django.

A detector always finds "beats", even in white noise. Two detectors that work differently
agree on real QRS complexes and disagree on noise, so their agreement is a signal-quality
index: bSQI (Li, Mark & Clifford 2008, Physiol Meas 29:15-32), here in the form and with the
defaults of the PhysioNet Cardiovascular Signal Toolbox (Vest, Da Poian, Li, Liu, Nemati,
Shah & Clifford 2018, Physiol Meas 39:105004):

- the recording is cut into WINDOW_S = 10 s windows (non-overlapping here; the toolbox
  slides them by 1 s);
- in each, the beats of the Elgendi detector (peaks.detect_r_peaks) and of the Pan-Tompkins
  energy detector (peaks.detect_r_peaks_energy) are matched one to one within MATCH_S =
  0.1 s, and bSQI = F1 = 2 * matched / (beats of one + beats of the other);
- a window is good when bSQI >= GOOD_SQI = 0.9 ("SQI < 0.9 should not be included in
  analyses"); a window where neither detector finds a beat is poor;
- an analysis window (60 s, 300 s, a segment, the whole recording) gives time-domain numbers
  only if at most MAX_POOR_TIME = 20 % of its time is poor, and spectral (and DFA) numbers
  only if at most MAX_POOR_FREQUENCY = 5 % is (the toolbox's threshold2 defaults);
- a recording more than MAX_POOR_RECORDING = half poor is refused as a whole: most of it is
  not a readable ECG (our rule, as for windows that are mostly corrected beats).

What it means: in a good window two detectors that share no step found the same beats, so the
beat times are very likely right. A poor window may be noise, a loose electrode, movement, or
a rhythm both detectors handle badly; its beats are not used (pipeline.bridge_poor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

WINDOW_S = 10.0  # Vest et al. 2018: SQI window
MATCH_S = 0.1  # ibid.: two detections of one beat lie within 0.1 s
GOOD_SQI = 0.9  # ibid.: threshold1, below which data should not be analysed
MAX_POOR_TIME = 0.20  # ibid.: threshold2 for time-domain windows
MAX_POOR_FREQUENCY = 0.05  # ibid.: threshold2 for frequency-domain windows
MAX_POOR_RECORDING = 0.5  # our rule: a recording mostly poor is refused
METHOD = (
    "agreement of two beat detectors (Elgendi 2010, Pan & Tompkins 1985) in 10-s windows, "
    "bSQI (Li, Mark & Clifford 2008); good at 0.9 or more (Vest et al. 2018)"
)


@dataclass
class SignalQuality:
    """Per-window agreement of two detectors.

    starts_s, ends_s: window bounds (s from the first sample), shape (k,); sqi: bSQI in
    [0, 1], shape (k,); good: sqi >= GOOD_SQI, shape (k,).
    """

    starts_s: np.ndarray
    ends_s: np.ndarray
    sqi: np.ndarray
    good: np.ndarray

    @property
    def poor_fraction(self) -> float:
        """Share of the recording's time in poor windows."""
        length = self.ends_s - self.starts_s
        total = float(length.sum())
        return float(length[~self.good].sum() / total) if total > 0 else 1.0

    def poor_spans(self) -> list[tuple[float, float]]:
        """Runs of consecutive poor windows as (start_s, end_s)."""
        spans: list[tuple[float, float]] = []
        for start, end, good in zip(self.starts_s, self.ends_s, self.good, strict=True):
            if good:
                continue
            if spans and abs(spans[-1][1] - start) < 1e-9:
                spans[-1] = (spans[-1][0], float(end))
            else:
                spans.append((float(start), float(end)))
        return spans

    def summary(self, per_window: bool = True) -> dict[str, Any]:
        """Plain JSON for reports: counts, poor spans and (optionally) every window."""
        out: dict[str, Any] = {
            "method": METHOD,
            "window_s": WINDOW_S,
            "n_windows": int(self.good.size),
            "n_poor": int(np.count_nonzero(~self.good)),
            "poor_fraction": round(self.poor_fraction, 4),
            "poor_spans_s": [[round(a, 1), round(b, 1)] for a, b in self.poor_spans()],
        }
        if per_window:
            out["windows"] = [
                {"start_s": round(float(a), 1), "sqi": round(float(q), 3), "good": bool(g)}
                for a, q, g in zip(self.starts_s, self.sqi, self.good, strict=True)
            ]
        return out


def matched(a: np.ndarray, b: np.ndarray, tolerance: float) -> np.ndarray:
    """Which of the sorted times `a` have a partner in the sorted times `b` within
    `tolerance`, each partner used once (greedy in time order, as beat-by-beat comparison
    does). Returns bool, shape a.shape."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    out = np.zeros(a.size, dtype=bool)
    if a.size == 0 or b.size == 0:
        return out
    j = np.searchsorted(b, a)
    left = np.clip(j - 1, 0, b.size - 1)
    right = np.clip(j, 0, b.size - 1)
    nearest = np.where(np.abs(b[left] - a) <= np.abs(b[right] - a), left, right)
    close = np.abs(b[nearest] - a) <= tolerance
    # A partner claimed twice goes to the closer of the two (rare: beats are > 0.25 s apart).
    order = np.argsort(np.abs(b[nearest] - a), kind="stable")
    _, first = np.unique(nearest[order], return_index=True)
    keep = np.zeros(a.size, dtype=bool)
    keep[order[first]] = True
    out[:] = close & keep
    return out


def assess(
    peaks_a: np.ndarray, peaks_b: np.ndarray, n_samples: int, sampling_rate_hz: float
) -> SignalQuality:
    """bSQI per WINDOW_S window from two detectors' R peaks (sample indices). The last window
    is kept when at least half a window long, else merged into the one before."""
    fs = float(sampling_rate_hz)
    duration = n_samples / fs
    edges = np.arange(0.0, duration, WINDOW_S)
    if edges.size > 1 and duration - edges[-1] < WINDOW_S / 2:
        edges = edges[:-1]
    starts = edges
    ends = np.append(edges[1:], duration)
    ta = np.asarray(peaks_a, dtype=np.float64) / fs
    tb = np.asarray(peaks_b, dtype=np.float64) / fs
    hit = matched(ta, tb, MATCH_S)
    bins = np.append(starts, np.inf)
    count_a = np.histogram(ta, bins)[0]
    count_b = np.histogram(tb, bins)[0]
    both = np.histogram(ta[hit], bins)[0]
    total = count_a + count_b
    sqi = np.divide(2.0 * both, total, out=np.zeros(starts.size), where=total > 0)
    return SignalQuality(starts, ends, sqi, sqi >= GOOD_SQI)
