"""A client's body maps over time: where sensation recurs (the frequency image), the regions
painted most often as a series, and where the practitioner found held tension."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from somatrace.audit import services as audit
from somatrace.bodymaps import charts, figures, summaries
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import BODY_SHAPES, VIEW_LABELS
from somatrace.bodymaps.embody import EMBODY_SHAPE
from somatrace.bodymaps.embody import PAINTED_THRESHOLD as EMBODY_PAINTED
from somatrace.bodymaps.models import BodyShape, Finding, Painting, RegionFinding
from somatrace.bodymaps.raster import PAINTED_THRESHOLD, views_of
from somatrace.bodymaps.services import painting_raster
from somatrace.bodymaps.views.common import image_response, visible_client
from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, clinical_required

HISTORY_LIMIT = 60  # paintings in the frequency map and the series; findings summarised
HELD = (Finding.HELD_TENSION, Finding.RESTRICTION)  # shaded on the body summary


def _history(request: PracticeRequest, client: Client) -> list[Painting]:
    return list(
        Painting.objects.visible_to(request.actor)
        .filter(client=client)
        .select_related("session")
        .order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )


@clinical_required
def history(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = visible_client(request, client_id)
    paintings = _history(request, client)
    findings = list(
        RegionFinding.objects.visible_to(request.actor)
        .filter(client=client)
        .order_by("-created_at")[:HISTORY_LIMIT]
    )
    rows = summaries.region_series([(p.created_at.date(), p.stats) for p in paintings])
    held = summaries.region_counts([(f.region, f.finding) for f in findings], HELD)
    # Findings are charted on a CHOIR outline: the latest painting's, or outline A.
    shape = next((p.body_shape for p in paintings if p.body_shape in BODY_SHAPES), BodyShape.FEMALE)
    audit.read(
        request.actor,
        client,
        shown={
            "bodymaps.painting": [p.pk for p in paintings],
            "bodymaps.regionfinding": [f.pk for f in findings],
        },
    )
    return render(
        request,
        "bodymaps/history.html",
        {
            "client": client,
            "paintings": paintings,
            "spec": charts.region_series_chart(rows),
            "rows": rows,
            "findings": summaries.finding_counts(
                [(f.region, f.get_finding_display()) for f in findings]
            ),
            "held_views": figures.count_views(shape, held) if held else [],
            "held_total": sum(held.values()),
        },
    )


@clinical_required
def frequency_png(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = visible_client(request, client_id)
    painted = [p for p in _history(request, client) if not p.nothing_felt]
    shape = painted[0].body_shape if painted else BodyShape.FEMALE
    paintings = [p for p in painted if p.body_shape == shape]  # one outline per image
    audit.listed(request.actor, "bodymaps.painting", [p.pk for p in paintings], client_id=client.pk)
    threshold = EMBODY_PAINTED if shape == EMBODY_SHAPE else PAINTED_THRESHOLD
    overlays = figures.frequency_overlays([painting_raster(p) for p in paintings], threshold)
    views = views_of(shape)
    legend = f"Share of {len(paintings)} maps painted. Orange-red = stronger, blue = weaker."
    body = draw.png(shape, overlays, [VIEW_LABELS[v] for v in views], views, legend=legend)
    return image_response(body, "image/png")
