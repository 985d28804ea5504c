"""Painting a body map: a check-in between sessions, or before or after a session. GET shows
the painting page; POST takes the painting as JSON (payload.py) and stores it."""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, payload, raster
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import ATLAS_VERSION, HEIGHT, WIDTH
from somatrace.bodymaps.models import BodyShape, Moment
from somatrace.bodymaps.payload import MAX_BODY_BYTES, PayloadError, validate
from somatrace.bodymaps.services import save_painting
from somatrace.bodymaps.views.common import (
    client_shape,
    json_error,
    visible_client,
    visible_session,
)
from somatrace.bodymaps.vocabulary import EMOTIONS
from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.therapy.models import Session

TOO_LARGE = "This painting is too large to store."


def _paint(
    request: PracticeRequest, client: Client, moment: str, session: Session | None
) -> HttpResponse:
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return json_error(TOO_LARGE, 413)
        try:
            data = json.loads(request.body or b"null")
        except RequestDataTooBig:
            return json_error(TOO_LARGE, 413)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return json_error("The painting could not be read (not valid JSON).")
        try:
            clean = validate(data)
        except PayloadError as error:
            return json_error(str(error))
        try:
            painting = save_painting(request.actor, client, clean, moment=moment, session=session)
        except RuleError as refusal:
            return json_error(str(refusal), 409)
        url = reverse("bodymaps_painting", args=[painting.pk])
        return JsonResponse({"id": painting.pk, "url": url}, status=201)
    shape = client_shape(request, client)
    audit.read(request.actor, client)
    return render(
        request,
        "bodymaps/paint.html",
        {
            "client": client,
            "session": session,
            "moment": moment,
            "moment_label": Moment(moment).label,
            "body_shape": shape,
            "shapes": BodyShape.choices,
            "atlas_version": ATLAS_VERSION,
            "atlas_views": figures.atlas_views(shape),
            "region_groups": figures.region_choices(),
            "emotions": EMOTIONS,
            "radius": {"min": raster.MIN_RADIUS, "max": raster.MAX_RADIUS, "value": 10},
            "paint_config": PAINT_CONFIG,
        },
    )


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
