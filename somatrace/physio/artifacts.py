"""RR artefact detection and correction after Lipponen & Tarvainen (2019). No Django here.

Lipponen JA, Tarvainen MP. "A robust algorithm for heart rate variability time series
artefact correction using novel beat classification." J Med Eng Technol 2019;43(3):173-181.

The method (also Kubios's automatic correction and NeuroKit2's
``signal_fixpeaks(method="Kubios")``):

1. dRRs: successive differences of RR, normalised by a time-varying threshold
   Th1 = alpha * QD, where QD is the quartile deviation ((Q3 - Q1) / 2) of |dRRs| over a
   centred 91-beat window; alpha = 5.2.
2. mRRs: RR minus an 11-beat running median (negative values doubled), normalised by
   Th2 computed the same way.
3. Subspaces S11 = dRRs; S12 = max/min of the neighbouring dRRs; S22 = min/max of the next
   two dRRs. Beats with |dRRs| > 1 are classified: ectopic (S12 outside the band
   -c1 * dRRs -/+ c2, c1 = 0.13, c2 = 0.17), else long/short (S22 or |mRRs| > 3), split into
   missed (RR / 2 within Th2 of the median) and extra (RR + next RR within Th2 of the median).
4. Correction (on beat times): extra beats are removed (two intervals merged), a missed beat
   is inserted half way (one interval split), ectopic and long/short beats are moved to the
   midpoint of their neighbours (interpolation).

This implementation follows NeuroKit2 0.2.13's reading of the paper step for step (same
constants, same centred windows with shrinking edges, same flow through Figure 1 of the
paper), so counts agree; the thresholds and subspaces are vectorised (moving quantiles
from scipy.ndimage rank filters) and the classification loop visits only the few beats
with |dRRs| > 1, so the cost is linear in the number of beats. Counts come from the first
pass over the raw series (NeuroKit2's iterative mode reports only the last pass);
correction repeats while a pass finds fewer artefacts than the one before, as
NeuroKit2's iterative mode does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

ALPHA = 5.2  # Lipponen & Tarvainen 2019, section 2.2
C1 = 0.13  # ibid., ectopic decision boundary slope
C2 = 0.17  # ibid., ectopic decision boundary offset
WINDOW = 91  # beats, quartile-deviation window (ibid.)
MEDIAN_ORDER = 11  # beats, running median for mRRs (ibid.)
MAX_PASSES = 10  # correction passes; detection counts come from the first
KINDS = ("ectopic", "missed", "extra", "longshort")


@dataclass
class Correction:
    """Result of `correct`.

    rr_ms: corrected RR (ms), shape (m,) (m differs from the input n by missed/extra beats).
    flags: shape (m,), bool, True where the corrected interval was changed by the correction.
    counts: number of beats of each kind found (single pass).
    indices: input RR indices of each kind (0-based, into the input rr_ms).
    """

    rr_ms: np.ndarray
    flags: np.ndarray
    counts: dict[str, int]
    indices: dict[str, list[int]] = field(default_factory=dict)

    @property
    def n_corrected(self) -> int:
        return int(np.count_nonzero(self.flags))

    @property
    def corrected_fraction(self) -> float:
        return float(self.n_corrected / self.flags.size) if self.flags.size else 0.0


def rolling_quantiles(x: np.ndarray, width: int, qs: tuple[float, ...]) -> np.ndarray:
    """Centred moving quantiles with shrinking windows at the ends (as pandas
    ``rolling(width, center=True, min_periods=1).quantile(q)``, linear interpolation).

    x: shape (n,). Returns shape (len(qs), n). Cost O(n log width), memory O(n).
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    out = np.empty((len(qs), n))
    half_left = width // 2
    half_right = width - 1 - half_left  # pandas centres an odd window symmetrically
    if n <= width:
        for i in range(n):
            seg = x[max(0, i - half_left) : i + half_right + 1]
            out[:, i] = np.quantile(seg, qs)
        return out
    # Interior: exact order statistics from rank filters (O(n log width)), interpolated
    # linearly between neighbouring ranks as numpy/pandas "linear" quantiles are.
    for k, q in enumerate(qs):
        pos = q * (width - 1)
        lo, frac = int(np.floor(pos)), pos - np.floor(pos)
        low = ndimage.rank_filter(x, lo, size=width, mode="nearest")
        if frac > 0:
            high = ndimage.rank_filter(x, lo + 1, size=width, mode="nearest")
            out[k] = low + frac * (high - low)
        else:
            out[k] = low
    # Ends: shrinking windows, all at once as rows padded with +inf (sorted to the end).
    edge = np.r_[0:half_left, n - half_right : n]
    offsets = np.arange(-half_left, half_right + 1)
    pos = edge[:, None] + offsets[None, :]
    valid = (pos >= 0) & (pos < n)
    rows = np.sort(np.where(valid, x[np.clip(pos, 0, n - 1)], np.inf), axis=1)  # pad last
    count = valid.sum(axis=1)
    for k, q in enumerate(qs):
        at = q * (count - 1)
        lo = np.floor(at).astype(np.int64)
        hi = np.minimum(lo + 1, count - 1)
        low = np.take_along_axis(rows, lo[:, None], axis=1)[:, 0]
        high = np.take_along_axis(rows, hi[:, None], axis=1)[:, 0]
        out[k, edge] = low + (at - lo) * (high - low)
    return out


def _threshold(values: np.ndarray) -> np.ndarray:
    q1, q3 = rolling_quantiles(np.abs(values), WINDOW, (0.25, 0.75))
    return ALPHA * (q3 - q1) / 2.0


def _normalise(values: np.ndarray, th: np.ndarray) -> np.ndarray:
    out = np.full_like(values, np.nan)
    np.divide(values, th, out=out, where=th != 0)
    return out


def detect(peaks_ms: np.ndarray) -> dict[str, list[int]]:
    """Classify beats. peaks_ms: beat times (ms), shape (n,), increasing.

    Returns peak indices (into peaks_ms) of each kind. rr[i] = peaks[i] - peaks[i-1] is the
    interval ending at beat i; rr[0] is set to the mean of the others (as NeuroKit2).
    """
    peaks = np.asarray(peaks_ms, dtype=np.float64)
    found: dict[str, list[int]] = {kind: [] for kind in KINDS}
    if peaks.size < 4:
        return found
    rr = np.diff(peaks, prepend=peaks[0])
    rr[0] = rr[1:].mean()
    drrs = np.diff(rr, prepend=rr[0])
    drrs[0] = drrs[1:].mean()
    drrs = _normalise(drrs, _threshold(drrs))

    pad = np.pad(drrs, 2, mode="reflect")
    prev, nxt, nxt2 = pad[1:-3], pad[3:-1], pad[4:]
    s12 = np.where(drrs > 0, np.maximum(prev, nxt), np.where(drrs < 0, np.minimum(prev, nxt), 0.0))
    s22 = np.where(drrs >= 0, np.minimum(nxt, nxt2), np.where(drrs < 0, np.maximum(nxt, nxt2), 0.0))

    medrr = rolling_quantiles(rr, MEDIAN_ORDER, (0.5,))[0]
    mrrs = rr - medrr
    mrrs[mrrs < 0] *= 2.0
    th2 = _threshold(mrrs)
    mrrs = _normalise(mrrs, th2)

    # Figure 1 flow, visiting only beats with |dRRs| > 1 (comparisons with NaN are False).
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero(np.abs(drrs[: rr.size - 2]) > 1)
    i = 0
    for candidate in candidates.tolist():
        if candidate < i:
            continue
        i = int(candidate)
        d = drrs[i]
        if (d > 1 and s12[i] < -C1 * d - C2) or (d < -1 and s12[i] > -C1 * d + C2):
            found["ectopic"].append(i)
            i += 1
            continue
        group = [i]
        if abs(drrs[i + 1]) < abs(drrs[i + 2]):
            group.append(i + 1)
        for j in group:
            eq3 = drrs[j] > 1 and s22[j] < -1
            eq4 = abs(mrrs[j]) > 3
            eq5 = drrs[j] < -1 and s22[j] > 1
            i += 1
            if not (eq3 or eq4 or eq5):
                continue
            eq6 = abs(rr[j] / 2 - medrr[j]) < th2[j]
            eq7 = j + 1 < rr.size and abs(rr[j] + rr[j + 1] - medrr[j]) < th2[j]
            if eq5 and eq7:
                found["extra"].append(j)
            elif eq3 and eq6:
                found["missed"].append(j)
            else:
                found["longshort"].append(j)
    return found


def _shift(source: list[int], targets: list[int], step: int) -> list[int]:
    src = np.asarray(source)
    return sorted({int(t + step * np.count_nonzero(src < t)) for t in targets})


def correct_peaks(peaks_ms: np.ndarray, found: dict[str, list[int]]) -> np.ndarray:
    """Apply the corrections (as NeuroKit2's _correct_artifacts) to beat times (ms)."""
    peaks = np.asarray(peaks_ms, dtype=np.float64).copy()
    extra, missed = found["extra"], list(found["missed"])
    ectopic, longshort = list(found["ectopic"]), list(found["longshort"])
    if extra:
        peaks = np.delete(peaks, extra)
        missed = _shift(extra, missed, -1)
        ectopic = _shift(extra, ectopic, -1)
        longshort = _shift(extra, longshort, -1)
    if missed:
        idx = np.asarray(missed)
        idx = idx[(idx > 1) & (idx < peaks.size)]
        added = peaks[idx - 1] + (peaks[idx] - peaks[idx - 1]) / 2.0
        peaks = np.insert(peaks, idx, added)
        ectopic = _shift(list(idx), ectopic, 1)
        longshort = _shift(list(idx), longshort, 1)
    for group in (ectopic, longshort):
        if group:
            idx = np.asarray(group)
            idx = idx[(idx > 1) & (idx < peaks.size - 1)]
            moved = peaks[idx - 1] + (peaks[idx + 1] - peaks[idx - 1]) / 2.0
            peaks = np.sort(np.concatenate((np.delete(peaks, idx), moved)), kind="mergesort")
    return peaks


def correct(rr_ms: np.ndarray) -> Correction:
    """Detect (single pass, for the counts) and correct (repeated passes) artefacts.

    rr_ms: shape (n,). Returns a Correction; flags mark corrected intervals of the output.
    """
    rr = np.asarray(rr_ms, dtype=np.float64)
    peaks = np.concatenate(([0.0], np.cumsum(rr)))
    found = detect(peaks)
    fixed = correct_peaks(peaks, found)
    # Repeat on the corrected beats until nothing more is found (as Kubios and NeuroKit2's
    # iterative mode); the counts stay those of the first pass, which saw the raw series.
    previous = sum(len(v) for v in found.values())
    for _ in range(MAX_PASSES - 1):
        again = detect(fixed)
        current = sum(len(v) for v in again.values())
        if current == 0 or current >= previous:  # stop when a pass no longer helps
            break
        fixed = correct_peaks(fixed, again)
        previous = current
    out_rr = np.diff(fixed)
    # A corrected interval has a new end point, or swallowed an original beat.
    original = peaks
    is_new = ~np.isin(fixed, original)
    flags = is_new[1:] | is_new[:-1]
    inside = np.searchsorted(original, fixed[1:], "left") - np.searchsorted(
        original, fixed[:-1], "right"
    )
    flags |= inside > 0
    # Indices into the input RR series: rr index = peak index - 1.
    indices = {kind: [p - 1 for p in found[kind] if p >= 1] for kind in KINDS}
    counts = {kind: len(found[kind]) for kind in KINDS}
    return Correction(rr_ms=out_rr, flags=flags, counts=counts, indices=indices)


def no_correction(rr_ms: np.ndarray) -> Correction:
    """The series as recorded (for --no-correct): nothing flagged, counts from detection."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    found = detect(np.concatenate(([0.0], np.cumsum(rr))))
    return Correction(
        rr_ms=rr.copy(),
        flags=np.zeros(rr.size, dtype=bool),
        counts={kind: len(found[kind]) for kind in KINDS},
        indices={kind: [p - 1 for p in found[kind] if p >= 1] for kind in KINDS},
    )
