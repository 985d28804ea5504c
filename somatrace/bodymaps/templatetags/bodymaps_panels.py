"""Panels the body maps app adds to the client, session and dashboard pages."""

from __future__ import annotations

from typing import Any

from django import template

from somatrace.accounts.access import membership_of
from somatrace.bodymaps.atlas import REGION_BY_CODE
from somatrace.bodymaps.models import Moment, Painting, RegionFinding, TouchConsentMap, TouchStatus

register = template.Library()

PANEL_PAINTINGS = 4


def _not_welcome(touch_map: TouchConsentMap | None) -> list[str]:
    if touch_map is None:
        return []
    return [
        REGION_BY_CODE[code].name
        for code, status in touch_map.regions.items()
        if status == TouchStatus.NOT_WELCOME and code in REGION_BY_CODE
    ]


@register.inclusion_tag("bodymaps/panels/client.html", takes_context=True)
def bodymaps_client_panel(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """The client panel; queries only what the user may see, a bounded number of times."""
    user = context["request"].user
    paintings = list(
        Painting.objects.visible_to(user)
        .filter(client_id=client.pk)
        .only("id", "client_id", "moment", "created_at", "nothing_felt", "session_id")
        .order_by("-created_at", "-id")[:PANEL_PAINTINGS]
    )
    touch_map = (
        TouchConsentMap.objects.visible_to(user)
        .filter(client_id=client.pk)
        .order_by("-version")
        .first()
    )
    visible = bool(paintings) or touch_map is not None or context.get("clinical", False)
    return {
        "visible": visible,
        "client": client,
        "paintings": paintings,
        "touch_map": touch_map,
        "not_welcome": _not_welcome(touch_map),
        "is_owner": bool(getattr(membership_of(user), "is_owner", False)),
    }


@register.inclusion_tag("bodymaps/panels/session.html", takes_context=True)
def bodymaps_session_panel(context: dict[str, Any], session: Any) -> dict[str, Any]:
    """The session panel; queries only what the user may see, a bounded number of times."""
    user = context["request"].user
    paintings = {
        p.moment: p
        for p in Painting.objects.visible_to(user)
        .filter(session_id=session.pk)
        .only("id", "client_id", "session_id", "moment", "created_at", "nothing_felt")
        .order_by("created_at", "id")
    }
    touch_map = (
        TouchConsentMap.objects.visible_to(user)
        .filter(client_id=session.client_id)
        .order_by("-version")
        .first()
    )
    findings = list(
        RegionFinding.objects.visible_to(user)
        .filter(session_id=session.pk)
        .order_by("created_at")[:8]
    )
    return {
        "session": session,
        "pre": paintings.get(Moment.PRE),
        "post": paintings.get(Moment.POST),
        "touch_map": touch_map,
        "not_welcome": _not_welcome(touch_map),
        "findings": findings,
    }
