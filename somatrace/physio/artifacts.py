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
paper), so counts agree. It is plain NumPy and computes the 91-beat thresholds exactly only
where they can matter: every eighth window's order statistics give a lower bound of Th1 for
its neighbours (a window 4 beats away differs by at most 4 values, and removing or adding d
values moves the k-th smallest by at most d ranks), so a beat whose |dRR| is below that
bound cannot be an artefact candidate; Th1 is computed exactly (its window sorted)
for the others and for the neighbours the classification reads, and Th2 only where a
candidate is classified. The classification loop visits only the few beats with
|dRRs| > 1, so the cost is linear in the number of beats. Counts come from the first
pass over the raw series (NeuroKit2's iterative mode reports only the last pass);
correction repeats while a pass finds fewer artefacts than the one before, as
NeuroKit2's iterative mode does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ALPHA = 5.2  # Lipponen & Tarvainen 2019, section 2.2
C1 = 0.13  # ibid., ectopic decision boundary slope
C2 = 0.17  # ibid., ectopic decision boundary offset
WINDOW = 91  # beats, quartile-deviation window (ibid.)
MEDIAN_ORDER = 11  # beats, running median for mRRs (ibid.)
MAX_PASSES = 10  # correction passes; detection counts come from the first
BOUND_GRID = 8  # exact order statistics every 8th window bound Th1 in between (see above)
ROWS_PER_CHUNK = 16_384  # windows partitioned at once (bounded memory)
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


def quantiles_at(
    x: np.ndarray, width: int, qs: tuple[float, ...], positions: np.ndarray
) -> np.ndarray:
    """Centred moving quantiles of x at `positions` only, with windows shrinking at the ends
    (as pandas ``rolling(width, center=True, min_periods=1).quantile(q)``, linear
    interpolation). Exact: each window's order statistics by sorting it.

    x: shape (n,); positions: int indices, shape (m,). Returns shape (len(qs), m).
    Cost O(m * width), memory bounded by ROWS_PER_CHUNK windows.
    """
    x = np.asarray(x, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.int64)
    n = x.size
    out = np.empty((len(qs), positions.size))
    half_left = width // 2
    half_right = width - 1 - half_left  # pandas centres an odd window symmetrically
    full = (positions >= half_left) & (positions < n - half_right)
    inside = np.flatnonzero(full)
    if inside.size:
        ranks = [(int(np.floor(q * (width - 1))), q * (width - 1) % 1.0) for q in qs]
        windows = sliding_window_view(x, width)
        for chunk in range(0, inside.size, ROWS_PER_CHUNK):
            at = inside[chunk : chunk + ROWS_PER_CHUNK]
            # np.sort of short rows is far faster than np.partition with several kth
            rows = np.sort(windows[positions[at] - half_left], axis=1)
            for k, (lo, frac) in enumerate(ranks):
                low = rows[:, lo]
                out[k, at] = low + frac * (rows[:, min(lo + 1, width - 1)] - low) if frac else low
    edge = np.flatnonzero(~full)
    if edge.size:
        # Shrinking windows: rows padded with +inf (sorted to the end), quantiles over the
        # valid count.
        pos = positions[edge][:, None] + np.arange(-half_left, half_right + 1)[None, :]
        valid = (pos >= 0) & (pos < n)
        rows = np.sort(np.where(valid, x[np.clip(pos, 0, n - 1)], np.inf), axis=1)
        count = valid.sum(axis=1)
        for k, q in enumerate(qs):
            at_rank = q * (count - 1)
            lo = np.floor(at_rank).astype(np.int64)
            hi = np.minimum(lo + 1, count - 1)
            low = np.take_along_axis(rows, lo[:, None], axis=1)[:, 0]
            high = np.take_along_axis(rows, hi[:, None], axis=1)[:, 0]
            out[k, edge] = low + (at_rank - lo) * (high - low)
    return out


def rolling_quantiles(x: np.ndarray, width: int, qs: tuple[float, ...]) -> np.ndarray:
    """Centred moving quantiles at every position (see quantiles_at). x: shape (n,).
    Returns shape (len(qs), n). Cost O(n * width)."""
    x = np.asarray(x, dtype=np.float64)
    return quantiles_at(x, width, qs, np.arange(x.size))


def _threshold_at(magnitudes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Th = ALPHA * quartile deviation of magnitudes over the WINDOW around each position."""
    q1, q3 = quantiles_at(magnitudes, WINDOW, (0.25, 0.75), positions)
    return ALPHA * (q3 - q1) / 2.0


def threshold_lower_bound(magnitudes: np.ndarray) -> np.ndarray:
    """A lower bound of Th (see _threshold_at) at every position, from exact order statistics
    of every BOUND_GRID-th full window (module docstring); 0 where no bound is known (the
    shrinking windows at the ends, short series). Shape (n,)."""
    a = np.asarray(magnitudes, dtype=np.float64)
    n = a.size
    lower = np.zeros(n)
    half_left = WINDOW // 2
    first, last = half_left, n - (WINDOW - 1 - half_left) - 1  # full windows
    if last - first < 2 * BOUND_GRID:
        return lower
    grid = np.append(np.arange(first, last, BOUND_GRID), last)
    reach = BOUND_GRID // 2  # farthest a position is from its nearest grid window
    # Q1 <= x(k1 + 1) and Q3 >= x(k3) (linear interpolation between neighbouring ranks);
    # `reach` values in or out move a rank by at most `reach`.
    k1 = int(np.floor(0.25 * (WINDOW - 1))) + 1 + reach
    k3 = int(np.floor(0.75 * (WINDOW - 1))) - reach
    windows = sliding_window_view(a, WINDOW)
    rows = np.sort(
        np.concatenate((windows[0 : last - half_left : BOUND_GRID], windows[-1:])), axis=1
    )
    bound = ALPHA * np.maximum(rows[:, k3] - rows[:, k1], 0.0) / 2.0
    # Nearest grid window: the regular ones by integer division; the last (irregular) one
    # for the positions closer to it, all within BOUND_GRID of the end.
    nearest = np.minimum((np.arange(last - first + 1) + reach) // BOUND_GRID, grid.size - 2)
    tail = np.arange(max(last - BOUND_GRID, first), last + 1)
    closer = last - tail < np.abs(tail - grid[nearest[tail - first]])
    nearest[tail[closer] - first] = grid.size - 1
    lower[first : last + 1] = bound[nearest]
    return lower


def _normalise(values: np.ndarray, th: np.ndarray) -> np.ndarray:
    out = np.full_like(values, np.nan)
    np.divide(values, th, out=out, where=th != 0)
    return out


def _indices_near(centres: np.ndarray, offsets: np.ndarray, n: int) -> np.ndarray:
    """Sorted distinct indices centre + offset, clipped to 0 .. n - 1 (np.unique of them, by
    marking a mask: linear in n, where hashing many candidates' neighbourhoods is not)."""
    mask = np.zeros(n, dtype=bool)
    for offset in offsets.tolist():
        mask[np.clip(centres + offset, 0, n - 1)] = True
    return np.flatnonzero(mask)


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
    raw = np.diff(rr, prepend=rr[0])
    raw[0] = raw[1:].mean()
    # Th1 exactly where |dRR| may exceed it, then at the neighbours the flow reads of the
    # beats that do (i - 1 .. i + 4); elsewhere |dRRs| <= 1 is certain and its value unused.
    magnitude = np.abs(raw)
    th = np.full(raw.size, np.nan)
    maybe = np.flatnonzero(magnitude > threshold_lower_bound(magnitude))
    th[maybe] = _threshold_at(magnitude, maybe)
    with np.errstate(invalid="ignore"):
        over = maybe[(th[maybe] != 0) & (magnitude[maybe] > th[maybe])]
    near = _indices_near(over, np.arange(-1, 5), raw.size)
    near = near[np.isnan(th[near])]
    th[near] = _threshold_at(magnitude, near)
    drrs = _normalise(raw, th)

    pad = np.pad(drrs, 2, mode="reflect")
    prev, nxt, nxt2 = pad[1:-3], pad[3:-1], pad[4:]
    s12 = np.where(drrs > 0, np.maximum(prev, nxt), np.where(drrs < 0, np.minimum(prev, nxt), 0.0))
    s22 = np.where(drrs >= 0, np.minimum(nxt, nxt2), np.where(drrs < 0, np.maximum(nxt, nxt2), 0.0))

    # Th2 only where a candidate beat (or the one after it) is classified, so the running
    # median only within a Th2 window of those beats.
    classified = _indices_near(over, np.arange(0, 2), rr.size)
    half = WINDOW // 2
    around = _indices_near(classified, np.arange(-half, half + 1), rr.size)
    medrr = np.full(rr.size, np.nan)
    medrr[around] = quantiles_at(rr, MEDIAN_ORDER, (0.5,), around)[0]
    mrrs = rr - medrr
    with np.errstate(invalid="ignore"):
        mrrs[mrrs < 0] *= 2.0
    th2 = np.full(rr.size, np.nan)
    th2[classified] = _threshold_at(np.abs(mrrs), classified)
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
