"""One body map: its page (coverage, regions, emotions) and its PNG and SVG images."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, summaries
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.services import painting_raster
from somatrace.bodymaps.views.common import image_response, visible_painting
from somatrace.core.decorators import PracticeRequest, clinical_required


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
            "legend": draw.LEGEND,
        },
    )


@clinical_required
def painting_png(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = visible_painting(request, painting_id)
    audit.read(request.actor, painting)
    overlays = figures.painting_overlays(painting_raster(painting))
    return image_response(draw.png(painting.body_shape, overlays), "image/png")


@clinical_required
def painting_svg(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = visible_painting(request, painting_id)
    audit.read(request.actor, painting)
    overlays = figures.painting_overlays(painting_raster(painting))
    body = draw.svg(painting.body_shape, overlays, title="Body map")
    return image_response(body.encode(), "image/svg+xml")
