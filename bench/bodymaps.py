"""Body-map speed: rasterising one painting, and a 500-painting group map, each against a
straightforward reference implementation measured in the same run.

    .venv/bin/python bench/bodymaps.py [--paintings 500] [--repeats 20]

Targets (issue 4): one painting under 20 ms; a 500-painting group map under 2 s.
Target (issue 10): the oversized painting of the report (4 strokes of 5 000 points scattered
over the view, brush 40) validated and rasterised in well under 2 s of worker time.
- Painting: a synthetic but busy painting (40 strokes, ~6 000 points, brush radius 3-20,
  both views and layers, some pen pressure, one erase) through raster.rasterise, against
  raster.rasterise_reference (pure-Python loop over dabs and pixels); results must be equal.
- Group map: 500 stored paintings (raster.pack) -> stored levels -> stronger - weaker ->
  exact integer moments -> per-pixel t-test + BH-FDR on both views (analysis.Moments),
  i.e. what the research view does, against scipy.stats.ttest_1samp on the full stack of
  the same maps + SciPy's BH (scipy.stats.false_discovery_control) over emBODY's family
  (never-painted pixels left out, unanimous ones significant); the significant pixels
  must agree.
- Oversized painting: payload.validate + raster.rasterise (each stroke drawn the cheaper way,
  long ones as a dilation within their box) with tracemalloc's peak, against stamping a disc
  at every dab as before issue 10 (raster._stamp, now chunked so the reference itself does not
  need 4 GB); results must be equal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from somatrace.bodymaps import analysis, payload, raster
from somatrace.bodymaps.atlas import VIEWS


def busy_painting(rng: np.random.Generator, strokes: int = 40, points: int = 150) -> list[dict]:
    result = []
    for k in range(strokes):
        xs = np.clip(0.5 + np.cumsum(rng.normal(0, 0.006, points)) + rng.normal(0, 0.1), 0, 1)
        ys = np.clip(0.1 + 0.8 * rng.random() + np.cumsum(rng.normal(0, 0.006, points)), 0, 1)
        pressure = rng.uniform(0.2, 1, points) if k % 4 == 0 else np.ones(points)
        result.append(
            {
                "view": VIEWS[k % 2],
                "layer": raster.LAYERS[(k // 2) % 2],
                "mode": "erase" if k == strokes - 1 else "paint",
                "radius": float((3, 6, 10, 20)[k % 4]),
                "points": [
                    [float(x), float(y), float(p), 8 * i]
                    for i, (x, y, p) in enumerate(zip(xs, ys, pressure, strict=True))
                ],
            }
        )
    return result


def timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paintings", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    shape = "female"
    raster.label_image(shape, "front"), raster.label_image(shape, "back")  # masks cached once

    painting = busy_painting(rng)
    n_points = sum(len(s["points"]) for s in painting)
    fast_ms, fast = timed(lambda: raster.rasterise(painting, shape), args.repeats)
    slow_ms, slow = timed(lambda: raster.rasterise_reference(painting, shape), 1)
    assert np.allclose(fast, slow), "vectorised and reference rasters differ"
    print(f"rasterise one painting ({len(painting)} strokes, {n_points} points)")
    print(f"  vectorised {fast_ms:8.2f} ms (median of {args.repeats})   target < 20 ms")
    print(f"  reference  {slow_ms:8.2f} ms   ratio {slow_ms / fast_ms:6.1f}x faster")

    # 500 stored paintings: smaller, like real ones (8 strokes), a shared tendency on the chest.
    stored = []
    for _k in range(args.paintings):
        strokes = busy_painting(rng, strokes=8, points=60)
        strokes.append(
            {"view": "front", "layer": "stronger", "mode": "paint", "radius": 14.0,
             "points": [[0.42, 0.26, float(rng.uniform(0.3, 1)), 0], [0.55, 0.26, 1.0, 50]]}
        )  # fmt: skip
        stored.append(raster.pack(raster.rasterise(strokes, shape)))
    masks = [raster.body_mask(shape, v) for v in VIEWS]

    def group_map() -> list[analysis.GroupResult]:
        moments = [
            analysis.Moments(raster.GRID, integer=True, scale=raster.PACK_LEVELS) for _ in VIEWS
        ]
        for blob in stored:
            levels = raster.unpack_levels(blob)
            for v in range(len(VIEWS)):
                moments[v].add(levels[v, 0].astype(np.int16) - levels[v, 1])
        return [moments[v].t_test(masks[v]) for v in range(len(VIEWS))]

    def reference() -> list[np.ndarray]:
        from scipy import stats

        grids = np.stack([raster.unpack(blob) for blob in stored])
        out = []
        for v in range(len(VIEWS)):
            values = (grids[:, v, 0] - grids[:, v, 1])[:, masks[v]].astype(np.float64)
            test = stats.ttest_1samp(values, 0.0, axis=0)
            # emBODY's family: pixels nobody painted (t NaN) left out; unanimous pixels
            # (t +-Inf) significant and outside the family.
            tested = np.isfinite(test.statistic)
            significant = np.isinf(test.statistic)
            adjusted = stats.false_discovery_control(test.pvalue[tested], method="bh")
            significant[tested] = adjusted <= analysis.FDR_Q
            out.append(significant)
        return out

    group_ms, result = timed(group_map, 3)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_ms, expected = timed(reference, 1)
    agree = np.mean(
        [(r.significant[m] == e).mean() for r, m, e in zip(result, masks, expected, strict=True)]
    )
    print(f"group map over {args.paintings} stored paintings (t-test + BH-FDR, both views)")
    print(f"  streaming  {group_ms:8.1f} ms (median of 3)   target < 2000 ms")
    print(
        f"  reference  {ref_ms:8.1f} ms (scipy on the full stack)   ratio {ref_ms / group_ms:5.2f}x"
    )
    print(f"  significant pixels agree: {agree * 100:.3f} %")


def oversized() -> None:
    """The report of issue 10: 4 strokes x 5 000 scattered points, brush 40."""
    rng = np.random.default_rng(10)
    shape = "female"
    strokes = [
        {"view": "front", "layer": "stronger", "mode": "paint", "radius": 40.0,
         "points": [[float(x), float(y), 1.0, i] for i, (x, y) in enumerate(rng.random((5000, 2)))]}
        for _ in range(4)
    ]  # fmt: skip
    data = {"atlas_version": "choir-1", "body_shape": shape, "strokes": strokes}
    tracemalloc.start()
    start = time.process_time()
    clean = payload.validate(data)
    grid = raster.rasterise(clean.strokes, shape)
    fast_s = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    def stamped() -> np.ndarray:
        work = np.zeros((len(VIEWS), len(raster.LAYERS), *raster._PADDED), dtype=np.float32)
        for s in strokes:
            dabs = raster.dab_centres(raster.stroke_values(s), 40.0)
            raster._stamp(work[0, 0], dabs, 40.0, erase=False)
        out = work[:, :, raster.PAD : -raster.PAD, raster.PAD : -raster.PAD].copy()
        for v, view in enumerate(VIEWS):
            out[v] *= raster.body_mask(shape, view)
        return out

    start = time.process_time()
    expected = stamped()
    slow_s = time.process_time() - start
    assert np.array_equal(grid, expected), "dilated and stamped rasters differ"
    work = raster.painting_work(strokes)
    print("oversized painting (4 strokes x 5 000 scattered points, brush 40), CPU time")
    print(f"  validate + rasterise {fast_s:6.2f} s, peak {peak / 1e6:5.0f} MB   target < 2 s")
    print(
        f"  work {work / 1e6:.0f} M pixel operations of a budget of {raster.MAX_WORK / 1e6:.0f} M"
    )
    print(f"  stamping every dab  {slow_s:6.2f} s   ratio {slow_s / fast_s:6.1f}x faster")


if __name__ == "__main__":
    oversized()
    main()
