"""Painting a body map: a check-in between sessions, or before or after a session. GET shows
the painting page; POST takes the painting as JSON (payload.py) and stores it.

The practitioner's page also hands the painter to the client (views/handover.py): the client
then paints on a page with no name and no navigation, built from the same parts
(`painter_context`, `read_painting`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, payload, raster
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import ATLAS_VERSION, BODY_SHAPES, HEIGHT, WIDTH
from somatrace.bodymaps.models import BodyShape, Handover, Moment
from somatrace.bodymaps.payload import MAX_BODY_BYTES, CleanPainting, PayloadError, validate
from somatrace.bodymaps.services import LINK_DAYS, save_painting
from somatrace.bodymaps.views.common import (
    json_error,
    shape_for,
    visible_client,
    visible_session,
)
from somatrace.bodymaps.vocabulary import EMOTIONS
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.core.jsonbody import BadJSON, read_json
from somatrace.therapy.models import Session

TOO_LARGE = "This painting is too large to store."
HANDOVERS_SHOWN = 5

# What the painter in the browser must agree on with the server (passed by json_script).
PAINT_CONFIG = {
    "width": WIDTH,
    "height": HEIGHT,
    "pressureFloor": raster.PRESSURE_FLOOR,
    "maxPoints": payload.MAX_POINTS,
    "maxTimeMs": payload.MAX_TIME_MS,
    "colours": {"stronger": draw.STRONGER_HEX, "weaker": draw.WEAKER_HEX},
    "bodyFill": draw.BODY_HEX,
}


def read_painting(request: HttpRequest) -> CleanPainting | JsonResponse:
    """The validated painting of a JSON POST, or the JSON error to answer with."""
    try:
        data = read_json(request, max_bytes=MAX_BODY_BYTES)
    except BadJSON as bad:
        if bad.status == 413:
            return json_error(TOO_LARGE, 413)
        return json_error(f"The painting could not be read: {bad}")
    try:
        return validate(data)
    except PayloadError as error:
        return json_error(str(error))


def painter_context(
    actor: Actor, client: Client, moment: str, requested_shape: Any
) -> dict[str, Any]:
    """What the painter (bodymaps/_painter.html) needs. Both body outlines are on the page, so
    that choosing the other one keeps what was painted (strokes are normalised to the view)."""
    shape = shape_for(actor, client, requested_shape)
    return {
        "moment": moment,
        "moment_label": Moment(moment).label,
        "body_shape": shape,
        # The painter offers the CHOIR outlines; emBODY's comes only with imported maps.
        "outlines": [
            {"shape": value, "label": label, "views": figures.atlas_views(value)}
            for value, label in BodyShape.choices
            if value in BODY_SHAPES
        ],
        "atlas_version": ATLAS_VERSION,
        "atlas_views": figures.atlas_views(shape),
        "region_groups": figures.region_choices(),
        "emotions": EMOTIONS,
        "radius": {"min": raster.MIN_RADIUS, "max": raster.MAX_RADIUS, "value": 10},
        "paint_config": PAINT_CONFIG,
    }


def _handover_urls(client: Client, moment: str, session: Session | None) -> dict[str, str]:
    """Where the practitioner hands this map over: the tablet (kiosk) or a new link."""
    target = client.pk if session is None else session.pk
    return {
        "kiosk_url": reverse(f"bodymaps_kiosk_start_{moment}", args=[target]),
        "link_url": reverse(f"bodymaps_link_{moment}", args=[target]),
    }


def _paint(
    request: PracticeRequest, client: Client, moment: str, session: Session | None
) -> HttpResponse:
    if request.method == "POST":
        clean = read_painting(request)
        if isinstance(clean, JsonResponse):
            return clean
        try:
            painting = save_painting(request.actor, client, clean, moment=moment, session=session)
        except RuleError as refusal:
            return json_error(str(refusal), 409)
        url = reverse("bodymaps_painting", args=[painting.pk])
        return JsonResponse({"id": painting.pk, "url": url}, status=201)
    handovers = list(
        Handover.objects.visible_to(request.actor)
        .filter(client=client, session=session, moment=moment)
        .order_by("-created_at", "-id")[:HANDOVERS_SHOWN]
    )
    audit.read(request.actor, client, shown={"bodymaps.handover": [h.pk for h in handovers]})
    return render(
        request,
        "bodymaps/paint.html",
        {
            **painter_context(request.actor, client, moment, request.GET.get("shape")),
            **_handover_urls(client, moment, session),
            "client": client,
            "session": session,
            "handovers": handovers,
            "link_days": LINK_DAYS,
        },
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def paint_checkin(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = visible_client(request, client_id)
    return _paint(request, client, Moment.CHECKIN, None)


@clinical_required
@require_http_methods(["GET", "POST"])
def paint_pre(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = visible_session(request, session_id)
    return _paint(request, session.client, Moment.PRE, session)


@clinical_required
@require_http_methods(["GET", "POST"])
def paint_post(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = visible_session(request, session_id)
    return _paint(request, session.client, Moment.POST, session)
