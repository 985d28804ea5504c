"""What the body-map pages draw, prepared from plain data. No Django.

Two kinds of figure:

- Atlas figures, drawn by the templates as inline SVG (bodymaps/_atlas.html and
  _atlas_counts.html): per view, its label and its region polygons as SVG `points` strings in
  atlas units (290 x 580 viewBox, see atlas.py), with what each page adds on top (numbered
  finding marks, counts shading the regions, touch-consent marks).
- Raster overlays for the PNG and SVG images (render.png / render.svg): one RGBA array per
  view, shape (580, 290, 4) uint8, from rasters of shape (2 views, 2 layers, 580, 290) with
  values 0-1 (raster.py), or from stored levels 0-255.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from somatrace.bodymaps import analysis, raster
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import (
    CHOIR_CODES,
    REGION_BY_CODE,
    VIEW_LABELS,
    VIEWS,
    ZONE_CODES,
    polygons,
    region_label,
    regions_in,
    svg_points,
)
from somatrace.bodymaps.embody import EMBODY_SHAPE
from somatrace.clients.touch import DEFAULT_STATUS

MARK_SPACING = 17.0  # atlas units between numbered marks that share a region
RESEARCH_VMAX = 0.5  # group mean (stronger - weaker, 0-1) drawn fully opaque

# --- atlas figures --------------------------------------------------------------------------


def _polygon_rows(body_shape: str, view: str, codes: Sequence[str]) -> list[dict[str, Any]]:
    shapes = polygons(body_shape, view)
    return [
        {"code": code, "name": REGION_BY_CODE[code].name, "points": svg_points(shapes[code])}
        for code in codes
    ]


def atlas_views(body_shape: str) -> list[dict[str, Any]]:
    """Per view (front, then back): {"view", "label", "regions", "zones"}.

    "regions" are the CHOIR regions (they tile the silhouette), "zones" the somatic zones that
    overlap them; each is {"code", "name", "points"} with `points` an SVG points attribute in
    atlas units. body_shape: one of atlas.BODY_SHAPES.
    """
    return [
        {
            "view": view,
            "label": VIEW_LABELS[view],
            "regions": _polygon_rows(body_shape, view, CHOIR_CODES[view]),
            "zones": _polygon_rows(body_shape, view, ZONE_CODES[view]),
        }
        for view in VIEWS
    ]


def _centre(points: str) -> tuple[float, float]:
    """Mean (x, y) of the vertices of an SVG points attribute, in its units."""
    xy = [tuple(map(float, pair.split(","))) for pair in points.split()]
    return sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy)


def finding_marks(
    views: Sequence[Mapping[str, Any]], findings: Sequence[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The atlas views (as atlas_views gives them), each with a "marks" list added: a numbered
    marker at the centre of every region that has a finding, so the chart reads on the body.

    findings: (region code, finding label) in the order they are listed; marker n is the
    n-th finding. A marker is {"n", "x", "y" (atlas units, 0.1 precision), "title"}. Several
    findings on one region sit side by side, MARK_SPACING apart, rather than on top of each
    other; findings on a region not drawn in these views get no marker. The views given are
    not changed.
    """
    result = [{**view, "marks": []} for view in views]
    centres: dict[str, tuple[int, float, float]] = {}
    for index, view in enumerate(result):
        for region in [*view["regions"], *view["zones"]]:
            centres[region["code"]] = (index, *_centre(region["points"]))
    seen: dict[str, int] = {}
    for number, (code, label) in enumerate(findings, start=1):
        if code not in centres:
            continue
        index, x, y = centres[code]
        x += MARK_SPACING * seen.get(code, 0)
        seen[code] = seen.get(code, 0) + 1
        result[index]["marks"].append(
            {
                "n": number,
                "x": round(x, 1),
                "y": round(y, 1),
                "title": f"{number}. {label}: {region_label(code)}",
            }
        )
    return result


def count_views(body_shape: str, counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """The atlas views with every region and zone shaded by how often something was found
    there: each gets "count" (int, 0 when absent from counts) and "opacity" (0.15 for one
    finding rising linearly to 1.0 for the most frequent region, rounded to 0.01; 0 where
    the count is 0)."""
    most = max(counts.values(), default=0)
    views = atlas_views(body_shape)
    for view in views:
        for region in [*view["regions"], *view["zones"]]:
            count = counts.get(region["code"], 0)
            region["count"] = count
            region["opacity"] = round(0.15 + 0.85 * count / most, 2) if count else 0
    return views


def region_choices() -> list[dict[str, Any]]:
    """Regions grouped by view for <select> lists: [{"label", "regions": [atlas.Region]}]."""
    return [{"label": VIEW_LABELS[view], "regions": regions_in(view)} for view in VIEWS]


def touch_groups(marks: Mapping[str, str]) -> list[dict[str, Any]]:
    """Regions grouped by view, each with its touch-consent status, for the list of selects:
    [{"label", "regions": [{"region": atlas.Region, "status"}]}]. marks: {region code:
    status}; an unmarked region is clients.touch.DEFAULT_STATUS ("check in first")."""
    return [
        {
            "label": VIEW_LABELS[view],
            "regions": [
                {"region": r, "status": marks.get(r.code, DEFAULT_STATUS)} for r in regions_in(view)
            ],
        }
        for view in VIEWS
    ]


def touch_marks(marks: Mapping[str, str]) -> dict[str, str]:
    """{region code: status} for every atlas region, the default where unmarked: what the
    tap-to-change atlas starts from."""
    return {code: marks.get(code, DEFAULT_STATUS) for code in REGION_BY_CODE}


# --- raster overlays ------------------------------------------------------------------------


def display_scale(grid: np.ndarray, body_shape: str) -> float:
    """The value drawn fully opaque: 1 on CHOIR outlines (values 0-1); on emBODY's, whose
    values are blurred point counts, the map's own largest value (as embody_demo.m scales
    each person's maps), 1 for an empty map."""
    if body_shape != EMBODY_SHAPE:
        return 1.0
    top = float(np.max(np.abs(grid))) if grid.size else 0.0
    return top if top > 0 else 1.0


def painting_overlays(grid: np.ndarray, vmax: float = 1.0) -> list[np.ndarray]:
    """One painting, per view: both layers mixed (render.painting_rgba), values / vmax.
    grid: (views, 2 layers, H, W), values 0-vmax. Returns one (H, W, 4) uint8 per view."""
    scaled = grid / np.float32(vmax)
    return [draw.painting_rgba(scaled[v, 0], scaled[v, 1]) for v in range(grid.shape[0])]


def change_map(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(after - before) of stronger - weaker, per view: shape (views, H, W), -2..2.
    before, after: (views, 2 layers, H, W), values 0-1."""
    signed_before = analysis.signed_map(before[:, 0], before[:, 1])
    signed_after = analysis.signed_map(after[:, 0], after[:, 1])
    return analysis.difference_map(signed_before, signed_after)


def difference_overlays(before: np.ndarray, after: np.ndarray) -> list[np.ndarray]:
    """The change between two paintings, per view, on the diverging scale of
    render.diverging_rgba (green = more / stronger after, purple = less after, |change| 1
    fully saturated): not the painting's own colours, which mean stronger / weaker.
    before, after: (views, 2 layers, H, W), values 0-1. Returns one (H, W, 4) uint8 per view."""
    diff = change_map(before, after)
    return [draw.diverging_rgba(diff[v]) for v in range(diff.shape[0])]


def frequency_overlays(
    grids: Sequence[np.ndarray], threshold: float = raster.PAINTED_THRESHOLD
) -> list[np.ndarray]:
    """Where sensation recurs, per view: each layer's share of maps painted at each pixel
    (analysis.frequency_map, painted above `threshold`), mixed as in a single painting.
    grids: one raster per map, each (views, 2 layers, H, W), all of one body shape; none
    gives transparent overlays on the CHOIR grid. Returns one (H, W, 4) uint8 per view."""
    if not grids:
        empty = np.zeros(raster.GRID)
        return [draw.painting_rgba(empty, empty) for _ in VIEWS]
    stack = np.stack(grids)  # (n maps, views, 2 layers, H, W)
    return [
        draw.painting_rgba(
            analysis.frequency_map(stack[:, v, 0], threshold),
            analysis.frequency_map(stack[:, v, 1], threshold),
        )
        for v in range(stack.shape[1])
    ]


def signed_levels(levels: np.ndarray) -> np.ndarray:
    """stronger - weaker of a stored painting in levels (units of 1/255).
    levels: (2 views, 2 layers, H, W) uint8. Returns int16 (2 views, H, W), -255..255."""
    return levels[:, 0].astype(np.int16) - levels[:, 1]


def group_stats(
    people: Iterable[tuple[np.ndarray | None, np.ndarray]], body_shape: str
) -> list[analysis.PixelStats]:
    """One group map's per-pixel statistics, per view of the body shape: across people, of
    stronger - weaker (or, where a person's `before` is given, of its change after - before),
    inside the body mask.

    people: per person (before or None, map), consumed one at a time, so an iterator holds
    only one person's maps in memory. On CHOIR outlines the maps are stored levels
    (2 views, 2 layers, 580, 290) uint8 (raster.PACK_LEVELS) and the sums are exact
    integers (analysis.Moments); on emBODY's they are emBODY maps (1 view, 2 layers,
    522, 171) float. At least two people (ValueError otherwise).
    """
    views = raster.views_of(body_shape)
    integer = body_shape != EMBODY_SHAPE
    moments = [
        analysis.Moments(
            raster.grid_of(body_shape),
            integer=integer,
            scale=raster.PACK_LEVELS if integer else 1.0,
        )
        for _ in views
    ]
    for before, after in people:
        signed = _signed(after, integer)
        if before is not None:
            signed = signed - _signed(before, integer)
        for v in range(len(views)):
            moments[v].add(signed[v])
    return [
        m.stats(raster.body_mask(body_shape, view)) for m, view in zip(moments, views, strict=True)
    ]


def _signed(grid: np.ndarray, integer: bool) -> np.ndarray:
    if integer:
        return signed_levels(grid)
    return grid[:, 0].astype(np.float64) - grid[:, 1]


def result_overlays(results: Sequence[analysis.GroupResult], vmax: float) -> list[np.ndarray]:
    """Group results (one per view) as overlays: the mean, only where significant,
    orange-red above 0, blue below, fully opaque from vmax."""
    return [draw.signed_rgba(r.mean, vmax=vmax, keep=r.significant) for r in results]


def group_overlays(
    people: Iterable[tuple[np.ndarray | None, np.ndarray]], body_shape: str
) -> list[np.ndarray]:
    """The group map with Somatrace's per-map two-sided test (analysis.two_sided), per view,
    fully opaque from RESEARCH_VMAX (see group_stats for `people`)."""
    stats = group_stats(people, body_shape)
    return result_overlays([analysis.two_sided(s) for s in stats], RESEARCH_VMAX)
