"""What the therapy pages share: finding a session the actor may see."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from somatrace.core.decorators import PracticeRequest
from somatrace.therapy.models import Session


def session_for(request: PracticeRequest, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.actor).select_related(
            "client", "practitioner", "signed_by", "client__practice"
        ),
        pk=session_id,
    )


def wants_json(request: PracticeRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    )
