"""Heart-rate variability metrics from RR intervals. Plain NumPy/SciPy, no Django.

All inputs are RR (NN) intervals in milliseconds, shape (n,), already artefact-corrected
(see artifacts.py). Definitions follow the Task Force of the European Society of Cardiology
and the North American Society of Pacing and Electrophysiology (1996), "Heart rate
variability: standards of measurement, physiological interpretation and clinical use",
Circulation 93:1043-1065, unless stated otherwise.

Time domain
    mean_rr_ms   mean of RR (ms)
    mean_hr_bpm  60 000 / mean RR (beats per minute over the window = beats / duration;
                 the mean of instantaneous 60 000/RR is slightly higher by Jensen's inequality)
    sdnn_ms      standard deviation of RR, ddof = 1 (as NeuroKit2, hrv-analysis, pyHRV;
                 HeartPy uses ddof = 0)
    rmssd_ms     sqrt(mean(diff(RR)^2)) over the n - 1 successive differences
    pnn50_pct    100 * count(|diff(RR)| > 50 ms) / (n - 1): the share of successive
                 differences, as defined by the Task Force and hrv-analysis. NeuroKit2 divides
                 by n (the number of intervals), so its value is ours * (n - 1) / n.

Frequency domain (one method, fixed; report it with the numbers: FREQUENCY_METHOD)
    The RR series is placed at the beat times (cumulative sum of RR) and resampled at 4 Hz
    with a cubic spline (as Kubios and pyHRV). The power spectral density is estimated with
    Welch's method: Hann segments of 300 s (the whole series if shorter), 50 % overlap, each
    segment linearly detrended (scipy.signal.welch, scaling="density", ms^2/Hz). Powers are
    integrated with the trapezoid rule over the Task Force bands LF 0.04-0.15 Hz and
    HF 0.15-0.40 Hz, in ms^2 (absolute, never normalised).

Non-linear
    sd1_ms, sd2_ms  Poincaré plot widths: standard deviations (ddof = 1) of the points
                    (RR_i, RR_i+1) across and along the line of identity (Brennan,
                    Palaniswami & Kamen 2001, IEEE Trans Biomed Eng 48:1342), as NeuroKit2.
    dfa_alpha1      short-term detrended fluctuation analysis exponent over box sizes
                    4-16 beats, non-overlapping boxes, linear detrending in each box
                    (Peng et al. 1995, Chaos 5:82).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import interpolate, signal

INTERPOLATION_HZ = 4.0
SEGMENT_S = 300.0
LF_BAND = (0.04, 0.15)  # Task Force 1996
HF_BAND = (0.15, 0.40)  # Task Force 1996
DFA_SCALES = np.arange(4, 17)  # alpha1: 4-16 beats (Peng et al. 1995)
FREQUENCY_METHOD = (
    "cubic spline 4 Hz; Welch, Hann 300 s segments, 50 % overlap, linear detrend per "
    "segment; LF 0.04–0.15 Hz, HF 0.15–0.40 Hz, trapezoid; ms²"
)
MIN_FREQUENCY_S = 60.0  # below one minute no HF estimate is offered


def _rr(rr_ms: np.ndarray) -> np.ndarray:
    rr = np.asarray(rr_ms, dtype=np.float64)
    if rr.ndim != 1:
        raise ValueError("rr_ms must be one-dimensional")
    return rr


def mean_rr(rr_ms: np.ndarray) -> float:
    """Mean RR interval (ms). rr_ms: shape (n,), n >= 1."""
    return float(np.mean(_rr(rr_ms)))


def mean_hr(rr_ms: np.ndarray) -> float:
    """Mean heart rate (beats/min) = 60 000 / mean RR. rr_ms: shape (n,), n >= 1."""
    return 60_000.0 / mean_rr(rr_ms)


def sdnn(rr_ms: np.ndarray) -> float:
    """Standard deviation of RR intervals (ms), ddof = 1. rr_ms: shape (n,), n >= 2."""
    return float(np.std(_rr(rr_ms), ddof=1))


def rmssd(rr_ms: np.ndarray) -> float:
    """Root mean square of successive differences of RR intervals (ms). n >= 2."""
    d = np.diff(_rr(rr_ms))
    return float(np.sqrt(np.mean(d * d)))


def pnn50(rr_ms: np.ndarray) -> float:
    """Percent of successive RR differences larger than 50 ms, over the n - 1 differences."""
    d = np.abs(np.diff(_rr(rr_ms)))
    return float(100.0 * np.count_nonzero(d > 50.0) / d.size)


def time_domain(rr_ms: np.ndarray) -> dict[str, float]:
    """All time-domain metrics (see module docstring). rr_ms: shape (n,), n >= 2."""
    rr = _rr(rr_ms)
    return {
        "mean_rr_ms": mean_rr(rr),
        "mean_hr_bpm": mean_hr(rr),
        "sdnn_ms": sdnn(rr),
        "rmssd_ms": rmssd(rr),
        "pnn50_pct": pnn50(rr),
    }


def resample(rr_ms: np.ndarray, rate_hz: float = INTERPOLATION_HZ) -> np.ndarray:
    """RR (ms) at the beat times, resampled evenly at rate_hz with a cubic spline.

    Returns shape (m,), m = floor(duration * rate_hz) + 1, starting at the first beat.
    """
    rr = _rr(rr_ms)
    t = np.cumsum(rr) / 1000.0
    t = t - t[0]
    grid = np.arange(0.0, t[-1], 1.0 / rate_hz)
    if rr.size < 4:
        return np.interp(grid, t, rr)
    return interpolate.CubicSpline(t, rr)(grid)


def band_power(freqs: np.ndarray, psd: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """Trapezoid integral of psd (ms²/Hz, last axis) over band (Hz, inclusive), in ms²."""
    mask = (freqs >= band[0]) & (freqs <= band[1])
    return np.trapezoid(psd[..., mask], freqs[mask], axis=-1)


def periodograms(
    segments: np.ndarray, fs: float = INTERPOLATION_HZ
) -> tuple[np.ndarray, np.ndarray]:
    """One-sided Hann periodograms of the rows of `segments` (shape (k, m), ms at fs Hz),
    each linearly detrended first; PSD in ms²/Hz, shape (k, m // 2 + 1), and frequencies (Hz).

    Same numbers as scipy.signal.welch(row, fs, "hann", nperseg=m, detrend="linear",
    scaling="density") for each row. Vectorised: the least-squares line of every row in
    closed form, removed in the frequency domain (the DFT is linear), so each row is read
    once and transformed once.
    """
    k, m = segments.shape
    t = np.arange(m, dtype=np.float64) - (m - 1) / 2.0
    tt = float(np.dot(t, t))
    mean = segments.mean(axis=1)
    slope = segments @ t / tt if tt > 0 else np.zeros(k)
    window = signal.get_window("hann", m)  # periodic Hann, as welch uses
    spectrum = np.fft.rfft(segments * window, axis=1)
    spectrum -= mean[:, None] * np.fft.rfft(window)[None, :]
    spectrum -= slope[:, None] * np.fft.rfft(window * t)[None, :]
    psd = (spectrum.real**2 + spectrum.imag**2) / (fs * float(np.sum(window**2)))
    if m % 2 == 0:
        psd[:, 1:-1] *= 2.0
    else:
        psd[:, 1:] *= 2.0
    return np.fft.rfftfreq(m, d=1.0 / fs), psd


def welch(
    x: np.ndarray, nperseg: int, fs: float = INTERPOLATION_HZ
) -> tuple[np.ndarray, np.ndarray]:
    """Welch PSD (ms²/Hz): Hann segments of nperseg samples, 50 % overlap, linear detrend per
    segment, mean of the segment periodograms (as scipy.signal.welch with those options)."""
    from numpy.lib.stride_tricks import sliding_window_view

    step = nperseg - nperseg // 2
    segments = sliding_window_view(x, nperseg)[::step]
    freqs, psd = periodograms(segments, fs)
    return freqs, psd.mean(axis=0)


def frequency_domain(rr_ms: np.ndarray) -> dict[str, Any]:
    """LF, HF (ms²) and LF/HF by FREQUENCY_METHOD. rr_ms: shape (n,).

    Values are None when the series is shorter than MIN_FREQUENCY_S (HF) or than 2 cycles
    of the lowest LF frequency, 50 s (LF).
    """
    rr = _rr(rr_ms)
    out: dict[str, Any] = {"lf_ms2": None, "hf_ms2": None, "lf_hf": None}
    out["method"] = FREQUENCY_METHOD
    if rr.size < 4 or np.sum(rr) / 1000.0 < MIN_FREQUENCY_S:
        return out
    x = resample(rr)
    nperseg = min(x.size, int(SEGMENT_S * INTERPOLATION_HZ))
    freqs, psd = welch(x, nperseg)
    lf = float(band_power(freqs, psd, LF_BAND))
    hf = float(band_power(freqs, psd, HF_BAND))
    out.update({"lf_ms2": lf, "hf_ms2": hf, "lf_hf": lf / hf if hf > 0 else None})
    return out


def poincare(rr_ms: np.ndarray) -> dict[str, float]:
    """SD1 and SD2 (ms) of the Poincaré plot (Brennan et al. 2001): the standard deviations
    (ddof = 1) of the points (RR_i, RR_i+1) across and along the line of identity,
    SD1 = std((RR_i+1 - RR_i) / sqrt 2), SD2 = std((RR_i+1 + RR_i) / sqrt 2). n >= 3."""
    rr = _rr(rr_ms)
    x, y = rr[:-1], rr[1:]
    return {
        "sd1_ms": float(np.std((y - x) / np.sqrt(2.0), ddof=1)),
        "sd2_ms": float(np.std((y + x) / np.sqrt(2.0), ddof=1)),
    }


def dfa_alpha1(rr_ms: np.ndarray, scales: np.ndarray = DFA_SCALES) -> float | None:
    """Short-term DFA exponent alpha1 (Peng et al. 1995); None if fewer than 4 boxes of the
    largest scale fit. rr_ms: shape (n,). Cost O(n * len(scales))."""
    rr = _rr(rr_ms)
    if rr.size < 4 * int(np.max(scales)):
        return None
    y = np.cumsum(rr - rr.mean())
    fluct = np.empty(len(scales))
    for k, n in enumerate(scales):
        n = int(n)
        m = y.size // n
        boxes = y[: m * n].reshape(m, n)
        t = np.arange(n, dtype=np.float64) - (n - 1) / 2.0
        centred = boxes - boxes.mean(axis=1, keepdims=True)
        slope = centred @ t / np.dot(t, t)
        residual = centred - slope[:, None] * t[None, :]
        fluct[k] = np.sqrt(np.mean(residual * residual))
    if np.any(fluct <= 0):
        return None
    return float(np.polyfit(np.log(scales), np.log(fluct), 1)[0])


def nonlinear(rr_ms: np.ndarray) -> dict[str, float | None]:
    """SD1, SD2 (ms) and DFA alpha1 (unitless)."""
    out: dict[str, float | None] = dict(poincare(rr_ms))
    out["dfa_alpha1"] = dfa_alpha1(rr_ms)
    return out


def all_metrics(rr_ms: np.ndarray) -> dict[str, Any]:
    """time, frequency and nonlinear metrics of one series (see the module docstring)."""
    return {
        "time": time_domain(rr_ms),
        "frequency": frequency_domain(rr_ms),
        "nonlinear": nonlinear(rr_ms),
    }
