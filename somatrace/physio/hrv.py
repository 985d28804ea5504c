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

Frequency domain (two named methods, METHODS; the report names the one used)
    "welch-300" (the default): the RR series is placed at the beat times (cumulative sum of
    RR) and resampled at 4 Hz with a not-a-knot cubic spline (as Kubios and pyHRV; the same
    numbers as scipy.interpolate.CubicSpline). The power spectral density is estimated with
    Welch's method: Hann segments of 300 s (the whole series if shorter), 50 % overlap, each
    segment linearly detrended (as scipy.signal.welch, scaling="density", ms^2/Hz). Powers
    are integrated with the trapezoid rule over the Task Force bands LF 0.04-0.15 Hz and
    HF 0.15-0.40 Hz, in ms^2 (absolute, never normalised).
    "kubios" (the Kubios HRV convention; Tarvainen et al. 2014, Comput Methods Programs
    Biomed 113:210): the same 4 Hz cubic-spline series, detrended by smoothness priors with
    lambda = 500 (Tarvainen, Ranta-aho & Karjalainen 2002, IEEE Trans Biomed Eng 49:172:
    z_stat = (I - (I + lambda^2 D2' D2)^-1) z, D2 the second-difference matrix; on a 4 Hz
    series lambda = 500 is a high-pass whose -3 dB point is 0.035 Hz, computed from its
    frequency response), then Welch with Hann
    segments of 256 s, 50 % overlap, each segment's mean removed; the same bands and units.
    LF/HF is not given when LF or HF is below NOISE_FLOOR: the power that rounding RR to
    1 ms alone puts in the band (uniform quantisation noise has variance 1/12 ms^2, Bennett
    1948, spread evenly up to the 2 Hz Nyquist frequency of the 4 Hz series), so a ratio of
    such powers (a constant series, a pure sinusoid outside one band) is a ratio of rounding.

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
from numpy.lib.stride_tricks import sliding_window_view

from somatrace.physio.quality import MAX_POOR_FREQUENCY, MAX_POOR_TIME

INTERPOLATION_HZ = 4.0
SEGMENT_S = 300.0
KUBIOS_SEGMENT_S = 256.0  # Kubios HRV default Welch window (Tarvainen et al. 2014)
KUBIOS_LAMBDA = 500.0  # Kubios HRV default smoothness-priors lambda (ibid.)
LF_BAND = (0.04, 0.15)  # Task Force 1996
HF_BAND = (0.15, 0.40)  # Task Force 1996
DFA_SCALES = np.arange(4, 17)  # alpha1: 4-16 beats (Peng et al. 1995)
RR_RESOLUTION_MS = 1.0  # RR as most straps and apps record it (Polar: 1 ms or 1/1024 s)
DEFAULT_METHOD = "welch-300"
METHODS = {
    "welch-300": (
        "cubic spline 4 Hz; Welch, Hann 300 s segments, 50 % overlap, linear detrend per "
        "segment; LF 0.04–0.15 Hz, HF 0.15–0.40 Hz, trapezoid; ms²"
    ),
    "kubios": (
        "Kubios convention: cubic spline 4 Hz; smoothness-priors detrending, λ = 500 "
        "(Tarvainen et al. 2002); Welch, Hann 256 s segments, 50 % overlap; LF 0.04–0.15 Hz, "
        "HF 0.15–0.40 Hz, trapezoid; ms²"
    ),
}
METHOD_LABELS = {
    "welch-300": "Somatrace (Welch 300 s, linear detrend)",
    "kubios": "Kubios convention (smoothness priors λ = 500, Welch 256 s)",
}
FREQUENCY_METHOD = METHODS[DEFAULT_METHOD]
MIN_FREQUENCY_S = 60.0  # below one minute no HF estimate is offered


def noise_floor(band: tuple[float, float], resolution_ms: float = RR_RESOLUTION_MS) -> float:
    """Power (ms²) that rounding RR to `resolution_ms` alone puts in `band` of the 4 Hz
    series: variance resolution²/12 (Bennett 1948) spread evenly over 0-2 Hz."""
    return resolution_ms**2 / 12.0 * (band[1] - band[0]) / (INTERPOLATION_HZ / 2.0)


def lf_hf_ratio(lf: float, hf: float) -> float | None:
    """LF/HF, or None when either power is below its rounding floor (module docstring)."""
    if lf < noise_floor(LF_BAND) or hf < noise_floor(HF_BAND):
        return None
    return lf / hf


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


def time_domain(rr_ms: np.ndarray, usable: np.ndarray | None = None) -> dict[str, float]:
    """All time-domain metrics (see module docstring). rr_ms: shape (n,), n >= 2.

    usable: bool, shape (n,), the intervals to use (others left out: mean, SDNN over the
    usable ones; RMSSD and pNN50 over successive differences whose two intervals are both
    usable). None: all.
    """
    rr = _rr(rr_ms)
    if usable is None:
        return {
            "mean_rr_ms": mean_rr(rr),
            "mean_hr_bpm": mean_hr(rr),
            "sdnn_ms": sdnn(rr),
            "rmssd_ms": rmssd(rr),
            "pnn50_pct": pnn50(rr),
        }
    usable = np.asarray(usable, dtype=bool)
    kept = rr[usable]
    d = np.diff(rr)[usable[1:] & usable[:-1]]
    return {
        "mean_rr_ms": mean_rr(kept),
        "mean_hr_bpm": mean_hr(kept),
        "sdnn_ms": sdnn(kept),
        "rmssd_ms": float(np.sqrt(np.mean(d * d))),
        "pnn50_pct": float(100.0 * np.count_nonzero(np.abs(d) > 50.0) / d.size),
    }


def _solve_tridiagonal(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Solve a diagonally dominant tridiagonal system by cyclic reduction (vectorised, O(n)
    work in log2(n) NumPy steps). a: sub-diagonal (a[0] unused), b: diagonal, c:
    super-diagonal (c[-1] unused), d: right-hand side; all shape (n,)."""
    n = b.size
    if n == 1:
        return d / b
    zero = np.zeros(1)
    one = np.ones(1)
    ap = np.concatenate((zero, a, zero))
    bp = np.concatenate((one, b, one))
    cp = np.concatenate((zero, c, zero))
    dp = np.concatenate((zero, d, zero))
    ap[1] = 0.0
    cp[n] = 0.0
    i = np.arange(1, n + 1, 2)  # the even rows 0, 2, 4, ... of the system
    alpha = -ap[i] / bp[i - 1]
    gamma = -cp[i] / bp[i + 1]
    even = _solve_tridiagonal(
        alpha * ap[i - 1],
        bp[i] + alpha * cp[i - 1] + gamma * ap[i + 1],
        gamma * cp[i + 1],
        dp[i] + alpha * dp[i - 1] + gamma * dp[i + 1],
    )
    x = np.zeros(n + 2)
    x[i] = even
    j = np.arange(2, n + 1, 2)  # the odd rows
    x[j] = (dp[j] - ap[j] * x[j - 1] - cp[j] * x[j + 1]) / bp[j]
    return x[1 : n + 1]


def cubic_spline(t: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Not-a-knot cubic spline through (t, y) evaluated at `at` (as
    scipy.interpolate.CubicSpline(t, y)(at)). t increasing, shape (n,), n >= 4."""
    h = np.diff(t)
    delta = np.diff(y) / h
    n = t.size
    # Slopes s: interior rows h_i s_{i-1} + 2 (h_{i-1} + h_i) s_i + h_{i-1} s_{i+1} =
    # 3 (h_i delta_{i-1} + h_{i-1} delta_i); the not-a-knot end rows are folded into rows 1
    # and n - 2 so the system stays diagonally dominant.
    sub = h[1:]
    diag = 2.0 * (h[:-1] + h[1:])
    sup = h[:-1].copy()
    rhs = 3.0 * (h[1:] * delta[:-1] + h[:-1] * delta[1:])
    r0 = ((h[0] + 2.0 * (h[0] + h[1])) * h[1] * delta[0] + h[0] ** 2 * delta[1]) / (h[0] + h[1])
    rn = (h[-1] ** 2 * delta[-2] + (2.0 * (h[-2] + h[-1]) + h[-1]) * h[-2] * delta[-1]) / (
        h[-2] + h[-1]
    )
    diag[0] = h[0] + h[1]
    rhs[0] -= r0
    diag[-1] = h[-2] + h[-1]
    rhs[-1] -= rn
    inner = _solve_tridiagonal(sub, diag, sup, rhs)
    s = np.empty(n)
    s[1:-1] = inner
    s[0] = (r0 - (h[0] + h[1]) * s[1]) / h[1]
    s[-1] = (rn - (h[-1] + h[-2]) * s[-2]) / h[-2]
    i = np.clip(np.searchsorted(t, at, "right") - 1, 0, n - 2)
    u = at - t[i]
    c2 = (3.0 * delta[i] - 2.0 * s[i] - s[i + 1]) / h[i]
    c3 = (s[i] + s[i + 1] - 2.0 * delta[i]) / h[i] ** 2
    return y[i] + u * (s[i] + u * (c2 + u * c3))


def hann(m: int) -> np.ndarray:
    """Periodic Hann window of m samples (as scipy.signal.get_window("hann", m))."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(m) / m)


def smoothness_priors(z: np.ndarray, lam: float = KUBIOS_LAMBDA) -> np.ndarray:
    """The stationary part of z after smoothness-priors detrending (Tarvainen, Ranta-aho &
    Karjalainen 2002): z - (I + lam² D2' D2)^-1 z, D2 the (N-2) x N second-difference
    matrix. z: shape (N,). The system is pentadiagonal: solved banded, O(N)."""
    from scipy.linalg import solveh_banded  # imported here to keep start-up fast

    z = np.asarray(z, dtype=np.float64)
    n = z.size
    if n < 3:
        return z - z.mean()
    lam2 = lam * lam
    main = np.full(n, 6.0)
    main[[0, -1]] = 1.0
    main[[1, -2]] = 5.0
    first = np.full(n - 1, -4.0)
    first[[0, -1]] = -2.0
    if n == 3:
        main[1] = 4.0
    bands = np.zeros((3, n))  # upper form: bands[2] main, bands[1] first, bands[0] second
    bands[2] = 1.0 + lam2 * main
    bands[1, 1:] = lam2 * first
    bands[0, 2:] = lam2
    return z - solveh_banded(bands, z)


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
    return cubic_spline(t, rr, grid)


def band_power(freqs: np.ndarray, psd: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """Trapezoid integral of psd (ms²/Hz, last axis) over band (Hz, inclusive), in ms²."""
    mask = (freqs >= band[0]) & (freqs <= band[1])
    return np.trapezoid(psd[..., mask], freqs[mask], axis=-1)


def periodograms(
    segments: np.ndarray, fs: float = INTERPOLATION_HZ, detrend: str = "linear"
) -> tuple[np.ndarray, np.ndarray]:
    """One-sided Hann periodograms of the rows of `segments` (shape (k, m), ms at fs Hz),
    each detrended first ("linear": its least-squares line removed; "constant": its mean);
    PSD in ms²/Hz, shape (k, m // 2 + 1), and frequencies (Hz).

    Same numbers as scipy.signal.welch(row, fs, "hann", nperseg=m, detrend=detrend,
    scaling="density") for each row. Vectorised: the least-squares line of every row in
    closed form, removed in the frequency domain (the DFT is linear), so each row is read
    once and transformed once.
    """
    k, m = segments.shape
    t = np.arange(m, dtype=np.float64) - (m - 1) / 2.0
    tt = float(np.dot(t, t))
    mean = segments.mean(axis=1)
    window = hann(m)  # periodic Hann, as welch uses
    spectrum = np.fft.rfft(segments * window, axis=1)
    spectrum -= mean[:, None] * np.fft.rfft(window)[None, :]
    if detrend == "linear":
        slope = segments @ t / tt if tt > 0 else np.zeros(k)
        spectrum -= slope[:, None] * np.fft.rfft(window * t)[None, :]
    psd = (spectrum.real**2 + spectrum.imag**2) / (fs * float(np.sum(window**2)))
    if m % 2 == 0:
        psd[:, 1:-1] *= 2.0
    else:
        psd[:, 1:] *= 2.0
    return np.fft.rfftfreq(m, d=1.0 / fs), psd


def welch(
    x: np.ndarray, nperseg: int, fs: float = INTERPOLATION_HZ, detrend: str = "linear"
) -> tuple[np.ndarray, np.ndarray]:
    """Welch PSD (ms²/Hz): Hann segments of nperseg samples, 50 % overlap, each detrended
    (as scipy.signal.welch with those options), mean of the segment periodograms."""
    step = nperseg - nperseg // 2
    segments = sliding_window_view(x, nperseg)[::step]
    freqs, psd = periodograms(segments, fs, detrend)
    return freqs, psd.mean(axis=0)


def spectrum(rr_ms: np.ndarray, method: str = DEFAULT_METHOD) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and PSD (ms²/Hz) of an RR series by a named method (METHODS)."""
    if method not in METHODS:
        raise ValueError(f"unknown spectral method {method!r}")
    x = resample(rr_ms)
    if method == "kubios":
        nperseg = min(x.size, int(KUBIOS_SEGMENT_S * INTERPOLATION_HZ))
        return welch(smoothness_priors(x), nperseg, detrend="constant")
    return welch(x, min(x.size, int(SEGMENT_S * INTERPOLATION_HZ)))


def frequency_domain(rr_ms: np.ndarray, method: str = DEFAULT_METHOD) -> dict[str, Any]:
    """LF, HF (ms²) and LF/HF by a named method (METHODS). rr_ms: shape (n,).

    Values are None when the series is shorter than MIN_FREQUENCY_S (HF) or than 2 cycles
    of the lowest LF frequency, 50 s (LF); LF/HF also when a power is below its rounding
    floor (lf_hf_ratio).
    """
    rr = _rr(rr_ms)
    out: dict[str, Any] = {"lf_ms2": None, "hf_ms2": None, "lf_hf": None}
    out["method"] = METHODS[method]
    if rr.size < 4 or np.sum(rr) / 1000.0 < MIN_FREQUENCY_S:
        return out
    freqs, psd = spectrum(rr, method)
    lf = float(band_power(freqs, psd, LF_BAND))
    hf = float(band_power(freqs, psd, HF_BAND))
    out.update({"lf_ms2": lf, "hf_ms2": hf, "lf_hf": lf_hf_ratio(lf, hf)})
    return out


def poincare(rr_ms: np.ndarray, usable: np.ndarray | None = None) -> dict[str, float]:
    """SD1 and SD2 (ms) of the Poincaré plot (Brennan et al. 2001): the standard deviations
    (ddof = 1) of the points (RR_i, RR_i+1) across and along the line of identity,
    SD1 = std((RR_i+1 - RR_i) / sqrt 2), SD2 = std((RR_i+1 + RR_i) / sqrt 2). n >= 3.
    usable: bool (n,); only points whose two intervals are usable. None: all."""
    rr = _rr(rr_ms)
    x, y = rr[:-1], rr[1:]
    if usable is not None:
        usable = np.asarray(usable, dtype=bool)
        pair = usable[:-1] & usable[1:]
        x, y = x[pair], y[pair]
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


def all_metrics(
    rr_ms: np.ndarray, method: str = DEFAULT_METHOD, poor: np.ndarray | None = None
) -> dict[str, Any]:
    """time, frequency and nonlinear metrics of one series (see the module docstring).

    poor: bool, shape (n,): intervals bridged over poor ECG signal (quality.py). They are
    left out of the time domain and Poincaré; the time domain is given only if they are at
    most quality.MAX_POOR_TIME of the time, the spectrum and DFA (which need the unbroken
    series, bridged) only if at most quality.MAX_POOR_FREQUENCY. A withheld domain has None
    values and a "reason".
    """
    rr = _rr(rr_ms)
    if poor is None or not np.any(poor):
        return {
            "time": time_domain(rr),
            "frequency": frequency_domain(rr, method),
            "nonlinear": nonlinear(rr),
        }
    poor = np.asarray(poor, dtype=bool)
    share = float(rr[poor].sum() / rr.sum())
    usable = ~poor
    time: dict[str, Any]
    if share <= MAX_POOR_TIME and np.count_nonzero(usable[1:] & usable[:-1]) >= 2:
        time = time_domain(rr, usable)
        nonlin: dict[str, Any] = dict(poincare(rr, usable))
    else:
        time = {k: None for k in ("mean_rr_ms", "mean_hr_bpm", "sdnn_ms", "rmssd_ms", "pnn50_pct")}
        time["reason"] = poor_reason(share, MAX_POOR_TIME)
        nonlin = {"sd1_ms": None, "sd2_ms": None}
    if share <= MAX_POOR_FREQUENCY:
        freq = frequency_domain(rr, method)
        nonlin["dfa_alpha1"] = dfa_alpha1(rr)
    else:
        freq = {"lf_ms2": None, "hf_ms2": None, "lf_hf": None, "method": METHODS[method]}
        freq["reason"] = poor_reason(share, MAX_POOR_FREQUENCY)
        nonlin["dfa_alpha1"] = None
    return {"time": time, "frequency": freq, "nonlinear": nonlin}


def poor_reason(share: float, limit: float) -> str:
    return (
        f"poor ECG signal in {share:.0%} of the time (at most {limit:.0%} allowed; Vest et al. "
        "2018)"
    )
