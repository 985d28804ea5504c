"""Numbers from body maps. Pure NumPy/SciPy, no Django.

Maps are float arrays of values 0-1 on the raster grid (see raster.py): one layer is shape
(580, 290); a painting is shape (2 views, 2 layers, 580, 290). Masks are boolean, same grid.

Methods follow emBODY (Nummenmaa, Glerean, Hari & Hietanen 2014, PNAS 111:646): signed map
= activation (stronger) - deactivation (weaker); per-pixel one-sample t-test across people
inside the body mask; Benjamini-Hochberg false discovery rate at q = .05 (Benjamini &
Hochberg 1995, J R Stat Soc B 57:289); non-significant pixels shown neutral. Two named
methods (METHODS): TWO_SIDED, a two-sided test corrected per map, and EMBODY, emBODY's
one-sided test with one correction pooled over a set of maps (pooled_one_sided). Both leave
never-painted pixels out of the family and count unanimous pixels as significant, as emBODY
does (t_values, two_sided).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from somatrace.bodymaps import embody
from somatrace.bodymaps.atlas import CHOIR_CODES
from somatrace.bodymaps.raster import (
    LAYERS,
    PAINTED_THRESHOLD,
    RASTER_VERSION,
    body_indices,
    label_image,
    views_of,
    zone_indices,
)

FDR_Q = 0.05  # Benjamini & Hochberg 1995; emBODY uses q = .05
MIN_GROUP = 5  # research views refuse smaller groups (de-identification, not statistics)


def painted(layer: np.ndarray, threshold: float = PAINTED_THRESHOLD) -> np.ndarray:
    """Boolean: pixels whose value is above the painted threshold."""
    return layer > threshold


def coverage(layer: np.ndarray, mask: np.ndarray, threshold: float = PAINTED_THRESHOLD) -> float:
    """Share (0-1) of the mask's pixels that are painted. 0 for an empty mask."""
    n = int(mask.sum())
    return float(painted(layer[mask], threshold).sum() / n) if n else 0.0


def mean_intensity(layer: np.ndarray, mask: np.ndarray) -> float:
    """Mean value (0-1) over the mask's pixels (unpainted pixels count as 0)."""
    n = int(mask.sum())
    return float(layer[mask].sum(dtype=np.float64) / n) if n else 0.0


def total_intensity(layer: np.ndarray, mask: np.ndarray) -> float:
    """Sum of values over the mask, in pixel units (a fully painted pixel counts 1)."""
    return float(layer[mask].sum(dtype=np.float64))


def signed_map(stronger: np.ndarray, weaker: np.ndarray) -> np.ndarray:
    """stronger - weaker, values -1..1 (emBODY's activation - deactivation)."""
    return stronger.astype(np.float32) - weaker.astype(np.float32)


def difference_map(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """after - before of two signed maps (or layers): positive where it got stronger."""
    return after.astype(np.float32) - before.astype(np.float32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|A and B| / |A or B| of two boolean maps; 1.0 when both are empty (identical)."""
    union = int(np.logical_or(a, b).sum())
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def region_table(
    layer: np.ndarray,
    labels: np.ndarray,
    n_regions: int,
    threshold: float = PAINTED_THRESHOLD,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-region mean intensity and coverage through a label image.

    labels: uint8/int, same shape as layer, 0 = outside, k = region k (1..n_regions).
    Returns (mean, coverage), each shape (n_regions,), 0-1; regions with no pixels give 0.
    """
    flat = labels.ravel()
    counts = np.bincount(flat, minlength=n_regions + 1)[1:].astype(np.float64)
    sums = np.bincount(flat, weights=layer.ravel().astype(np.float64), minlength=n_regions + 1)
    hits = np.bincount(flat, weights=painted(layer, threshold).ravel(), minlength=n_regions + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums[1:] / counts, 0.0)
        cov = np.where(counts > 0, hits[1:] / counts, 0.0)
    return mean, cov


def frequency_map(layers: np.ndarray, threshold: float = PAINTED_THRESHOLD) -> np.ndarray:
    """Share (0-1) of maps in which each pixel is painted. layers: shape (n, H, W)."""
    if len(layers) == 0:
        return np.zeros(layers.shape[1:], dtype=np.float32)
    return painted(layers, threshold).mean(axis=0, dtype=np.float64).astype(np.float32)


def benjamini_hochberg(p: np.ndarray, q: float = FDR_Q) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg step-up procedure (Benjamini & Hochberg 1995).

    p: p-values, any shape (NaN allowed: never significant, not counted in m).
    Returns (significant: bool array, adjusted: BH-adjusted p-values, NaN where p is NaN),
    both shaped like p. adjusted_(i) = min over j >= i of p_(j) m / j, capped at 1.
    """
    flat = np.asarray(p, dtype=np.float64).ravel()
    valid = ~np.isnan(flat)
    pv = flat[valid]
    m = pv.size
    adjusted = np.full(flat.shape, np.nan)
    if m:
        order = np.argsort(pv, kind="stable")
        ranked = pv[order] * m / np.arange(1, m + 1)
        ranked = np.minimum.accumulate(ranked[::-1])[::-1]
        out = np.empty(m)
        out[order] = np.minimum(ranked, 1.0)
        adjusted[valid] = out
    significant = np.zeros(flat.shape, dtype=bool)
    significant[valid] = adjusted[valid] <= q
    return significant.reshape(np.shape(p)), adjusted.reshape(np.shape(p))


TWO_SIDED = "two_sided"
EMBODY = "embody"
METHODS = {
    TWO_SIDED: "Two-sided t-test, Benjamini\u2013Hochberg per map",
    EMBODY: "emBODY: one-sided t-test, one Benjamini\u2013Hochberg over the set of maps",
}


@dataclass(frozen=True)
class PixelStats:
    """One map's per-pixel sample statistics across n people, inside its mask: mean and
    standard deviation (ddof 1), flat arrays of shape (k,) for the k True pixels of mask."""

    n: int
    mean: np.ndarray
    sd: np.ndarray
    mask: np.ndarray


@dataclass(frozen=True)
class GroupResult:
    """Per-pixel group statistics (shape (H, W) each); NaN outside the mask.

    p: the method's p-value (two-sided, or emBODY's one-sided upper tail); NaN where every
    map is 0 (not tested, not in the family). significant: bool, after Benjamini-Hochberg.
    threshold_p: the largest p-value declared significant in the family (BH's critical p),
    None when nothing in the family is.
    """

    n: int
    mean: np.ndarray
    t: np.ndarray
    p: np.ndarray
    significant: np.ndarray
    method: str = TWO_SIDED
    threshold_p: float | None = None


def pixel_stats(stack: np.ndarray, mask: np.ndarray) -> PixelStats:
    """Mean and sd (ddof 1) across people of a stack of maps, shape (n, H, W), n >= 2."""
    n = stack.shape[0]
    if n < 2:
        raise ValueError("a t-test needs at least two maps")
    values = stack[:, mask].astype(np.float64)  # (n, k)
    sd = values.std(axis=0, ddof=1)
    # Where all values are equal the spread is exactly 0 (not a rounding residue of the mean).
    sd[values.max(axis=0) == values.min(axis=0)] = 0.0
    return PixelStats(n, values.mean(axis=0), sd, mask)


def t_values(stats: PixelStats) -> np.ndarray:
    """One-sample t of the mean against 0, shape (k,), with emBODY's zero-variance cases.

    emBODY (embody_stats.m) computes t with MATLAB's ttest and removes the non-finite values
    before its FDR: where every person's value is 0, t = 0/0 = NaN; where every person has
    the same non-zero value (sd = 0), t = +-Inf. We keep exactly those values: NaN pixels
    are not tested at all; +-Inf pixels are the most unanimous of all, see _p_values.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.mean / (stats.sd / np.sqrt(stats.n))
    t = np.where(stats.sd == 0, np.copysign(np.inf, stats.mean), t)
    return np.where((stats.sd == 0) & (stats.mean == 0), np.nan, t)


def _bh_critical(p: np.ndarray, q: float) -> float | None:
    """Benjamini-Hochberg's critical p over the finite p-values: the largest p_(k) with
    p_(k) <= k q / m, m the number of finite values; None if there is none."""
    finite = np.sort(p[np.isfinite(p)])
    m = finite.size
    if m == 0:
        return None
    passing = np.flatnonzero(finite <= q * np.arange(1, m + 1) / m)
    return float(finite[passing[-1]]) if passing.size else None


def _full(mask: np.ndarray, values_k: np.ndarray, fill: float | bool) -> np.ndarray:
    out = np.full(mask.shape, fill, dtype=np.asarray(values_k).dtype)
    out[mask] = values_k
    return out


def two_sided(stats: PixelStats, q: float = FDR_Q) -> GroupResult:
    """Somatrace's per-map test: two-sided one-sample t-test per pixel (Student's t, n - 1
    degrees of freedom), Benjamini-Hochberg over this map's tested pixels.

    The family follows emBODY: pixels where every map is 0 (nobody painted them) are not
    tested (p = NaN) and do not count in m; pixels where everyone has the same non-zero
    value (t = +-Inf) get p = 0 -- the limit of the t-test as the spread goes to 0, and how
    emBODY's thresholded t-map shows them (an infinite t passes any finite threshold) -- are
    significant, and, as emBODY drops non-finite t before its FDR, do not count in m either.
    """
    t = t_values(stats)
    p = 2.0 * special.stdtr(stats.n - 1, -np.abs(t))  # 0 at +-Inf, NaN at NaN
    finite = np.isfinite(t)
    significant, _ = benjamini_hochberg(np.where(finite, p, np.nan), q)
    significant |= np.isinf(t)
    critical = _bh_critical(np.where(finite, p, np.nan), q)
    return GroupResult(
        n=stats.n,
        mean=_full(stats.mask, stats.mean, np.nan),
        t=_full(stats.mask, t, np.nan),
        p=_full(stats.mask, p, np.nan),
        significant=_full(stats.mask, significant, False),
        method=TWO_SIDED,
        threshold_p=critical,
    )


def pooled_one_sided(maps: Sequence[PixelStats], q: float = FDR_Q) -> list[GroupResult]:
    """emBODY's test over a set of maps (embody_stats.m; Nummenmaa et al. 2014): per map and
    pixel a one-sample t-test with the one-sided p-value p = 1 - F_t(t; n - 1) (upper tail,
    "activation above 0"; SciPy's ttest_1samp(..., alternative="greater")), then ONE
    Benjamini-Hochberg correction over the finite p-values of all the maps together.

    - Pixels where every map is 0: NaN, left out of the family, as in emBODY.
    - Unanimous pixels (everyone the same non-zero value, t = +-Inf): left out of the family as
      emBODY does, and significant (p = 0 in their direction): an infinite t passes emBODY's
      t threshold. Their p is 0 for t = +Inf and 1 for t = -Inf (the upper tail).
    - emBODY turns the critical p into a t threshold, t_crit = F_t^-1(1 - p_crit), and shows
      both activation (t >= t_crit) and deactivation (t <= -t_crit). With possibly different
      n per map we apply it as p: a pixel is significant when its upper-tail p <= p_crit (the
      BH discoveries) or its lower-tail p <= p_crit (the mirror image below 0).
    Returns one GroupResult per map, in order; threshold_p is the pooled critical p.
    """
    ts = [t_values(s) for s in maps]
    ps = [special.stdtr(s.n - 1, -t) for s, t in zip(maps, ts, strict=True)]  # upper tail
    family = [np.where(np.isfinite(t), p, np.nan) for t, p in zip(ts, ps, strict=True)]
    critical = _bh_critical(np.concatenate(family), q) if family else None
    results = []
    for stats, t, p in zip(maps, ts, ps, strict=True):
        lower = special.stdtr(stats.n - 1, t)
        if critical is None:
            significant = np.isinf(t)
        else:
            significant = np.isinf(t) | (p <= critical) | (lower <= critical)
        results.append(
            GroupResult(
                n=stats.n,
                mean=_full(stats.mask, stats.mean, np.nan),
                t=_full(stats.mask, t, np.nan),
                p=_full(stats.mask, p, np.nan),
                significant=_full(stats.mask, significant & ~np.isnan(t), False),
                method=EMBODY,
                threshold_p=critical,
            )
        )
    return results


def group_tests(maps: Sequence[PixelStats], method: str, q: float = FDR_Q) -> list[GroupResult]:
    """The named method over a set of maps: TWO_SIDED tests and corrects each map on its own;
    EMBODY pools one correction over all of them (pooled_one_sided)."""
    if method == EMBODY:
        return pooled_one_sided(maps, q)
    if method == TWO_SIDED:
        return [two_sided(s, q) for s in maps]
    raise ValueError(f"unknown method {method!r}")


def one_sample_t(stack: np.ndarray, mask: np.ndarray, q: float = FDR_Q) -> GroupResult:
    """Per-pixel two-sided one-sample t-test of the mean against 0 across people, inside the
    mask, with Benjamini-Hochberg over the map (see two_sided for the family).
    stack: shape (n, H, W), n >= 2 (e.g. signed maps of n people)."""
    return two_sided(pixel_stats(stack, mask), q)


class Moments:
    """Running per-pixel sums for a one-sample t-test over many maps without holding them all:
    n, sum of x and sum of x^2, shape (H, W). Memory: two maps, whatever n is.

    With integer=True, add() takes integer maps (e.g. stored levels, stronger - weaker in
    units of 1/scale) and the sums are exact int64, so zero variance is detected exactly and
    there is no floating-point cancellation; values are divided by `scale` in stats().
    """

    def __init__(self, shape: tuple[int, ...], *, integer: bool = False, scale: float = 1.0):
        self.n = 0
        self.integer = integer
        self.scale = scale
        dtype = np.int64 if integer else np.float64
        self.s1 = np.zeros(shape, dtype=dtype)
        self.s2 = np.zeros(shape, dtype=dtype)

    def add(self, values: np.ndarray) -> None:
        self.n += 1
        if self.integer:
            v = values.astype(np.int32, copy=False)
            np.add(self.s1, v, out=self.s1, casting="unsafe")
            np.add(self.s2, v * v, out=self.s2, casting="unsafe")
        else:
            v = values.astype(np.float64, copy=False)
            self.s1 += v
            self.s2 += v * v

    def stats(self, mask: np.ndarray) -> PixelStats:
        """Mean and sd inside the mask from the sums: variance = (n s2 - s1^2) / (n (n-1)).
        In float mode, variances within 1e-12 of zero relative to s2/n count as zero."""
        n = self.n
        if n < 2:
            raise ValueError("a t-test needs at least two maps")
        s1, s2 = self.s1[mask], self.s2[mask]
        if self.integer:
            numerator = (n * s2 - s1 * s1).astype(np.float64)  # exact in int64
            var = numerator / (n * (n - 1)) / self.scale**2
        else:
            var = np.maximum(n * s2 - s1 * s1, 0.0) / (n * (n - 1))
            var = np.where(var <= 1e-12 * np.maximum(s2 / n, 1e-300), 0.0, var)
        return PixelStats(n, s1 / (n * self.scale), np.sqrt(var), mask)

    def t_test(self, mask: np.ndarray, q: float = FDR_Q) -> GroupResult:
        """The same test as one_sample_t (two-sided, per map), from the sums."""
        return two_sided(self.stats(mask), q)


def paired_t(
    before: np.ndarray, after: np.ndarray, mask: np.ndarray, q: float = FDR_Q
) -> GroupResult:
    """Per-pixel paired t-test (after - before) across people: a one-sample test of the
    differences. before, after: shape (n, H, W), same people in the same order."""
    return one_sample_t(after.astype(np.float64) - before.astype(np.float64), mask, q)


def proportions(flags: Sequence[Sequence[bool]]) -> np.ndarray:
    """Share of people (rows) for whom each region (column) is painted. Shape (regions,)."""
    arr = np.asarray(flags, dtype=bool)
    return arr.mean(axis=0) if len(arr) else np.zeros(arr.shape[1:] if arr.ndim > 1 else 0)


def summarise(painting: np.ndarray, body_shape: str) -> dict[str, object]:
    """Statistics of one rasterised painting (shape (views, 2 layers, H, W)), as JSON-ready
    data.

    {"raster_version", "units", "views": {view: {layer: {"coverage", "mean", "total"}}},
     "regions": {code: {"stronger": mean, "stronger_cov": coverage, "weaker", "weaker_cov"}}}
    Coverage is 0-1 of the view's body pixels (or of the region's pixels). On CHOIR outlines
    ("units": "share") values are 0-1, mean is 0-1 and total is in pixel units; zones overlap
    CHOIR regions, each computed over its own pixels. On emBODY's outline ("units": "embody")
    values are emBODY's blurred point counts, a pixel counts as painted from
    embody.PAINTED_THRESHOLD, and there are no regions (CHOIR's do not apply).
    """
    on_embody = body_shape == embody.EMBODY_SHAPE
    threshold = embody.PAINTED_THRESHOLD if on_embody else PAINTED_THRESHOLD
    digits = 8 if on_embody else 5  # emBODY's values are small: a point peaks at 0.0067
    views: dict[str, dict[str, dict[str, float]]] = {}
    regions: dict[str, dict[str, float]] = {}
    for v, view in enumerate(views_of(body_shape)):
        body = body_indices(body_shape, view)
        flat = [painting[v, k].ravel() for k in range(len(LAYERS))]
        views[view] = {}
        for k, layer in enumerate(LAYERS):
            values = flat[k][body]
            share = float(painted(values, threshold).mean()) if body.size else 0.0
            views[view][layer] = {
                "coverage": round(share, 5),
                "mean": round(float(values.sum(dtype=np.float64) / max(body.size, 1)), digits),
                "total": round(float(values.sum(dtype=np.float64)), digits - 3),
            }
        if on_embody:
            continue
        codes = CHOIR_CODES[view]
        labels = label_image(body_shape, view)
        per_layer = [region_table(painting[v, k], labels, len(codes)) for k in range(2)]
        for i, code in enumerate(codes):
            regions[code] = {
                "stronger": round(float(per_layer[0][0][i]), 4),
                "stronger_cov": round(float(per_layer[0][1][i]), 4),
                "weaker": round(float(per_layer[1][0][i]), 4),
                "weaker_cov": round(float(per_layer[1][1][i]), 4),
            }
        for code, index in zone_indices(body_shape, view).items():
            s_values, w_values = flat[0][index], flat[1][index]
            size = max(index.size, 1)
            regions[code] = {
                "stronger": round(float(s_values.sum(dtype=np.float64) / size), 4),
                "stronger_cov": round(float(painted(s_values).sum() / size), 4),
                "weaker": round(float(w_values.sum(dtype=np.float64) / size), 4),
                "weaker_cov": round(float(painted(w_values).sum() / size), 4),
            }
    return {
        "raster_version": embody.RASTER_VERSION if on_embody else RASTER_VERSION,
        "units": "embody" if on_embody else "share",
        "views": views,
        "regions": regions,
    }
