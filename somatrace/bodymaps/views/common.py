"""What the body-map screens share: fetching a client, session or painting the actor may see
(404 otherwise), the body outline to draw, and the image and JSON-error responses."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from somatrace.bodymaps.atlas import BODY_SHAPES
from somatrace.bodymaps.models import BodyShape, Painting
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.decorators import PracticeRequest
from somatrace.therapy.models import Session


def visible_client(request: PracticeRequest, client_id: int) -> Client:
    """A client whose clinical records the actor may see, with the practice."""
    return get_object_or_404(
        Client.objects.visible_to(request.actor, clinical=True).select_related("practice"),
        pk=client_id,
    )


def visible_session(request: PracticeRequest, session_id: int) -> Session:
    """A session the actor may see, with its client and the client's practice."""
    return get_object_or_404(
        Session.objects.visible_to(request.actor).select_related("client", "client__practice"),
        pk=session_id,
    )


def visible_painting(request: PracticeRequest, painting_id: int) -> Painting:
    """A painting the actor may see, with its client and session."""
    return get_object_or_404(
        Painting.objects.visible_to(request.actor).select_related("client", "session"),
        pk=painting_id,
    )


def client_shape(request: PracticeRequest, client: Client) -> str:
    """?shape= if given, else the outline of the client's latest painting, else outline A."""
    return shape_for(request.actor, client, request.GET.get("shape"))


def shape_for(actor: Actor, client: Client, requested: str | None = None) -> str:
    """`requested` if it is a body outline, else the CHOIR outline of the client's latest
    painting on one the actor may see (maps imported onto emBODY's outline have no regions
    to chart or paint on), else outline A."""
    if requested in BODY_SHAPES:
        return str(requested)
    latest = (
        Painting.objects.visible_to(actor)
        .filter(client=client, body_shape__in=BODY_SHAPES)
        .order_by("-created_at")
        .values_list("body_shape", flat=True)
        .first()
    )
    return latest or BodyShape.FEMALE


def image_response(body: bytes, content_type: str) -> HttpResponse:
    """An image of client data: never kept by a shared cache."""
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def paint_url(client_id: int, moment: str, session_id: int | None) -> str:
    """The practitioner's painting page for one map: a check-in, or before / after a session."""
    if session_id is None:
        return reverse("bodymaps_paint", args=[client_id])
    return reverse(f"bodymaps_paint_{moment}", args=[session_id])
