"""Panels the body maps app adds to the client page and the session page."""

from __future__ import annotations

from typing import Any

from somatrace.bodymaps.atlas import REGION_BY_CODE
from somatrace.bodymaps.models import Moment, Painting, RegionFinding
from somatrace.clients.models import TouchConsentMap, TouchStatus
from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData

PANEL_PAINTINGS = 4
PANEL_FINDINGS = 8


def _not_welcome(touch_map: TouchConsentMap | None) -> list[str]:
    if touch_map is None:
        return []
    return [
        REGION_BY_CODE[code].name
        for code, status in touch_map.regions.items()
        if status == TouchStatus.NOT_WELCOME and code in REGION_BY_CODE
    ]


def _touch_map(actor: Actor, client_id: int) -> TouchConsentMap | None:
    return (
        TouchConsentMap.objects.visible_to(actor)
        .filter(client_id=client_id)
        .order_by("-version")
        .first()
    )


def client_panel(actor: Actor, client: Any) -> PanelData | None:
    """The latest paintings and the touch-consent map (two queries)."""
    if not actor.sees_clinical_data:
        return None
    paintings = list(
        Painting.objects.visible_to(actor)
        .filter(client_id=client.pk)
        .only("id", "client_id", "moment", "created_at", "nothing_felt", "session_id")
        .order_by("-created_at", "-id")[:PANEL_PAINTINGS]
    )
    touch_map = _touch_map(actor, client.pk)
    return PanelData(
        {
            "visible": True,
            "client": client,
            "paintings": paintings,
            "touch_map": touch_map,
            "not_welcome": _not_welcome(touch_map),
            "is_owner": actor.is_owner,
        },
        {
            "bodymaps.painting": [p.pk for p in paintings],
            "clients.touchconsentmap": [touch_map.pk] if touch_map else [],
        },
    )


def session_panel(actor: Actor, session: Any) -> PanelData | None:
    """Before/after maps, touch consent and the practitioner's findings (three queries)."""
    if not actor.sees_clinical_data:
        return None
    paintings = {
        p.moment: p
        for p in Painting.objects.visible_to(actor)
        .filter(session_id=session.pk)
        .only("id", "client_id", "session_id", "moment", "created_at", "nothing_felt")
        .order_by("created_at", "id")
    }
    touch_map = _touch_map(actor, session.client_id)
    findings = list(
        RegionFinding.objects.visible_to(actor)
        .filter(session_id=session.pk)
        .order_by("created_at")[:PANEL_FINDINGS]
    )
    return PanelData(
        {
            "session": session,
            "pre": paintings.get(Moment.PRE),
            "post": paintings.get(Moment.POST),
            "touch_map": touch_map,
            "not_welcome": _not_welcome(touch_map),
            "findings": findings,
        },
        {
            "bodymaps.painting": [p.pk for p in paintings.values()],
            "bodymaps.regionfinding": [f.pk for f in findings],
            "clients.touchconsentmap": [touch_map.pk] if touch_map else [],
        },
    )


PANELS = [
    Panel("client", "main", 30, "bodymaps/panels/client.html", client_panel),
    Panel("session", "main", 30, "bodymaps/panels/session.html", session_panel),
]
