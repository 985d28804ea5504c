"""One body map: its page (coverage, regions, emotions) and its PNG and SVG images."""

from __future__ import annotations

import numpy as np
from django.http import HttpResponse
from django.shortcuts import render

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, summaries
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import VIEW_LABELS
from somatrace.bodymaps.embody import EMBODY_SHAPE
from somatrace.bodymaps.models import Painting
from somatrace.bodymaps.raster import views_of
from somatrace.bodymaps.services import painting_raster
from somatrace.bodymaps.views.common import image_response, visible_painting
from somatrace.core.decorators import PracticeRequest, clinical_required


def _legend(painting: Painting) -> str:
    if painting.body_shape == EMBODY_SHAPE:
        return (
            f"{draw.LEGEND} emBODY outline, front only; intensity as emBODY computes it "
            "(repeated painting adds up, blurred), fully coloured at this map's maximum."
        )
    return draw.LEGEND


def _image(painting: Painting) -> tuple[list[np.ndarray], list[str], tuple[str, ...]]:
    grid = painting_raster(painting)
    overlays = figures.painting_overlays(grid, figures.display_scale(grid, painting.body_shape))
    views = views_of(painting.body_shape)
    return overlays, [VIEW_LABELS[v] for v in views], views


@clinical_required
def painting_detail(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = visible_painting(request, painting_id)
    audit.read(request.actor, painting)
    return render(
        request,
        "bodymaps/painting_detail.html",
        {
            "painting": painting,
            "client": painting.client,
            "coverage_rows": summaries.coverage_rows(painting.stats),
            "region_rows": summaries.region_rows(painting.stats),
            "emotions": summaries.emotion_rows(painting.emotions),
            "legend": _legend(painting),
        },
    )


@clinical_required
def painting_png(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = visible_painting(request, painting_id)
    audit.read(request.actor, painting)
    overlays, labels, views = _image(painting)
    body = draw.png(painting.body_shape, overlays, labels, views, legend=_legend(painting))
    return image_response(body, "image/png")


@clinical_required
def painting_svg(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = visible_painting(request, painting_id)
    audit.read(request.actor, painting)
    overlays, labels, views = _image(painting)
    body = draw.svg(
        painting.body_shape, overlays, labels, views, legend=_legend(painting), title="Body map"
    )
    return image_response(body.encode(), "image/svg+xml")
