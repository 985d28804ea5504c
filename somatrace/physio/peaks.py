"""R-peak detection in the ECG. Plain NumPy/SciPy, no Django.

Detector: Elgendi, Jonkman & De Boer (2010), "Frequency bands effects on QRS detection",
Proceedings of BIOSIGNALS 2010, 428-431 — the "two moving averages" method:

1. Band-pass 8-20 Hz (3rd-order Butterworth, zero phase), square.
2. MA_peak: moving average over W1 = 120 ms (about one QRS); MA_beat: moving average over
   W2 = 600 ms (about one beat).
3. Blocks of interest where MA_peak > MA_beat + beta * mean(squared signal), beta = 0.08;
   blocks shorter than W1 are dropped.
4. The R peak is the maximum inside each block of the ECG minus its 600 ms moving average
   (refinement to the local maximum on the unfiltered waveform, baseline removed; polarity
   is detected from the median QRS so inverted leads work). Two peaks closer than a 250 ms
   refractory period keep the larger one.

Everything is vectorised: zero-phase filtering with scipy.signal.sosfiltfilt, moving averages
by cumulative sums, per-block maxima by ufunc.reduceat. Cost O(n) in the number of samples.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

W1_S = 0.120  # Elgendi et al. 2010: QRS window
W2_S = 0.600  # Elgendi et al. 2010: beat window
BETA = 0.08  # Elgendi et al. 2010: offset
BAND_HZ = (8.0, 20.0)  # Elgendi et al. 2010: QRS band
REFRACTORY_S = 0.25  # no two beats closer than 250 ms (240 bpm)


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over `width` samples by cumulative sums (the ends repeat the
    edge value, as if the signal continued flat). Shape kept."""
    return moving_averages(x, (width,))[0]


def moving_averages(x: np.ndarray, widths: tuple[int, ...]) -> list[np.ndarray]:
    """Centred moving averages of x for several widths from one cumulative sum."""
    x = np.asarray(x, dtype=np.float64)
    widths = tuple(max(int(w), 1) for w in widths)
    pad = max(widths)
    c = np.empty(x.size + 2 * pad + 1)
    c[0] = 0.0
    np.cumsum(np.concatenate((np.full(pad, x[0]), x, np.full(pad, x[-1]))), out=c[1:])
    out = []
    for width in widths:
        half = width // 2
        start = pad - half  # window of sample i covers padded[i + start : i + start + width]
        out.append((c[start + width : start + width + x.size] - c[start : start + x.size]) / width)
    return out


def detect_r_peaks(ecg: np.ndarray, sampling_rate_hz: float) -> np.ndarray:
    """Sample indices of R peaks (int64, increasing). ecg: shape (n,), any unit."""
    x = np.asarray(ecg, dtype=np.float64)
    fs = float(sampling_rate_hz)
    if x.size < int(2 * fs):
        return np.empty(0, dtype=np.int64)
    high = min(BAND_HZ[1], 0.45 * fs)
    sos = signal.butter(3, (BAND_HZ[0], high), btype="bandpass", fs=fs, output="sos")
    squared = signal.sosfiltfilt(sos, x) ** 2
    ma_peak, ma_beat = moving_averages(squared, (round(W1_S * fs), round(W2_S * fs)))
    mask = ma_peak > ma_beat + BETA * float(np.mean(squared))
    edges = np.diff(mask.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    keep = (ends - starts) >= round(W1_S * fs)
    starts, ends = starts[keep], ends[keep]
    if starts.size == 0:
        return np.empty(0, dtype=np.int64)
    # Refinement on the ECG itself (no second filter): inside a 120+ ms block the baseline
    # barely moves, so the R peak is the sample furthest from the block's mean.
    cleaned = x - moving_average(x, round(W2_S * fs))
    # Polarity: compare the typical largest positive and negative deflection of the blocks.
    bounds = np.ravel(np.column_stack((starts, ends)))  # reduce over [start, end) only
    padded = np.append(cleaned, 0.0)
    block_max = np.maximum.reduceat(padded, bounds)[::2]
    block_min = np.minimum.reduceat(padded, bounds)[::2]
    if np.median(-block_min) > 1.5 * np.median(block_max):
        cleaned = -cleaned
        block_max = -block_min
    # argmax per block: the first sample in the block equal to the block maximum.
    lengths = ends - starts
    seg = np.repeat(np.arange(starts.size), lengths)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    idx = np.repeat(starts, lengths) + (np.arange(seg.size) - np.repeat(offsets, lengths))
    at_max = cleaned[idx] == block_max[seg]
    hits, hit_seg = idx[at_max], seg[at_max]
    _, first = np.unique(hit_seg, return_index=True)
    peaks = hits[first].astype(np.int64)
    return _refractory(peaks, cleaned, round(REFRACTORY_S * fs))


def _refractory(peaks: np.ndarray, cleaned: np.ndarray, gap: int) -> np.ndarray:
    """Drop the smaller of any two peaks closer than `gap` samples (rare; linear pass)."""
    if peaks.size < 2 or np.all(np.diff(peaks) >= gap):
        return peaks
    kept = [int(peaks[0])]
    for p in peaks[1:]:
        p = int(p)
        if p - kept[-1] < gap:
            if cleaned[p] > cleaned[kept[-1]]:
                kept[-1] = p
        else:
            kept.append(p)
    return np.asarray(kept, dtype=np.int64)


def rr_from_peaks(peaks: np.ndarray, sampling_rate_hz: float) -> np.ndarray:
    """RR intervals (ms), shape (len(peaks) - 1,)."""
    return np.diff(np.asarray(peaks, dtype=np.float64)) * (1000.0 / sampling_rate_hz)
