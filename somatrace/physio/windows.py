"""Baseline, session and after: windowed HRV and the shift summary. No Django here.

Time axis: seconds relative to the session clock's start (negative = before the session).
A beat's time is the end of its RR interval: t_i = t0 + cumsum(RR)_i / 1000.

- Segments: baseline = the last BASELINE_S before the session starts; session = [0, end);
  after = the first AFTER_S after the session ends. The "end of session" part used for the
  shift is the last END_S of the session (or its last third if the session is shorter than
  3 * END_S).
- Sliding windows over the whole recording: 60 s for RMSSD and HR, 300 s for LF/HF
  (hrv.FREQUENCY_METHOD applied per window: one Hann segment of 300 s, linear detrend),
  both every STEP_S = 30 s.
- A window whose share of corrected beats is above MAX_ARTEFACT_FRACTION = 0.5 is reported
  as "not enough clean beats", not as numbers: when more than half the beats were
  interpolated, the window's variability is mostly the interpolation's, not the heart's
  (Lipponen & Tarvainen 2019 show corrected series track the true RMSSD at low artefact
  rates; no study supports numbers at majority-artefact levels). Windows with fewer than
  MIN_BEATS_PER_WINDOW beats (a strap that lost contact) are treated the same way.
- Poor ECG signal (quality.py): intervals bridged over poor signal are left out of a
  window's heart rate and RMSSD; a window shows "poor ECG signal" instead of numbers when
  they are more than quality.MAX_POOR_TIME (20 %) of its time (60 s windows, segments) or
  more than quality.MAX_POOR_FREQUENCY (5 %) for spectral numbers (Vest et al. 2018).
- Spectral method: hrv.METHODS by name; "kubios" detrends the whole 4 Hz series by
  smoothness priors once and removes each window's mean instead of its line.
- Shift: for baseline, end of session and after, the segment is cut into non-overlapping
  60 s sub-windows; HR, RMSSD and HF (60 s Hann periodogram, linear detrend) are computed
  per sub-window; the change is the difference of sub-window means (HF: the ratio of
  geometric means, since HF power is skewed), and its uncertainty band is the 2.5-97.5
  percentile range of a bootstrap (2000 resamples of the sub-windows within each segment,
  fixed seed). This treats sub-windows as exchangeable, which ignores their slow drift, so
  the band is a rough guide, labelled "likely range", never a confidence claim.

Every function is vectorised with cumulative sums or strided views: cost O(n) in beats (plus
O(T) in 4 Hz samples for the frequency windows), memory bounded by the recording's length.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from somatrace.physio import hrv, quality

BASELINE_S = 300.0
AFTER_S = 300.0
END_S = 300.0
SHORT_WINDOW_S = 60.0
FREQ_WINDOW_S = 300.0
STEP_S = 30.0
MAX_ARTEFACT_FRACTION = 0.5
MIN_BEATS_PER_WINDOW = 20  # 60 s at 20 bpm; fewer means lost contact
BOOTSTRAP = 2000
MAX_FREQ_WINDOWS = 1000
NOT_ENOUGH = "not enough clean beats"
POOR_SIGNAL = "poor ECG signal"


def beat_times(rr_ms: np.ndarray, t0_s: float = 0.0) -> np.ndarray:
    """Times (s) of the end of each RR interval, shape (n,)."""
    return t0_s + np.cumsum(np.asarray(rr_ms, dtype=np.float64)) / 1000.0


def _no_poor(rr: np.ndarray, poor: np.ndarray | None) -> np.ndarray:
    return np.zeros(rr.size, dtype=bool) if poor is None else np.asarray(poor, dtype=bool)


def short_windows(
    rr_ms: np.ndarray,
    flags: np.ndarray,
    times_s: np.ndarray,
    width_s: float = SHORT_WINDOW_S,
    step_s: float = STEP_S,
    poor: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """HR and RMSSD in sliding windows [start, start + width). Each row: start_s, mid_s,
    n_beats, n_corrected, n_poor, hr_bpm, rmssd_ms (None with `reason` when not reportable).
    poor: bool (n,), intervals bridged over poor ECG signal (left out; module docstring)."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    if rr.size < 2:
        return []
    bad_signal = _no_poor(rr, poor)
    usable = ~bad_signal
    starts = np.arange(np.floor(times_s[0] / step_s) * step_s, times_s[-1] - width_s / 2, step_s)
    if starts.size == 0:
        starts = np.array([times_s[0]])
    lo = np.searchsorted(times_s, starts, "left")
    hi = np.searchsorted(times_s, starts + width_s, "left")
    c_rr = np.concatenate(([0.0], np.cumsum(rr * usable)))
    c_all = np.concatenate(([0.0], np.cumsum(rr * bad_signal)))
    pair = np.concatenate(([False], usable[1:] & usable[:-1]))  # pair[i]: beats i-1, i
    d2 = np.concatenate(([0.0], np.diff(rr) ** 2)) * pair
    c_d2 = np.concatenate(([0.0], np.cumsum(d2)))
    c_pair = np.concatenate(([0], np.cumsum(pair)))
    c_use = np.concatenate(([0], np.cumsum(usable)))
    c_flag = np.concatenate(([0], np.cumsum(np.asarray(flags, dtype=bool) & usable)))
    n = hi - lo
    n_use = c_use[hi] - c_use[lo]
    inner = np.minimum(lo + 1, hi)
    n_pairs = c_pair[hi] - c_pair[inner]
    n_bad = c_flag[hi] - c_flag[lo]
    poor_s = c_all[hi] - c_all[lo]
    span = c_rr[hi] - c_rr[lo] + poor_s
    with np.errstate(invalid="ignore", divide="ignore"):
        hr = 60_000.0 * n_use / (c_rr[hi] - c_rr[lo])
        rm = np.sqrt((c_d2[hi] - c_d2[inner]) / n_pairs)
        poor_share = np.where(span > 0, poor_s / span, 0.0)
    rows = []
    for k in range(starts.size):
        row: dict[str, Any] = {
            "start_s": float(starts[k]),
            "mid_s": float(starts[k] + width_s / 2),
            "n_beats": int(n[k]),
            "n_corrected": int(n_bad[k]),
            "n_poor": int(n[k] - n_use[k]),
            "hr_bpm": None,
            "rmssd_ms": None,
        }
        if poor_share[k] > quality.MAX_POOR_TIME:
            row["reason"] = POOR_SIGNAL
        elif (
            n_use[k] < MIN_BEATS_PER_WINDOW
            or n_pairs[k] < 1
            or n_bad[k] > MAX_ARTEFACT_FRACTION * n_use[k]
        ):
            row["reason"] = NOT_ENOUGH
        else:
            row["hr_bpm"] = round(float(hr[k]), 2)
            row["rmssd_ms"] = round(float(rm[k]), 2)
        rows.append(row)
    return rows


def _psd_rows(
    segments: np.ndarray, method: str = hrv.DEFAULT_METHOD
) -> tuple[np.ndarray, np.ndarray]:
    detrend = "constant" if method == "kubios" else "linear"
    return hrv.periodograms(segments, hrv.INTERPOLATION_HZ, detrend)


def _resampled(rr: np.ndarray, method: str) -> np.ndarray:
    x = hrv.resample(rr)
    return hrv.smoothness_priors(x) if method == "kubios" else x


def frequency_windows(
    rr_ms: np.ndarray,
    flags: np.ndarray,
    times_s: np.ndarray,
    width_s: float = FREQ_WINDOW_S,
    step_s: float = STEP_S,
    poor: np.ndarray | None = None,
    method: str = hrv.DEFAULT_METHOD,
) -> list[dict[str, Any]]:
    """LF, HF (ms²) and LF/HF in sliding 300 s windows (see module docstring)."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    if rr.size < 4 or times_s[-1] - times_s[0] < width_s:
        return []
    bad_signal = _no_poor(rr, poor)
    x = _resampled(rr, method)
    t_grid = times_s[0] + np.arange(x.size) / hrv.INTERPOLATION_HZ
    # Bounded output: a long recording gets a longer step so there are at most
    # MAX_FREQ_WINDOWS windows (24 h: every 90 s), which keeps the cost linear and small.
    duration = float(times_s[-1] - times_s[0])
    step_s = max(step_s, float(np.ceil(duration / MAX_FREQ_WINDOWS / STEP_S) * STEP_S))
    m = int(width_s * hrv.INTERPOLATION_HZ)
    hop = int(step_s * hrv.INTERPOLATION_HZ)
    view = sliding_window_view(x, m)[::hop]
    freqs, psd = _psd_rows(view, method)
    lf = hrv.band_power(freqs, psd, hrv.LF_BAND)
    hf = hrv.band_power(freqs, psd, hrv.HF_BAND)
    starts = t_grid[::hop][: view.shape[0]]
    lo = np.searchsorted(times_s, starts, "left")
    hi = np.searchsorted(times_s, starts + width_s, "left")
    c_flag = np.concatenate(([0], np.cumsum(np.asarray(flags, dtype=np.int64))))
    c_poor = np.concatenate(([0.0], np.cumsum(rr * bad_signal)))
    c_rr = np.concatenate(([0.0], np.cumsum(rr)))
    rows = []
    for k in range(view.shape[0]):
        n, bad = int(hi[k] - lo[k]), int(c_flag[hi[k]] - c_flag[lo[k]])
        span = float(c_rr[hi[k]] - c_rr[lo[k]])
        poor_share = float(c_poor[hi[k]] - c_poor[lo[k]]) / span if span > 0 else 0.0
        row: dict[str, Any] = {
            "start_s": float(starts[k]),
            "mid_s": float(starts[k] + width_s / 2),
            "n_beats": n,
            "n_corrected": bad,
            "lf_ms2": None,
            "hf_ms2": None,
            "lf_hf": None,
        }
        if poor_share > quality.MAX_POOR_FREQUENCY:
            row["reason"] = POOR_SIGNAL
        elif n < MIN_BEATS_PER_WINDOW or bad > MAX_ARTEFACT_FRACTION * n:
            row["reason"] = NOT_ENOUGH
        else:
            row["lf_ms2"] = round(float(lf[k]), 1)
            row["hf_ms2"] = round(float(hf[k]), 1)
            ratio = hrv.lf_hf_ratio(float(lf[k]), float(hf[k]))
            row["lf_hf"] = None if ratio is None else round(ratio, 3)
        rows.append(row)
    return rows


def _segment_mask(times_s: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (times_s >= lo) & (times_s < hi)


def segment_summary(
    rr_ms: np.ndarray,
    flags: np.ndarray,
    mask: np.ndarray,
    poor: np.ndarray | None = None,
    method: str = hrv.DEFAULT_METHOD,
) -> dict[str, Any]:
    """Metrics of one segment (beats where mask), or the reason it is not reported."""
    rr = np.asarray(rr_ms, dtype=np.float64)[mask]
    bad_signal = _no_poor(np.asarray(rr_ms), poor)[mask]
    bad = int(np.count_nonzero(np.asarray(flags)[mask] & ~bad_signal))
    usable = int(np.count_nonzero(~bad_signal))
    out: dict[str, Any] = {
        "n_beats": int(rr.size),
        "n_corrected": bad,
        "n_poor": int(rr.size - usable),
        "duration_s": round(float(rr.sum() / 1000.0), 1),
    }
    if rr.size and float(rr[bad_signal].sum() / rr.sum()) > quality.MAX_POOR_TIME:
        out["reason"] = POOR_SIGNAL
        return out
    if usable < MIN_BEATS_PER_WINDOW or bad > MAX_ARTEFACT_FRACTION * usable:
        out["reason"] = NOT_ENOUGH if rr.size else "no recording"
        return out
    metrics = hrv.all_metrics(rr, method, bad_signal if bad_signal.any() else None)
    out.update(
        {k: None if v is None else round(v, 2) for k, v in metrics["time"].items() if k != "reason"}
    )
    freq = metrics["frequency"]
    out["lf_ms2"] = None if freq["lf_ms2"] is None else round(freq["lf_ms2"], 1)
    out["hf_ms2"] = None if freq["hf_ms2"] is None else round(freq["hf_ms2"], 1)
    out["lf_hf"] = None if freq["lf_hf"] is None else round(freq["lf_hf"], 3)
    return out


def _sub_windows(
    rr: np.ndarray,
    flags: np.ndarray,
    times_s: np.ndarray,
    lo: float,
    hi: float,
    poor: np.ndarray | None = None,
    method: str = hrv.DEFAULT_METHOD,
) -> dict[str, np.ndarray]:
    """HR, RMSSD and HF of the non-overlapping 60 s sub-windows of [lo, hi) that are
    reportable. Arrays of shape (k,)."""
    empty = {"hr": np.empty(0), "rmssd": np.empty(0), "hf": np.empty(0)}
    if hi - lo < SHORT_WINDOW_S:
        return empty
    # Only the segment's beats (and the one before, for its first successive difference).
    first = max(int(np.searchsorted(times_s, lo, "left")) - 1, 0)
    last = int(np.searchsorted(times_s, hi, "left")) + 1
    bad_signal = _no_poor(rr, poor)[first:last]
    rr, flags, times_s = rr[first:last], flags[first:last], times_s[first:last]
    if rr.size < 4:
        return empty
    rows = short_windows(rr, flags, times_s, SHORT_WINDOW_S, SHORT_WINDOW_S, bad_signal)
    # short_windows aligns to multiples of the step; keep those fully inside [lo, hi).
    keep = [
        r
        for r in rows
        if r["hr_bpm"] is not None and r["start_s"] >= lo and r["start_s"] + SHORT_WINDOW_S <= hi
    ]
    if not keep:
        return empty
    hr = np.array([r["hr_bpm"] for r in keep])
    rm = np.array([r["rmssd_ms"] for r in keep])
    hf = []
    x = _resampled(rr, method)
    t_grid = times_s[0] + np.arange(x.size) / hrv.INTERPOLATION_HZ
    m = int(SHORT_WINDOW_S * hrv.INTERPOLATION_HZ)
    segs = []
    for r in keep:
        i = int(np.searchsorted(t_grid, r["start_s"]))
        clean = r["n_poor"] == 0  # a spectrum needs the unbroken series
        segs.append(x[i : i + m] if i + m <= x.size and clean else None)
    ok = [s for s in segs if s is not None]
    if ok:
        freqs, psd = _psd_rows(np.vstack(ok), method)
        powers = iter(hrv.band_power(freqs, psd, hrv.HF_BAND))
        hf = [next(powers) if s is not None else np.nan for s in segs]
    return {"hr": hr, "rmssd": rm, "hf": np.asarray(hf, dtype=np.float64)}


def _bootstrap_diff(
    a: np.ndarray, b: np.ndarray, rng: np.random.Generator, log: bool = False
) -> tuple[float, float, float] | None:
    """Point change (mean b - mean a, or ratio of geometric means if log) and 95 % band."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if log:
        a, b = np.log(a[a > 0]), np.log(b[b > 0])
    if a.size < 2 or b.size < 2:
        return None
    ia = rng.integers(0, a.size, (BOOTSTRAP, a.size))
    ib = rng.integers(0, b.size, (BOOTSTRAP, b.size))
    diffs = b[ib].mean(axis=1) - a[ia].mean(axis=1)
    point = float(b.mean() - a.mean())
    low, high = (float(v) for v in np.percentile(diffs, [2.5, 97.5]))
    if log:
        return float(np.exp(point)), float(np.exp(low)), float(np.exp(high))
    return point, low, high


def _sentence_part(
    name: str, change: tuple[float, float, float] | None, up: str, down: str, same: str
) -> str:
    """up/down/same are templates with {v} (size of change), {lo}, {hi} (band)."""
    if change is None:
        return f"There were not enough clean minutes to compare {name}."
    point, low, high = change

    def num(value: float, sign: str = "") -> str:
        # one decimal for small changes so a narrow range does not read "4–4"
        value = 0.0 if abs(value) < 0.05 else value
        return f"{value:{sign}.1f}" if abs(value) < 10 else f"{value:{sign}.0f}"

    if low > 0:
        return up.format(v=num(abs(point)), lo=num(abs(low)), hi=num(abs(high)))
    if high < 0:
        return down.format(v=num(abs(point)), lo=num(abs(high)), hi=num(abs(low)))
    return same.format(v=num(point, "+"), lo=num(low, "+"), hi=num(high, "+"))


def shift_summary(
    rr_ms: np.ndarray,
    flags: np.ndarray,
    times_s: np.ndarray,
    session_end_s: float,
    seed: int = 20190101,
    poor: np.ndarray | None = None,
    method: str = hrv.DEFAULT_METHOD,
) -> dict[str, Any]:
    """Change in HR, RMSSD and HF from baseline to the end of the session and to after.

    Returns {"end": {...}, "after": {...}, "sentence": str}; each comparison has hr_bpm,
    rmssd_ms (difference, low, high) and hf_ratio (ratio, low, high), any of them None.
    """
    rr = np.asarray(rr_ms, dtype=np.float64)
    flags = np.asarray(flags, dtype=bool)
    rng = np.random.default_rng(seed)
    end_len = END_S if session_end_s >= 3 * END_S else session_end_s / 3.0
    base = _sub_windows(rr, flags, times_s, -BASELINE_S, 0.0, poor, method)
    parts = {
        "end": _sub_windows(
            rr, flags, times_s, session_end_s - end_len, session_end_s, poor, method
        ),
        "after": _sub_windows(
            rr, flags, times_s, session_end_s, session_end_s + AFTER_S, poor, method
        ),
    }
    out: dict[str, Any] = {}
    for key, later in parts.items():
        out[key] = {
            "hr_bpm": _bootstrap_diff(base["hr"], later["hr"], rng),
            "rmssd_ms": _bootstrap_diff(base["rmssd"], later["rmssd"], rng),
            "hf_ratio": _bootstrap_diff(base["hf"], later["hf"], rng, log=True),
            "n_minutes": [int(base["hr"].size), int(later["hr"].size)],
        }
    out["sentence"] = shift_sentence(out)
    return out


def shift_sentence(shift: dict[str, Any]) -> str:
    """Plain words for a client; never claims more than the numbers (see module docstring)."""
    end = shift["end"]
    if end["hr_bpm"] is None and end["rmssd_ms"] is None:
        if shift["end"]["n_minutes"][0] < 2:
            return (
                "There were not enough clean minutes before the session started to compare "
                "with, so no shift can be given."
            )
        return "There were not enough clean minutes to compare the start and end."
    hr = _sentence_part(
        "heart rate",
        end["hr_bpm"],
        "Heart rate was {v} beats per minute higher at the end of the session than before it "
        "(likely range {lo}–{hi}).",
        "Heart rate was {v} beats per minute lower at the end of the session than before it "
        "(likely range {lo}–{hi}).",
        "Heart rate at the end of the session was about the same as before it (change {v} "
        "beats per minute, likely range {lo} to {hi}).",
    )
    rm = _sentence_part(
        "RMSSD",
        end["rmssd_ms"],
        "RMSSD, the beat-to-beat variation that tends to rise with rest, rose by {v} ms "
        "(likely range {lo}–{hi}).",
        "RMSSD, the beat-to-beat variation that tends to rise with rest, fell by {v} ms "
        "(likely range {lo}–{hi}).",
        "RMSSD, the beat-to-beat variation that tends to rise with rest, did not clearly "
        "change ({v} ms, likely range {lo} to {hi}).",
    )
    settled = (
        end["hr_bpm"] is not None
        and end["hr_bpm"][2] < 0
        and end["rmssd_ms"] is not None
        and end["rmssd_ms"][1] > 0
    )
    closing = (
        "This is consistent with settling; it does not show the session caused it — "
        "breathing, posture, talking and simply lying still change these numbers too."
        if settled
        else "These numbers do not show a clear settling; breathing, posture and talking "
        "change them too."
    )
    return f"{hr} {rm} {closing}"


def analyze_windows(
    rr_ms: np.ndarray,
    flags: np.ndarray,
    t0_s: float,
    session_end_s: float,
    poor: np.ndarray | None = None,
    method: str = hrv.DEFAULT_METHOD,
) -> dict[str, Any]:
    """Everything the session page shows. t0_s: the recording's start on the session clock
    (s, negative if it started before the session); session_end_s: the session's length;
    poor: intervals bridged over poor ECG signal; method: the spectral method (hrv.METHODS)."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    flags = np.asarray(flags, dtype=bool)
    times = beat_times(rr, t0_s)

    def part(lo: float, hi: float) -> dict[str, Any]:
        return segment_summary(rr, flags, _segment_mask(times, lo, hi), poor, method)

    segments = {
        "baseline": part(-BASELINE_S, 0.0),
        "session": part(0.0, session_end_s),
        "after": part(session_end_s, session_end_s + AFTER_S),
    }
    return {
        "segments": segments,
        "short": short_windows(rr, flags, times, poor=poor),
        "frequency": frequency_windows(rr, flags, times, poor=poor, method=method),
        "shift": shift_summary(rr, flags, times, session_end_s, poor=poor, method=method),
        "session_end_s": session_end_s,
        "t0_s": t0_s,
        "method": method,
    }
