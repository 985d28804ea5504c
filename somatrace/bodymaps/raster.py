"""Strokes -> a fixed raster grid per view. Pure NumPy (+ Pillow for polygon masks), no Django.

The canonical record of a painting is its strokes; this module turns them into numbers with
versioned parameters, so that a painting keeps meaning the same thing when the UI changes.

Grid: one pixel per atlas unit, HEIGHT x WIDTH = 580 x 290 per view, pixel (i, j) has its
centre at atlas (x, y) = (j + 0.5, i + 0.5). A map is a float32 array of shape
(2 views, 2 layers, 580, 290): views ("front", "back"), layers ("stronger", "weaker"),
values 0-1.

Painting model (RASTER_VERSION "r1"):
- A stroke is a list of points (x, y normalised 0-1 to the view, pressure 0-1, t ms), a
  layer, a brush radius in atlas units and a mode ("paint" or "erase").
- Dabs are placed at every point and along each segment every DAB_SPACING x radius (<= r/2).
- A dab is a hard disc of the stroke's radius: pixels whose centre is within r of the dab
  centre. Its value is PRESSURE_FLOOR + (1 - PRESSURE_FLOOR) x pressure; a device without real
  pressure sends 1. Overlapping dabs keep the maximum (painting over a spot twice does not
  make it "more"); an erase dab sets the layer to 0.
- Region entries (the keyboard / list alternative) fill a region's polygon with
  intensity / 5 (intensity 1-5), before the strokes, so an eraser can remove them.
- No Gaussian blur (GAUSSIAN_SIGMA = 0): the brush edge is what the person drew. emBODY blurs
  with sigma ~5 px because its strokes are single points; ours have a radius.
- Everything is clipped to 0-1 and masked by the body silhouette (union of CHOIR polygons).

Drawing (not part of the model: both ways give the same raster): each stroke is drawn the
cheaper way, stamping a disc at every dab, or, for long strokes of far-apart points with a
large brush, a running maximum of the dab centres over the disc's rows within the stroke's
bounding box. `painting_work` counts the pixel operations; payload.py refuses a painting above
MAX_WORK, so no painting within the payload limits holds a worker for long.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from somatrace.bodymaps import embody
from somatrace.bodymaps.atlas import CHOIR_CODES, HEIGHT, VIEWS, WIDTH, ZONE_CODES, polygons

RASTER_VERSION = "r1"
SCALE = 1  # raster pixels per atlas unit
GRID = (HEIGHT * SCALE, WIDTH * SCALE)  # rows, columns per view
LAYERS = ("stronger", "weaker")
LAYER_LABELS = {"stronger": "Stronger / more active", "weaker": "Weaker / less"}
MODES = ("paint", "erase")
MIN_RADIUS = 2.0  # atlas units
MAX_RADIUS = 40.0
DAB_SPACING = 0.5  # fraction of the radius between dabs along a segment (<= r/2)
PRESSURE_FLOOR = 0.3  # value of a dab at zero pressure
GAUSSIAN_SIGMA = 0.0  # no blur, see module docstring
PAINTED_THRESHOLD = 0.05  # a pixel counts as painted above this value (analysis uses it)
REGION_LEVELS = 5  # keyboard entries: intensity 1..5 -> value intensity / 5

PARAMETERS: dict[str, Any] = {
    "raster_version": RASTER_VERSION,
    "grid": GRID,
    "scale": SCALE,
    "radius_range": (MIN_RADIUS, MAX_RADIUS),
    "dab_spacing": DAB_SPACING,
    "pressure_floor": PRESSURE_FLOOR,
    "gaussian_sigma": GAUSSIAN_SIGMA,
    "painted_threshold": PAINTED_THRESHOLD,
}


def empty_map() -> np.ndarray:
    """A blank map, shape (2 views, 2 layers, 580, 290), float32."""
    return np.zeros((len(VIEWS), len(LAYERS), *GRID), dtype=np.float32)


def _polygon_mask(points: Sequence[tuple[float, float]]) -> np.ndarray:
    image = Image.new("1", (GRID[1], GRID[0]), 0)
    ImageDraw.Draw(image).polygon([(x * SCALE, y * SCALE) for x, y in points], fill=1)
    return np.asarray(image, dtype=bool)


@cache
def label_image(body_shape: str, view: str) -> np.ndarray:
    """CHOIR region index per pixel (0 = outside the body, k = CHOIR_CODES[view][k - 1]).

    uint8, shape GRID. Read-only. The CHOIR polygons tile the silhouette; where edges touch,
    the later region wins.
    """
    labels = np.zeros(GRID, dtype=np.uint8)
    shapes = polygons(body_shape, view)
    for index, code in enumerate(CHOIR_CODES[view], start=1):
        labels[_polygon_mask(shapes[code])] = index
    labels.flags.writeable = False
    return labels


@cache
def zone_masks(body_shape: str, view: str) -> dict[str, np.ndarray]:
    """Somatic zone code -> boolean mask (inside the zone ellipse and the silhouette)."""
    body = body_mask(body_shape, view)
    shapes = polygons(body_shape, view)
    masks = {code: _polygon_mask(shapes[code]) & body for code in ZONE_CODES[view]}
    for mask in masks.values():
        mask.flags.writeable = False
    return masks


@cache
def zone_indices(body_shape: str, view: str) -> dict[str, np.ndarray]:
    """Somatic zone code -> flat pixel indices (into a raveled GRID layer), for fast sums."""
    return {code: np.flatnonzero(mask) for code, mask in zone_masks(body_shape, view).items()}


@cache
def body_indices(body_shape: str, view: str) -> np.ndarray:
    """Flat pixel indices of the silhouette."""
    return np.flatnonzero(body_mask(body_shape, view))


def body_mask(body_shape: str, view: str) -> np.ndarray:
    """The silhouette: True inside the union of the CHOIR regions, bool, shape GRID; for
    emBODY maps (body shape embody.EMBODY_SHAPE) the emBODY outline, shape embody.GRID."""
    if body_shape == embody.EMBODY_SHAPE:
        return embody.body_mask()
    return _body_mask(body_shape, view)


def views_of(body_shape: str) -> tuple[str, ...]:
    """The views a body shape has: front and back on CHOIR, the front only on emBODY's."""
    return embody.VIEWS if body_shape == embody.EMBODY_SHAPE else VIEWS


def grid_of(body_shape: str) -> tuple[int, int]:
    """Rows and columns of one view of the body shape's raster."""
    return embody.GRID if body_shape == embody.EMBODY_SHAPE else GRID


@cache
def _body_mask(body_shape: str, view: str) -> np.ndarray:
    mask = label_image(body_shape, view) > 0
    mask.flags.writeable = False
    return mask


def region_mask(body_shape: str, view: str, code: str) -> np.ndarray:
    """Boolean mask of one region (CHOIR region or somatic zone) of the view."""
    if code in ZONE_CODES[view]:
        return zone_masks(body_shape, view)[code]
    return label_image(body_shape, view) == CHOIR_CODES[view].index(code) + 1


@cache
def _disc_offsets(radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixel offsets (drow, dcol) covered by a disc of `radius` atlas units centred on a
    pixel centre. Dab centres are rounded to the nearest pixel centre (<= 0.5 px error)."""
    r = radius * SCALE
    span = int(np.ceil(r))
    rows, cols = np.mgrid[-span : span + 1, -span : span + 1]
    inside = rows * rows + cols * cols <= r * r
    return rows[inside].astype(np.int32), cols[inside].astype(np.int32)


def dab_centres(points: np.ndarray, radius: float) -> np.ndarray:
    """Dab centres along a polyline, evenly spaced by arc length, spacing <= DAB_SPACING x r.

    points: shape (n, 3) of x, y (atlas units) and value 0-1. Returns shape (m, 3): the first
    point, then points every `step` along the line (values interpolated linearly), and the
    last point. Input points closer together than the spacing do not add dabs, so a dense
    stylus stroke costs what its length costs. The discs of consecutive dabs overlap, so the
    whole centre line is covered; a sharp corner between two dabs is rounded by < step/2.
    """
    return np.concatenate(list(_dab_chunks(points, radius)))


PAD = int(np.ceil(MAX_RADIUS * SCALE)) + 2  # border of the working canvas: no bounds checks
_PADDED = (GRID[0] + 2 * PAD, GRID[1] + 2 * PAD)

# Bounded work (issue 10). Stamping a disc at every dab costs dabs x disc area pixel writes:
# a stroke of far-apart points with a large brush has ~10^5 dabs of ~5 000 pixels each. Such a
# stroke is drawn instead as a dilation of its dab centres within its bounding box (the same
# maximum over the same disc, so the same raster), which costs ~(3 r + 2) x box area however
# many dabs there are. What remains proportional to the stroke's length is placing the dabs
# themselves, and the painting as a whole is held to MAX_WORK (payload.py refuses more).
DAB_CHUNK = 262_144  # dab centres made at a time (3 float64 each: ~6 MB)
STAMP_CHUNK = 4_000_000  # pixel indices written at a time when stamping (int64: 32 MB)
MAX_WORK = 100_000_000  # pixel operations per painting, all strokes (stroke_work): ~0.5 s
DAB_WORK = 8  # placing one dab costs about as much as writing 8 pixels


@cache
def _flat_offsets(radius: float) -> np.ndarray:
    drow, dcol = _disc_offsets(radius)
    return (drow * _PADDED[1] + dcol).astype(np.int64)


@cache
def _disc_rows(radius: float) -> tuple[tuple[int, int], ...]:
    """The disc of `radius` as rows: (row offset, half-width), from the same pixel offsets
    as the stamp (_disc_offsets), so both ways of drawing cover the same pixels."""
    drow, dcol = _disc_offsets(radius)
    return tuple((int(k), int(np.abs(dcol[drow == k]).max())) for k in np.unique(drow))


def _path(points: np.ndarray) -> np.ndarray:
    """Cumulative arc length at each point of a polyline, shape (n,), atlas units."""
    seg = np.hypot(*np.diff(points[:, :2], axis=0).T)
    return np.concatenate([[0.0], np.cumsum(seg)])


def _dab_chunks(points: np.ndarray, radius: float, chunk: int = DAB_CHUNK) -> Iterator[np.ndarray]:
    """dab_centres(points, radius) in pieces of at most `chunk` rows (bounded memory)."""
    if len(points) < 2:
        yield points
        return
    along = _path(points)
    total = along[-1]
    n = int(np.ceil(total / max(DAB_SPACING * radius, 0.5)))
    if n == 0:
        yield points[[0, -1]]
        return
    for start in range(0, n + 1, chunk):
        k = np.arange(start, min(start + chunk, n + 1), dtype=np.float64)
        # The targets of np.linspace(0, total, n + 1): k x (total / n), the last one exact.
        targets = k * (total / n)
        if k[-1] == n:
            targets[-1] = total
        yield np.column_stack([np.interp(targets, along, points[:, c]) for c in range(3)])


def _costs(points: np.ndarray, radius: float) -> tuple[int, int, int]:
    """(placing the dabs, stamping them, dilating them) in pixel operations, for a stroke of
    `points` (shape (n, 2 or more), atlas units) drawn with `radius`.

    The unit is one scattered pixel write of the stamp (~4-7 ns on one core of the test
    machine); placing a dab (interpolation, rounding, the centre image) costs ~30 ns, hence
    DAB_WORK; a dilation's contiguous float32 maxima ~1-2 ns each, hence the / 4.
    """
    if len(points) == 0:
        return 0, 0, 0
    if len(points) == 1:
        dabs = 1
    else:
        n = int(np.ceil(_path(points)[-1] / max(DAB_SPACING * radius, 0.5)))
        dabs = 2 if n == 0 else n + 1
    span = int(np.ceil(radius * SCALE))
    rows = int(np.ptp(points[:, 1]) * SCALE) + 2 + 4 * span
    cols = int(np.ptp(points[:, 0]) * SCALE) + 2 + 2 * span
    passes = len(_disc_rows(radius)) + len({half for _, half in _disc_rows(radius)})
    return DAB_WORK * dabs, dabs * len(_flat_offsets(radius)), rows * cols * passes // 4


def stroke_work(points: np.ndarray, radius: float) -> int:
    """Pixel operations `rasterise` spends on one stroke: placing its dabs, then the cheaper
    of stamping a disc at each dab and dilating the dab centres within the stroke's box.

    points: shape (n, 2 or more), x, y in atlas units; radius in atlas units. However many
    dabs a stroke has, drawing them costs at most ~9 million (radius 40 across the whole
    view), plus DAB_WORK per dab.
    """
    place, stamp, dilate = _costs(points, radius)
    return place + min(stamp, dilate)


def painting_work(strokes: Iterable[Mapping[str, Any]]) -> int:
    """Pixel operations `rasterise` spends on these strokes (see stroke_work); at most
    MAX_WORK for a painting the server accepts."""
    return sum(stroke_work(stroke_values(s), float(s["radius"])) for s in strokes)


def _centres(dabs: np.ndarray) -> np.ndarray:
    """Flat indices into the padded layer of the pixels the dab centres fall in."""
    return (np.floor(dabs[:, 1] * SCALE).astype(np.int64) + PAD) * _PADDED[1] + (
        np.floor(dabs[:, 0] * SCALE).astype(np.int64) + PAD
    )


def _stamp(layer: np.ndarray, dabs: np.ndarray, radius: float, erase: bool) -> None:
    """Stamp discs at dab centres into a padded `layer` (shape _PADDED) in place.

    Paint keeps the maximum of what is there and the dab value; erase sets 0. Dab centres
    must lie within PAD - radius of the grid (validated coordinates 0-1 always do).
    """
    if len(dabs) == 0:
        return
    centres = _centres(dabs)
    values = dabs[:, 2].astype(np.float32)
    offsets = _flat_offsets(radius)
    target = layer.reshape(-1)
    per_chunk = max(1, STAMP_CHUNK // len(offsets))
    if erase or values.min() == values.max():
        centres = np.unique(centres)
        for start in range(0, len(centres), per_chunk):
            flat = (centres[start : start + per_chunk, None] + offsets[None, :]).ravel()
            if erase:
                target[flat] = 0.0
            else:
                target[flat] = np.maximum(target[flat], values[0])
        return
    order = np.argsort(values, kind="stable")  # ascending: the last write is the maximum
    stamped = np.zeros_like(target)
    for start in range(0, len(order), per_chunk):
        chunk = order[start : start + per_chunk]
        flat = (centres[chunk][:, None] + offsets[None, :]).ravel()
        stamped[flat] = np.repeat(values[chunk], len(offsets))
    np.maximum(target, stamped, out=target)


def _dilate(layer: np.ndarray, points: np.ndarray, radius: float, erase: bool) -> None:
    """Draw a stroke into a padded `layer` in place as a grey dilation of its dab centres.

    Each pixel takes the largest dab value among the dab centres within the disc around it,
    exactly what stamping gives, but the work is ~(3 r + 2) x the stroke's bounding box
    (float32 maxima, scipy's running maximum along rows) instead of dabs x disc area. The
    dabs are made DAB_CHUNK at a time, so memory stays bounded however long the stroke is.
    points: shape (n, 3), x, y in atlas units and the dab value (stroke_values).
    """
    if len(points) == 0:
        return
    span = int(np.ceil(radius * SCALE))
    # Dabs lie on the polyline's segments: its points' bounding box holds every centre.
    top = int(np.floor(points[:, 1].min() * SCALE)) + PAD - span
    bottom = int(np.floor(points[:, 1].max() * SCALE)) + PAD + span + 1
    left = int(np.floor(points[:, 0].min() * SCALE)) + PAD - span
    right = int(np.floor(points[:, 0].max() * SCALE)) + PAD + span + 1
    box = layer[top:bottom, left:right]
    # Dab values at their centre pixels, the largest where several fall in one pixel; `span`
    # more rows above and below, so that every shifted row below is a plain slice.
    width = right - left
    centres = np.zeros((bottom - top + 2 * span) * width, dtype=np.float32)
    for dabs in _dab_chunks(points, radius):
        i = np.floor(dabs[:, 1] * SCALE).astype(np.int64) + (PAD - top + span)
        j = np.floor(dabs[:, 0] * SCALE).astype(np.int64) + (PAD - left)
        values = dabs[:, 2].astype(np.float32)
        if values.min() == values.max():
            centres[i * width + j] = values[0]
        else:
            np.maximum.at(centres, i * width + j, values)
    grid = centres.reshape(-1, width)
    drawn = np.zeros(box.shape, dtype=np.float32)
    runs: dict[int, np.ndarray] = {}
    for k, half in _disc_rows(radius):
        if half not in runs:
            runs[half] = ndimage.maximum_filter1d(
                grid, size=2 * half + 1, axis=1, mode="constant", cval=0.0
            )
        # Pixel (i, j) is reached by the centres at (i - k, j - half ... j + half).
        np.maximum(drawn, runs[half][span - k : span - k + box.shape[0]], out=drawn)
    if erase:
        box[drawn > 0] = 0.0
    else:
        np.maximum(box, drawn, out=box)


def stroke_values(stroke: Mapping[str, Any]) -> np.ndarray:
    """A stroke's points as shape (n, 3): x, y in atlas units and the dab value 0-1."""
    pts = np.asarray(stroke["points"], dtype=np.float64).reshape(-1, 4)
    values = PRESSURE_FLOOR + (1.0 - PRESSURE_FLOOR) * np.clip(pts[:, 2], 0.0, 1.0)
    return np.column_stack([pts[:, 0] * WIDTH, pts[:, 1] * HEIGHT, values])


def rasterise(
    strokes: Iterable[Mapping[str, Any]],
    body_shape: str,
    regions: Iterable[Mapping[str, Any]] = (),
) -> np.ndarray:
    """Rasterise a painting. Returns shape (2 views, 2 layers, 580, 290), float32, 0-1.

    strokes: {"view", "layer", "mode", "radius" (atlas units), "points": [[x, y, p, t], ...]}
    with x, y in 0-1 of the view, pressure p 0-1, time t in ms (unused here). Validated before.
    regions: {"view", "layer", "region" (code), "intensity" 1-5} keyboard / list entries.
    """
    work = np.zeros((len(VIEWS), len(LAYERS), *_PADDED), dtype=np.float32)
    out = work[:, :, PAD:-PAD, PAD:-PAD]  # a view of the working canvas
    for entry in regions:
        v, lay = VIEWS.index(entry["view"]), LAYERS.index(entry["layer"])
        mask = region_mask(body_shape, entry["view"], entry["region"])
        level = np.float32(int(entry["intensity"]) / REGION_LEVELS)
        out[v, lay][mask] = np.maximum(out[v, lay][mask], level)
    for stroke in strokes:
        v, lay = VIEWS.index(stroke["view"]), LAYERS.index(stroke["layer"])
        radius = float(stroke["radius"])
        points = stroke_values(stroke)
        erase = stroke.get("mode", "paint") == "erase"
        _, stamp, dilate = _costs(points, radius)
        if stamp <= dilate:
            _stamp(work[v, lay], dab_centres(points, radius), radius, erase)
        else:
            _dilate(work[v, lay], points, radius, erase)
    result = np.ascontiguousarray(out)
    for v, view in enumerate(VIEWS):
        result[v] *= body_mask(body_shape, view)
    np.clip(result, 0.0, 1.0, out=result)
    return result


PACK_LEVELS = 255  # stored rasters: values quantised to 1/255


_CELLS = len(VIEWS) * len(LAYERS) * GRID[0] * GRID[1]


def pack(grid: np.ndarray) -> bytes:
    """A map (2, 2, 580, 290) as sparse, zlib-compressed uint8 levels (value x 255, rounded).

    Layout before compression: uint32 n, then n uint32 gaps between the flat indices of
    non-zero cells (first gap from -1), then n uint8 levels. Paintings are mostly empty, so
    this is a few kB and decodes in well under a millisecond. Quantisation error <= 1/510.
    """
    if grid.shape != (len(VIEWS), len(LAYERS), *GRID):
        raise ValueError("not a painting raster")
    levels = np.round(np.clip(grid, 0, 1) * PACK_LEVELS).astype(np.uint8).ravel()
    index = np.flatnonzero(levels)
    gaps = np.diff(index, prepend=-1).astype("<u4")
    header = np.array([index.size], dtype="<u4")
    return zlib.compress(header.tobytes() + gaps.tobytes() + levels[index].tobytes(), 6)


def unpack_levels(data: bytes) -> np.ndarray:
    """The stored levels 0-255 as uint8 (2, 2, 580, 290), no float conversion."""
    raw = zlib.decompress(data)
    n = int(np.frombuffer(raw, dtype="<u4", count=1)[0])
    if len(raw) != 4 + 5 * n:
        raise ValueError("not a packed painting raster")
    index = np.cumsum(np.frombuffer(raw, dtype="<u4", count=n, offset=4), dtype=np.int64) - 1
    levels = np.zeros(_CELLS, dtype=np.uint8)
    levels[index] = np.frombuffer(raw, dtype=np.uint8, count=n, offset=4 + 4 * n)
    return levels.reshape(len(VIEWS), len(LAYERS), *GRID)


def unpack(data: bytes) -> np.ndarray:
    """The inverse of pack: float32 (2, 2, 580, 290), values k / 255."""
    return unpack_levels(data) * np.float32(1 / PACK_LEVELS)


def rasterise_reference(strokes: Iterable[Mapping[str, Any]], body_shape: str) -> np.ndarray:
    """A straightforward pure-Python implementation of `rasterise` (strokes only), for the
    benchmark and as an independent check: a loop over dabs and the pixels of each dab."""
    out = empty_map()
    for stroke in strokes:
        v, lay = VIEWS.index(stroke["view"]), LAYERS.index(stroke["layer"])
        radius = float(stroke["radius"])
        erase = stroke.get("mode", "paint") == "erase"
        pts = [
            (x * WIDTH, y * HEIGHT, PRESSURE_FLOOR + (1 - PRESSURE_FLOOR) * min(max(p, 0), 1))
            for x, y, p, _ in stroke["points"]
        ]
        step = max(DAB_SPACING * radius, 0.5)
        along = [0.0]
        for (x0, y0, _), (x1, y1, _) in itertools.pairwise(pts):
            along.append(along[-1] + ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
        total = along[-1]
        n = int(np.ceil(total / step)) if len(pts) > 1 else 0
        if len(pts) == 1:
            dabs = list(pts)
        elif n == 0:
            dabs = [pts[0], pts[-1]]
        else:
            dabs = []
            segment = 0
            for k in range(n + 1):
                target = total * k / n
                while segment < len(pts) - 2 and along[segment + 1] < target:
                    segment += 1
                a, b = along[segment], along[segment + 1]
                f = (target - a) / (b - a) if b > a else 0.0
                (x0, y0, w0), (x1, y1, w1) = pts[segment], pts[segment + 1]
                dabs.append((x0 + (x1 - x0) * f, y0 + (y1 - y0) * f, w0 + (w1 - w0) * f))
        span = int(np.ceil(radius))
        layer = out[v, lay]
        for x, y, w in dabs:
            ci, cj = int(y // 1), int(x // 1)
            for di in range(-span, span + 1):
                for dj in range(-span, span + 1):
                    i, j = ci + di, cj + dj
                    if (
                        di * di + dj * dj <= radius * radius
                        and 0 <= i < GRID[0]
                        and 0 <= j < GRID[1]
                    ):
                        layer[i, j] = 0.0 if erase else max(layer[i, j], w)
    for v, view in enumerate(VIEWS):
        out[v, :, ~body_mask(body_shape, view)] = 0.0
    return out
