"""Numbers from body maps. Pure NumPy/SciPy, no Django.

Maps are float arrays of values 0-1 on the raster grid (see raster.py): one layer is shape
(580, 290); a painting is shape (2 views, 2 layers, 580, 290). Masks are boolean, same grid.

Methods follow emBODY (Nummenmaa, Glerean, Hari & Hietanen 2014, PNAS 111:646): signed map
= activation (stronger) - deactivation (weaker); per-pixel one-sample t-test across people
inside the body mask; Benjamini-Hochberg false discovery rate at q = .05 (Benjamini &
Hochberg 1995, J R Stat Soc B 57:289); non-significant pixels shown neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from somatrace.bodymaps.atlas import CHOIR_CODES, VIEWS
from somatrace.bodymaps.raster import (
    LAYERS,
    PAINTED_THRESHOLD,
    RASTER_VERSION,
    body_indices,
    label_image,
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


@dataclass(frozen=True)
class GroupResult:
    """Per-pixel group statistics (shape (H, W) each); NaN outside the mask."""

    n: int
    mean: np.ndarray
    t: np.ndarray
    p: np.ndarray
    significant: np.ndarray  # bool: BH-FDR significant at q


def one_sample_t(stack: np.ndarray, mask: np.ndarray, q: float = FDR_Q) -> GroupResult:
    """Per-pixel one-sample t-test of the mean against 0 across people, inside the mask.

    stack: shape (n, H, W), n >= 2 (e.g. signed maps of n people). Two-sided p-values from
    Student's t with n - 1 degrees of freedom. Pixels with zero variance cannot be tested:
    t = 0, p = 1 where every map is 0 there; t = p = NaN where all share one non-zero value.
    Then Benjamini-Hochberg over the mask's pixels (NaN p-values are left out).
    """
    n = stack.shape[0]
    if n < 2:
        raise ValueError("a t-test needs at least two maps")
    values = stack[:, mask].astype(np.float64)  # (n, k)
    return _t_result(n, values.mean(axis=0), values.std(axis=0, ddof=1), mask, q)


class Moments:
    """Running per-pixel sums for a one-sample t-test over many maps without holding them all:
    n, sum of x and sum of x^2, shape (H, W). Memory: two maps, whatever n is.

    With integer=True, add() takes integer maps (e.g. stored levels, stronger - weaker in
    units of 1/scale) and the sums are exact int64, so zero variance is detected exactly and
    there is no floating-point cancellation; values are divided by `scale` in t_test().
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

    def t_test(self, mask: np.ndarray, q: float = FDR_Q) -> GroupResult:
        """The same test as one_sample_t, from the sums: variance = (n s2 - s1^2) / (n (n-1)).
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
        mean = s1 / (n * self.scale)
        return _t_result(n, mean, np.sqrt(var), mask, q)


def _t_result(n: int, mean: np.ndarray, sd: np.ndarray, mask: np.ndarray, q: float) -> GroupResult:
    with np.errstate(invalid="ignore", divide="ignore"):
        t = mean / (sd / np.sqrt(n))
    t = np.where((sd == 0) & (mean == 0), 0.0, t)
    t = np.where((sd == 0) & (mean != 0), np.nan, t)
    p = 2.0 * special.stdtr(n - 1, -np.abs(t))
    significant, _ = benjamini_hochberg(p, q)

    def full(values_k: np.ndarray, fill: float | bool) -> np.ndarray:
        out = np.full(mask.shape, fill, dtype=np.asarray(values_k).dtype)
        out[mask] = values_k
        return out

    return GroupResult(
        n=n,
        mean=full(mean, np.nan),
        t=full(t, np.nan),
        p=full(p, np.nan),
        significant=full(significant, False),
    )


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
    """Statistics of one rasterised painting (shape (2, 2, H, W)), as JSON-ready data.

    {"raster_version", "views": {view: {layer: {"coverage", "mean", "total"}}},
     "regions": {code: {"stronger": mean, "stronger_cov": coverage, "weaker", "weaker_cov"}}}
    Coverage and mean are 0-1 of the view's body pixels (or of the region's pixels); total is
    in pixel units. Zones overlap CHOIR regions; each is computed over its own pixels.
    """
    views: dict[str, dict[str, dict[str, float]]] = {}
    regions: dict[str, dict[str, float]] = {}
    for v, view in enumerate(VIEWS):
        body = body_indices(body_shape, view)
        flat = [painting[v, k].ravel() for k in range(len(LAYERS))]
        views[view] = {}
        for k, layer in enumerate(LAYERS):
            values = flat[k][body]
            views[view][layer] = {
                "coverage": round(float(painted(values).mean()) if body.size else 0.0, 5),
                "mean": round(float(values.sum(dtype=np.float64) / max(body.size, 1)), 5),
                "total": round(float(values.sum(dtype=np.float64)), 2),
            }
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
    return {"raster_version": RASTER_VERSION, "views": views, "regions": regions}
