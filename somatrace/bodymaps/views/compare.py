"""A session's body maps before and after: the change by region, coverage and overlap, and
the difference image."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, summaries
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.models import Moment, Painting
from somatrace.bodymaps.services import painting_raster
from somatrace.bodymaps.views.common import image_response, visible_session
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.therapy.models import Session


def _pre_post(
    request: PracticeRequest, session: Session
) -> tuple[Painting | None, Painting | None]:
    """The session's latest map before and after (either may be missing)."""
    paintings = Painting.objects.visible_to(request.actor).filter(session=session)
    found = {p.moment: p for p in paintings.order_by("created_at", "id")}
    return found.get(Moment.PRE), found.get(Moment.POST)


@clinical_required
def compare(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = visible_session(request, session_id)
    pre, post = _pre_post(request, session)
    audit.read(request.actor, session)
    tables: dict[str, Any] = {}
    if pre and post:
        rows = summaries.change_rows(pre.stats, post.stats)
        tables = {
            "rows": rows,
            "change_words": summaries.change_sentence(rows),
            "overlap": summaries.overlap(painting_raster(pre), painting_raster(post)),
            "coverage": summaries.coverage_change(pre.stats, post.stats),
        }
    return render(
        request,
        "bodymaps/compare.html",
        {
            "session": session,
            "client": session.client,
            "pre": pre,
            "post": post,
            **tables,
        },
    )


@clinical_required
def difference_png(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = visible_session(request, session_id)
    pre, post = _pre_post(request, session)
    if pre is None or post is None:
        raise Http404("This session has no before and after body maps.")
    audit.read(request.actor, session)
    overlays = figures.difference_overlays(painting_raster(pre), painting_raster(post))
    return image_response(
        draw.png(post.body_shape, overlays, legend=draw.DIFFERENCE_LEGEND, scale_bar=True),
        "image/png",
    )
