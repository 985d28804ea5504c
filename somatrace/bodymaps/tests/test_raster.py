"""Rasterisation against hand-computed cases and a pure-Python reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from somatrace.bodymaps import raster
from somatrace.bodymaps.atlas import HEIGHT, WIDTH


def stroke(points, *, view="front", layer="stronger", radius=10.0, mode="paint"):
    return {"view": view, "layer": layer, "radius": radius, "mode": mode, "points": points}


def at(x_units: float, y_units: float, pressure: float = 1.0, t: int = 0) -> list[float]:
    return [x_units / WIDTH, y_units / HEIGHT, pressure, t]


def test_a_single_dab_covers_pi_r_squared_pixels() -> None:
    # One dab of radius 10 on the chest (well inside the body): pi * 10**2 = 314.16 pixels.
    # On the integer lattice the count of points with i**2 + j**2 <= 100 is 317 (Gauss circle
    # problem: N(10) = 317), i.e. within 1 % of pi r^2.
    m = raster.rasterise([stroke([at(145.5, 150.5)])], "female")
    front_stronger = m[0, 0]
    assert int((front_stronger > 0).sum()) == 317
    assert abs((front_stronger > 0).sum() - math.pi * 100) / (math.pi * 100) < 0.01
    assert front_stronger.max() == 1.0  # pressure 1 -> value 1
    assert m[0, 1].sum() == 0 and m[1].sum() == 0  # nothing on other layers or views


def test_pressure_sets_the_dab_value() -> None:
    # value = floor + (1 - floor) * pressure = 0.3 + 0.7 * 0.5 = 0.65
    m = raster.rasterise([stroke([at(145.5, 150.5, pressure=0.5)])], "female")
    assert m[0, 0].max() == pytest.approx(0.65)


def test_a_line_covers_a_capsule() -> None:
    # Horizontal line of length 40 px, radius 5 on the abdomen: capsule area
    # = 2 r L + pi r^2 = 2*5*40 + 78.5 = 478.5 px; the lattice count is within ~5 %.
    m = raster.rasterise([stroke([at(125.5, 230.5), at(165.5, 230.5)], radius=5)], "female")
    area = int((m[0, 0] > 0).sum())
    assert abs(area - 478.5) / 478.5 < 0.05


def test_eraser_removes_what_was_painted_under_it() -> None:
    painted = stroke([at(145.5, 150.5)], radius=10)
    erased = stroke([at(145.5, 150.5)], radius=10, mode="erase")
    m = raster.rasterise([painted, erased], "female")
    assert m.sum() == 0


def test_paint_outside_the_body_is_masked() -> None:
    m = raster.rasterise([stroke([at(5, 5)])], "female")  # the top-left corner is background
    assert m.sum() == 0


def test_region_entry_fills_the_region_at_intensity_over_five() -> None:
    m = raster.rasterise(
        [],
        "female",
        [{"view": "back", "layer": "weaker", "region": "b_shoulder_l", "intensity": 3}],
    )
    mask = raster.region_mask("female", "back", "b_shoulder_l")
    assert np.allclose(m[1, 1][mask], 0.6)  # 3 / 5
    assert m[1, 1][~mask].sum() == 0


def test_vectorised_raster_equals_the_reference_loop() -> None:
    rng = np.random.default_rng(7)
    strokes = []
    for k in range(6):
        xs = np.clip(0.5 + np.cumsum(rng.normal(0, 0.02, 30)), 0, 1)
        ys = np.clip(0.4 + np.cumsum(rng.normal(0, 0.02, 30)), 0, 1)
        ps = rng.uniform(0, 1, 30)
        strokes.append(
            {
                "view": ("front", "back")[k % 2],
                "layer": ("stronger", "weaker")[(k // 2) % 2],
                "radius": (3.0, 7.5, 20.0)[k % 3],
                "mode": "erase" if k == 5 else "paint",
                "points": [
                    [x, y, p, i] for i, (x, y, p) in enumerate(zip(xs, ys, ps, strict=True))
                ],
            }
        )
    fast = raster.rasterise(strokes, "male")
    slow = raster.rasterise_reference(strokes, "male")
    assert np.allclose(fast, slow)
    assert (fast > 0).sum() > 1000


def test_dab_spacing_is_at_most_half_the_radius() -> None:
    pts = np.array([[0.0, 0.0, 1.0], [100.0, 0.0, 1.0]])
    dabs = raster.dab_centres(pts, radius=8)
    gaps = np.diff(dabs[:, 0])
    assert gaps.max() <= 4.0 + 1e-9
    assert dabs[0, 0] == 0 and dabs[-1, 0] == 100


def test_pack_round_trips_within_quantisation() -> None:
    m = raster.rasterise(
        [
            stroke([at(145.5, 150.5, pressure=0.37)]),
            stroke([at(120, 300)], view="back", layer="weaker"),
        ],
        "female",
    )
    data = raster.pack(m)
    assert len(data) < 10_000  # mostly zeros: a few kB
    back = raster.unpack(data)
    assert back.shape == m.shape and back.dtype == np.float32
    assert np.abs(back - m).max() <= 1 / 510 + 1e-7
    with pytest.raises(ValueError):
        raster.pack(np.zeros((2, 2, 10, 10)))
