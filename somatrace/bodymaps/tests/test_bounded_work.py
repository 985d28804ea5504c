"""Bounded work for body maps (issue 10): a painting within the payload limits cannot make a
worker allocate gigabytes or spin for seconds. Strokes of far-apart points with a large brush
are drawn as a dilation within their bounding box (the same raster), and a painting whose
strokes would still need more than raster.MAX_WORK pixel operations is refused by name."""

from __future__ import annotations

import itertools
import json
import math
import tracemalloc

import numpy as np
import pytest

from somatrace.bodymaps import raster
from somatrace.bodymaps.atlas import HEIGHT, VIEWS, WIDTH
from somatrace.bodymaps.models import Painting
from somatrace.bodymaps.payload import PayloadError, validate
from somatrace.bodymaps.testing import payload


def scattered(rng, n, *, radius, view="front", layer="stronger", mode="paint", pressure=False):
    """A stroke of n points scattered at random over the view (not a smooth line)."""
    xy = rng.random((n, 2))
    ps = rng.uniform(0, 1, n) if pressure else np.ones(n)
    return {
        "view": view,
        "layer": layer,
        "mode": mode,
        "radius": radius,
        "points": [
            [float(x), float(y), float(p), i]
            for i, ((x, y), p) in enumerate(zip(xy, ps, strict=True))
        ],
    }


def brute_force(strokes, body_shape):
    """The raster model of raster.py's docstring, pixel by pixel, in plain Python.

    Dabs every step = max(r / 2, 0.5) of arc length (n = ceil(length / step) equal parts,
    both ends included; one dab for a single point), the value interpolated along the line;
    a dab at (x, y) covers the pixels (i, j) with (i - floor(y))^2 + (j - floor(x))^2 <= r^2;
    paint keeps the maximum, erase sets 0; then the body silhouette masks it.
    """
    out = np.zeros((2, 2, HEIGHT, WIDTH), dtype=np.float32)
    for s in strokes:
        r = s["radius"]
        pts = [(x * WIDTH, y * HEIGHT, 0.3 + 0.7 * p) for x, y, p, _ in s["points"]]
        lengths = [math.dist(a[:2], b[:2]) for a, b in itertools.pairwise(pts)]
        total = sum(lengths)
        n = math.ceil(total / max(r / 2, 0.5))
        if len(pts) == 1:
            dabs = pts
        elif n == 0:
            dabs = [pts[0], pts[-1]]
        else:
            dabs = []
            for k in range(n + 1):
                target, start = total * k / n, 0.0
                for (a, b), length in zip(itertools.pairwise(pts), lengths, strict=True):
                    if target <= start + length or (a, b) == (pts[-2], pts[-1]):
                        f = (target - start) / length if length else 0.0
                        f = min(max(f, 0.0), 1.0)
                        dabs.append(tuple(a[c] + (b[c] - a[c]) * f for c in range(3)))
                        break
                    start += length
        layer = out[VIEWS.index(s["view"]), raster.LAYERS.index(s["layer"])]
        span = math.ceil(r)
        for x, y, value in dabs:
            ci, cj = math.floor(y), math.floor(x)
            for i in range(max(ci - span, 0), min(ci + span + 1, HEIGHT)):
                for j in range(max(cj - span, 0), min(cj + span + 1, WIDTH)):
                    if (i - ci) ** 2 + (j - cj) ** 2 <= r * r:
                        if s["mode"] == "erase":
                            layer[i, j] = 0.0
                        else:
                            layer[i, j] = max(layer[i, j], np.float32(value))
    for v, view in enumerate(VIEWS):
        out[v] *= raster.body_mask(body_shape, view)
    return out


def drawn(strokes, body_shape, how):
    """Rasterise with every stroke drawn one way: "stamp" or "dilate" (raster.py's two)."""
    work = np.zeros((2, 2, *raster._PADDED), dtype=np.float32)
    for s in strokes:
        v, lay = VIEWS.index(s["view"]), raster.LAYERS.index(s["layer"])
        points, radius = raster.stroke_values(s), float(s["radius"])
        erase = s["mode"] == "erase"
        if how == "stamp":
            raster._stamp(work[v, lay], raster.dab_centres(points, radius), radius, erase)
        else:
            raster._dilate(work[v, lay], points, radius, erase)
    out = work[:, :, raster.PAD : -raster.PAD, raster.PAD : -raster.PAD].copy()
    for v, view in enumerate(VIEWS):
        out[v] *= raster.body_mask(body_shape, view)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_ways_of_drawing_equal_a_brute_force_reference_on_small_random_strokes(
    seed,
) -> None:
    rng = np.random.default_rng(seed)
    strokes = [
        scattered(rng, 4, radius=float(rng.uniform(2, 40)), pressure=True),
        scattered(rng, 3, radius=float(rng.uniform(2, 40)), layer="weaker"),
        scattered(rng, 1, radius=float(rng.uniform(2, 40)), view="back"),
        scattered(rng, 3, radius=float(rng.uniform(2, 15)), mode="erase"),
        scattered(rng, 5, radius=float(rng.uniform(20, 40)), pressure=True),
    ]
    expected = brute_force(strokes, "female")
    assert (expected > 0).sum() > 5000
    for how in ("stamp", "dilate"):
        assert np.array_equal(drawn(strokes, "female", how), expected), how
    assert np.array_equal(raster.rasterise(strokes, "female"), expected)


def reported_painting() -> list[dict]:
    """The report: 4 strokes of 5 000 points scattered over the canvas, brush 40."""
    rng = np.random.default_rng(10)
    return [scattered(rng, 5000, radius=40.0) for _ in range(4)]


def test_the_reported_painting_is_drawn_within_the_budget_and_small_memory() -> None:
    strokes = reported_painting()
    # Stamping every dab: ~60 000 dabs a stroke (points ~250 px apart, one dab every 20 px),
    # each a disc of 5 025 pixels: over a billion pixel writes and 2-4 GB of indices.
    dabs = sum(len(raster.dab_centres(raster.stroke_values(s), 40.0)) for s in strokes)
    assert dabs > 200_000
    assert dabs * len(raster._flat_offsets(40.0)) > 1_000_000_000
    assert raster.painting_work(strokes) <= raster.MAX_WORK
    raster.body_mask("female", "front")  # cached outside the measurement
    tracemalloc.start()
    try:
        grid = raster.rasterise(strokes, "female")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 150_000_000  # 3.8 GB before
    # 20 000 dabs of radius 40 scattered over a 290 x 580 view leave no body pixel unpainted.
    body = raster.body_mask("female", "front")
    assert (grid[0, 0][body] == 1.0).all()
    assert grid[0, 1].sum() == 0 and grid[1].sum() == 0


def test_a_long_zigzag_with_the_smallest_brush_keeps_its_memory_bounded() -> None:
    # 20 000 points from corner to corner with radius 2: 20 000 x 648 px = 13 million dabs,
    # one every pixel. They are made and drawn in chunks, never all at once (312 MB).
    points = [[float(i % 2), float(i % 2), 1.0, i] for i in range(20_000)]
    strokes = [
        {"view": "back", "layer": "weaker", "mode": "paint", "radius": 2.0, "points": points}
    ]
    raster.body_mask("female", "back")
    tracemalloc.start()
    try:
        grid = raster.rasterise(strokes, "female")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000_000
    # The diagonal itself is painted wherever it crosses the body.
    assert grid[1, 1].sum() > 0 and grid[0].sum() == 0


def over_budget() -> dict:
    """2 000 strokes (the most allowed) of 10 scattered points with brush 40: each stroke is
    ~110 dabs x 5 025 pixels = ~0.55 million pixel writes, ~1 100 million together."""
    rng = np.random.default_rng(11)
    return payload(strokes=[scattered(rng, 10, radius=40.0) for _ in range(2000)])


def test_a_painting_beyond_the_work_budget_is_refused_naming_the_limit() -> None:
    with pytest.raises(PayloadError) as refused:
        validate(over_budget())
    message = str(refused.value)
    assert "too much to draw" in message
    assert f"at most {raster.MAX_WORK // 1_000_000} million" in message


def test_the_reported_painting_is_saved_and_the_over_budget_one_refused(
    login, practitioner, client_record
) -> None:
    browser = login(practitioner)
    url = f"/bodymaps/clients/{client_record.pk}/paint/"
    body = json.dumps(payload(strokes=reported_painting()))
    assert len(body) < 2_000_000
    saved = browser.post(url, body, content_type="application/json")
    assert saved.status_code == 201
    refused = browser.post(url, json.dumps(over_budget()), content_type="application/json")
    assert refused.status_code == 400
    assert f"at most {raster.MAX_WORK // 1_000_000} million" in refused.json()["error"]
    assert Painting.objects.count() == 1
