"""Panels the body maps app adds to the client page and the session page."""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone

from somatrace.bodymaps import figures, plain
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import REGION_BY_CODE, VIEW_LABELS
from somatrace.bodymaps.models import Moment, Painting, RegionFinding
from somatrace.bodymaps.raster import views_of
from somatrace.bodymaps.services import painting_raster
from somatrace.clients.models import ProgressSharing, TouchConsentMap, TouchStatus
from somatrace.core.actor import Actor, ActorKind
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


# --- The client's own portal ----------------------------------------------------------------

PORTAL_PAINTINGS = 4  # each is drawn on the server: a few, the latest


def _data_uri(painting: Painting) -> str:
    grid = painting_raster(painting)
    overlays = figures.painting_overlays(grid, figures.display_scale(grid, painting.body_shape))
    views = views_of(painting.body_shape)
    png = draw.png(painting.body_shape, overlays, [VIEW_LABELS[v] for v in views], views)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def portal_bodymaps(actor: Actor, client: Any) -> PanelData | None:
    """The client's latest body maps with what they marked, in plain words, and how the first
    and the latest compare; only when the practitioner shares body maps (three queries)."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != client.pk:
        return None
    if "bodymaps" not in ProgressSharing.shared_with(client.pk):
        return None
    visible = Painting.objects.visible_to(actor).filter(client_id=client.pk)
    latest = list(visible.order_by("-created_at", "-id")[:PORTAL_PAINTINGS])
    first = visible.order_by("created_at", "id").first()
    maps = [
        {
            "painting": p,
            "image": _data_uri(p),
            "sentence": plain.map_sentence(p.stats, p.nothing_felt),
        }
        for p in latest
    ]
    over_time = ""
    if first is not None and latest and first.pk != latest[0].pk:
        over_time = plain.over_time_sentence(
            first.stats,
            timezone.localtime(first.created_at).date(),
            latest[0].stats,
            timezone.localtime(latest[0].created_at).date(),
        )
    shown = {p.pk for p in latest} | ({first.pk} if first else set())
    return PanelData(
        {"maps": maps, "over_time": over_time, "what_it_means": plain.WHAT_IT_MEANS},
        {"bodymaps.painting": sorted(shown)},
    )


PANELS.append(
    Panel("progress", "main", 30, "bodymaps/panels/portal_bodymaps.html", portal_bodymaps)
)
