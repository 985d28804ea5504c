"""Read emBODY stroke logs (Nummenmaa et al. 2014; github eglerean/embody, MIT). No Django.

Layout of one CSV (one participant, one stimulus): four sections separated by a line
``-1,-1,-1``:
1. every pointer move ``t,x,y`` (t in ms since the epoch, x, y in canvas pixels),
2. the painted points ``t,x,y``,
3. pointer-down times ``t,,``,
4. pointer-up times ``t,,``.
The canvas is 900 x 600 px with two 175 x 524 silhouettes: x < 450 is the "stronger"
(activation) body, the rest the "weaker" (deactivation) one. emBODY's analysis crops each body
as rows 9-530 and columns 32-202 (stronger) / 695-865 (weaker).

Conversion to Somatrace strokes (front view only -- emBODY has no back view):
- Painted points are grouped into strokes by the pointer-down / pointer-up intervals (a point
  belongs to the interval that contains its time); without those, a gap > 150 ms starts a
  new stroke.
- Coordinates: the crop box is scaled by the same factor in x and y so that its height
  (rows 9-530) spans the atlas silhouette's height (y 13-568 on the CHOIR female outline),
  and its centre column lands on the atlas midline (x = 145). This keeps the head, torso and
  legs aligned within a few atlas units; emBODY's arms hang at the sides while CHOIR holds
  them away from the body, so arm and hand strokes land beside the hips: an approximation,
  stated wherever imported maps are used.
- Brush: emBODY paints single points that its analysis blurs (sigma ~5 px); we give each
  stroke a radius of IMPORT_RADIUS atlas units and pressure 1.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from somatrace.bodymaps.atlas import WIDTH

CANVAS_SPLIT_X = 450.0  # x < 450: the stronger body
CROP_ROWS = (9.0, 530.0)
CROP_COLS = {"stronger": (32.0, 202.0), "weaker": (695.0, 865.0)}
ATLAS_BODY_Y = (13.0, 568.0)  # silhouette rows of the CHOIR female front outline
IMPORT_RADIUS = 6.0  # atlas units
STROKE_GAP_MS = 150
SCALE = (ATLAS_BODY_Y[1] - ATLAS_BODY_Y[0]) / (CROP_ROWS[1] - CROP_ROWS[0])


class EmbodyError(ValueError):
    """The file is not an emBODY stroke log, or it holds no painting."""


def _sections(text: str) -> list[list[list[str]]]:
    sections: list[list[list[str]]] = [[]]
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise EmbodyError(f"line {number}: expected 3 columns, found {len(row)}")
        if [cell.strip() for cell in row] == ["-1", "-1", "-1"]:
            sections.append([])
            continue
        sections[-1].append(row)
    if len(sections) != 4:
        raise EmbodyError(f"expected 4 sections separated by -1,-1,-1, found {len(sections)}")
    return sections


def _points(rows: list[list[str]]) -> list[tuple[float, float, float]]:
    points = []
    for row in rows:
        if not row[1].strip() and not row[2].strip():
            continue  # an empty record, as in a broken recording
        try:
            points.append((float(row[0]), float(row[1]), float(row[2])))
        except ValueError as error:
            raise EmbodyError(f"not a number in {row!r}") from error
    return points


def _times(rows: list[list[str]]) -> list[float]:
    times = []
    for row in rows:
        try:
            times.append(float(row[0]))
        except ValueError:
            continue
    return times


def to_atlas(x: float, y: float) -> tuple[str, float, float]:
    """An emBODY canvas pixel -> (layer, x, y) in atlas units (see module docstring)."""
    layer = "stronger" if x < CANVAS_SPLIT_X else "weaker"
    col0, col1 = CROP_COLS[layer]
    centre = (col0 + col1) / 2
    return (
        layer,
        WIDTH / 2 + (x - centre) * SCALE,
        ATLAS_BODY_Y[0] + (y - CROP_ROWS[0]) * SCALE,
    )


def read_strokes(text: str, radius: float = IMPORT_RADIUS) -> list[dict[str, Any]]:
    """Parse one emBODY CSV into Somatrace strokes (front view). Raises EmbodyError if the file
    is malformed or holds no painted point."""
    _, painted_rows, down_rows, up_rows = _sections(text)
    painted = sorted(_points(painted_rows))
    if not painted:
        raise EmbodyError("the recording holds no painted points (empty or broken)")
    downs, ups = _times(down_rows), _times(up_rows)
    t0 = painted[0][0]
    intervals = list(zip(downs, ups, strict=False)) if downs and len(downs) == len(ups) else []

    def group_of(t: float, previous_t: float | None, current: int) -> int:
        if intervals:
            for index, (down, up) in enumerate(intervals):
                if down <= t <= up:
                    return index
            return -1 - current  # outside every interval: its own group
        if previous_t is not None and t - previous_t > STROKE_GAP_MS:
            return current + 1
        return current

    strokes: list[dict[str, Any]] = []
    key: tuple[int, str] | None = None
    previous_t: float | None = None
    group = 0
    for t, x, y in painted:
        layer, ax, ay = to_atlas(x, y)
        group = group_of(t, previous_t, group)
        previous_t = t
        if key != (group, layer):
            key = (group, layer)
            strokes.append(
                {"view": "front", "layer": layer, "mode": "paint", "radius": radius, "points": []}
            )
        strokes[-1]["points"].append(
            [
                min(max(ax / WIDTH, 0.0), 1.0),
                min(max(ay / 580.0, 0.0), 1.0),
                1.0,
                min(t - t0, 6 * 3600 * 1000),
            ]
        )
    return strokes
