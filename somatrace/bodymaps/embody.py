"""emBODY recordings on emBODY's own geometry (Nummenmaa et al. 2014; github eglerean/embody,
MIT). No Django.

Layout of one CSV (one participant, one stimulus): four sections separated by a line
``-1,-1,-1``:
1. every pointer move ``t,x,y`` (t in ms since the epoch, x, y in canvas pixels),
2. the painted points ``t,x,y``,
3. pointer-down times ``t,,``,
4. pointer-up times ``t,,``.
A section may hold a single empty record ``,,``: a painted section holding nothing else is a
recording in which the person painted nothing, a valid answer ("nothing felt").

The canvas is 900 x 600 px (columns x rows) with two silhouettes: x < 450 is the "stronger"
(activation) body, the rest the "weaker" (deactivation) one.

The map of one recording (RASTER_VERSION "e1") is emBODY's own, from ``embody_demo.m``:
- every painted point adds 1 to the 600 x 900 count grid at 1-based (row, column) =
  (ceil(y + 1), ceil(x + 1)), clamped to the grid (0-based: ceil(x), ceil(y), clamped);
- the grid is blurred with MATLAB's ``fspecial('gaussian', [15 15], 5)`` (a 15 x 15 kernel
  exp(-(dx^2 + dy^2) / (2 sigma^2)), sigma = 5 px, normalised to sum 1) with zero padding
  (``imfilter``'s default); so intensity grows with repeated painting and is smooth;
- each body is cropped: rows 9-530 and columns 32-202 (stronger) / 695-865 (weaker), 0-based,
  giving two 522 x 171 layers. emBODY's signed map is stronger - weaker.
Nothing is clipped or masked: the stored map is emBODY's whole crop. Summaries and group
statistics use the emBODY outline below as the body mask.

The emBODY outline (EMBODY_OUTLINE): emBODY draws its maps on ``base.png`` and tests inside
``mask.png``, images that are not part of Somatrace. Our outline is drawn by us in the crop's
pixel coordinates after emBODY's figure (arms hanging at the sides, head centred in the crop,
feet at the crop's last rows), checked against where the demo participant painted; it is an
approximation of emBODY's mask, not a copy. emBODY has a front view only.
"""

from __future__ import annotations

import csv
import io
import math
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw

EMBODY_SHAPE = "embody"  # Painting.body_shape of maps on emBODY's geometry
EMBODY_ATLAS_VERSION = "embody-1"
RASTER_VERSION = "e1"
VIEWS = ("front",)
CANVAS = (600, 900)  # rows, columns
CANVAS_SPLIT_X = 450.0  # x < 450: the stronger body
CROP_ROWS = (9, 531)  # 0-based, end exclusive: rows 9-530
CROP_COLS = {"stronger": (32, 203), "weaker": (695, 866)}  # columns 32-202 / 695-865
GRID = (CROP_ROWS[1] - CROP_ROWS[0], CROP_COLS["stronger"][1] - CROP_COLS["stronger"][0])
KERNEL_SIZE = 15  # px
KERNEL_SIGMA = 5.0  # px

# The 14 stimuli of emBODY's demo, file N.csv answering stimulus N (embody_demo.m's labels).
DEMO_STIMULI = (
    "Neutral", "Fear", "Anger", "Disgust", "Sadness", "Happiness", "Surprise", "Anxiety",
    "Love", "Depression", "Contempt", "Pride", "Shame", "Jealousy",
)  # fmt: skip

# The emBODY outline, drawn by us (see the module docstring): the image-right half as
# (offset from the crop's centre column, row), in crop pixels; mirrored for the left half.
_CENTRE_X = GRID[1] / 2
_RIGHT_HALF: tuple[tuple[float, float], ...] = (
    (0, 2), (12, 4), (22, 11), (29, 24), (31, 45), (28, 64), (21, 78), (16, 88),  # head
    (16, 100), (45, 106), (64, 113), (76, 122), (82, 135),  # neck, shoulder
    (84, 170), (85, 240), (85, 300), (80, 312), (70, 312),  # arm, hand
    (62, 300), (56, 290), (52, 300),  # wrist to hip
    (50, 360), (47, 420), (45, 470), (44, 500), (46, 515), (44, 521),  # outer leg, foot
    (6, 521), (4, 505), (5, 470), (4, 420), (3, 360), (2, 315), (0, 310),  # inner leg
)  # fmt: skip
EMBODY_OUTLINE: tuple[tuple[float, float], ...] = tuple(
    (_CENTRE_X + dx, y) for dx, y in _RIGHT_HALF
) + tuple((_CENTRE_X - dx, y) for dx, y in reversed(_RIGHT_HALF[1:-1]))


class EmbodyError(ValueError):
    """The file is not an emBODY stroke log; str(error) says why."""


@dataclass(frozen=True)
class Recording:
    """One parsed recording: painted points (t ms, x, y canvas px), in file order.
    No points: the person painted nothing."""

    points: tuple[tuple[float, float, float], ...]

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def started_ms(self) -> float | None:
        """Time of the first painted point (ms since the epoch), None if nothing was painted."""
        return min(t for t, _, _ in self.points) if self.points else None


def _sections(text: str) -> list[list[list[str]]]:
    sections: list[list[list[str]]] = [[]]
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue  # a blank line, or the empty record ","
        if len(row) != 3:
            raise EmbodyError(f"line {number}: expected 3 columns, found {len(row)}")
        if [cell.strip() for cell in row] == ["-1", "-1", "-1"]:
            sections.append([])
            continue
        sections[-1].append(row)
    if len(sections) != 4:
        raise EmbodyError(f"expected 4 sections separated by -1,-1,-1, found {len(sections)}")
    return sections


def read_recording(text: str) -> Recording:
    """Parse one emBODY CSV. Raises EmbodyError if the file is malformed (wrong number of
    columns or sections, a painted point that is not three finite numbers). An empty painted
    section, or one holding only the empty record ``,,``, is a valid recording of nothing."""
    _, painted_rows, _, _ = _sections(text)
    points = []
    for row in painted_rows:
        if not any(cell.strip() for cell in row):
            continue  # the empty record ",,"
        try:
            t, x, y = (float(cell) for cell in row)
        except ValueError as error:
            raise EmbodyError(f"not a number in the painted points: {row!r}"[:120]) from error
        if not all(math.isfinite(v) for v in (t, x, y)):
            raise EmbodyError(f"not a finite number in the painted points: {row!r}"[:120])
        points.append((t, x, y))
    return Recording(tuple(points))


@cache
def kernel() -> np.ndarray:
    """MATLAB's fspecial('gaussian', [15 15], 5): shape (15, 15) float64, sum 1."""
    half = (KERNEL_SIZE - 1) / 2
    d = np.arange(KERNEL_SIZE) - half
    h = np.exp(-(d[:, None] ** 2 + d[None, :] ** 2) / (2 * KERNEL_SIGMA**2))
    h[h < np.finfo(float).eps * h.max()] = 0.0
    h /= h.sum()
    h.flags.writeable = False
    return h


# A pixel counts as painted where it holds at least half the peak of one blurred point: within
# sigma * sqrt(2 ln 2) = 5.9 px of a single point, about emBODY's 10 px brush.
PAINTED_THRESHOLD = float(kernel().max() / 2)


def rasterise(recording: Recording) -> np.ndarray:
    """emBODY's map of one recording (see the module docstring).

    Returns float32, shape (1 view, 2 layers (stronger, weaker), 522, 171), values >= 0 in
    emBODY's units (blurred point counts: one isolated point peaks at 0.0067).
    """
    rows, cols = CANVAS
    pad = KERNEL_SIZE // 2
    counts = np.zeros((rows, cols), dtype=np.float64)
    if recording.points:
        xy = np.asarray([(x, y) for _, x, y in recording.points], dtype=np.float64)
        col = np.clip(np.ceil(xy[:, 0]), 0, cols - 1).astype(np.int64)
        row = np.clip(np.ceil(xy[:, 1]), 0, rows - 1).astype(np.int64)
        np.add.at(counts, (row, col), 1.0)
    # Zero-padded blur of the counts, evaluated only where there are counts: each counted
    # pixel adds count x kernel around itself (the kernel is symmetric, so this is imfilter).
    blurred = np.zeros((rows + 2 * pad, cols + 2 * pad), dtype=np.float64)
    h = kernel()
    for r, c in zip(*np.nonzero(counts), strict=True):
        blurred[r : r + KERNEL_SIZE, c : c + KERNEL_SIZE] += counts[r, c] * h
    blurred = blurred[pad : pad + rows, pad : pad + cols]
    r0, r1 = CROP_ROWS
    out = np.empty((1, 2, *GRID), dtype=np.float32)
    for k, layer in enumerate(("stronger", "weaker")):
        c0, c1 = CROP_COLS[layer]
        out[0, k] = blurred[r0:r1, c0:c1]
    return out


@cache
def body_mask() -> np.ndarray:
    """The emBODY outline as a boolean mask, shape GRID (522, 171). Read-only."""
    image = Image.new("1", (GRID[1], GRID[0]), 0)
    ImageDraw.Draw(image).polygon(list(EMBODY_OUTLINE), fill=1)
    mask = np.asarray(image, dtype=bool)
    mask.flags.writeable = False
    return mask


def pack(grid: np.ndarray) -> bytes:
    """A map (1, 2, 522, 171) as zlib-compressed little-endian float32 (exact)."""
    if grid.shape != (1, 2, *GRID):
        raise ValueError("not an emBODY map")
    return zlib.compress(np.ascontiguousarray(grid, dtype="<f4").tobytes(), 6)


def unpack(data: bytes) -> np.ndarray:
    """The inverse of pack: float32 (1, 2, 522, 171)."""
    raw = zlib.decompress(data)
    if len(raw) != 4 * 2 * GRID[0] * GRID[1]:
        raise ValueError("not a packed emBODY map")
    return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(1, 2, *GRID)


def stimulus_name(number: int, stimuli: tuple[str, ...] = DEMO_STIMULI) -> str:
    """The stimulus of file N.csv: stimuli[N], or "Stimulus N" beyond the list."""
    return stimuli[number] if 0 <= number < len(stimuli) else f"Stimulus {number}"
