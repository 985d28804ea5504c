"""The journal's panels: on the client page, the entries the client SHARED and the check-ins;
on the client's portal home, the check-ins waiting for an answer."""

from __future__ import annotations

from typing import Any

from somatrace.bodymaps.vocabulary import EMOTION_LABELS
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.panels import Panel, PanelData, PortalLink
from somatrace.journal.models import CheckIn, JournalEntry

PANEL_ENTRIES = 5
PANEL_CHECKINS = 6


def emotion_rows(emotions: list[dict[str, Any]], labels: dict[str, str]) -> list[str]:
    return [f"{labels.get(e['code'], e['code'])} {e['intensity']}/10" for e in emotions]


def client_panel(actor: Actor, client: Any) -> PanelData | None:
    """Shared journal entries and check-ins (two queries). Private entries never appear:
    JournalEntry.objects.visible_to gives staff shared entries only."""
    if not actor.is_staff_member or not actor.sees_clinical_data:
        return None
    entries = list(
        JournalEntry.objects.visible_to(actor)
        .filter(client_id=client.pk)
        .order_by("-created_at", "-id")[:PANEL_ENTRIES]
    )
    for entry in entries:
        entry.emotion_rows = emotion_rows(entry.emotions, EMOTION_LABELS)  # type: ignore[attr-defined]
    checkins = list(
        CheckIn.objects.visible_to(actor)
        .filter(client_id=client.pk)
        .select_related("session")
        .order_by("-due_at", "-id")[:PANEL_CHECKINS]
    )
    return PanelData(
        {"client": client, "entries": entries, "checkins": checkins},
        {
            "journal.journalentry": [e.pk for e in entries],
            "journal.checkin": [c.pk for c in checkins],
        },
    )


def portal_panel(actor: Actor, client: Any) -> PanelData | None:
    """On the client's portal home: check-ins waiting for their answer."""
    if actor.kind is not ActorKind.CLIENT:
        return None
    open_checkins = list(
        CheckIn.objects.visible_to(actor)
        .filter(answered_at__isnull=True)
        .order_by("due_at", "id")[:PANEL_CHECKINS]
    )
    return PanelData(
        {"checkins": open_checkins}, {"journal.checkin": [c.pk for c in open_checkins]}
    )


PANELS = [
    Panel("client", "main", 35, "journal/panels/client.html", client_panel),
    Panel("portal", "main", 10, "journal/panels/portal.html", portal_panel),
]
PORTAL_LINKS = [PortalLink("Journal", "portal_journal", 20)]
OFFLINE_PAGES = [PortalLink("Write in your journal", "portal_journal_write", 20)]
OFFLINE_STATIC = [
    "css/bodymaps.css",
    "css/journal.css",
    "js/net.js",
    "js/bodymaps/paint.js",
    "js/journal/journal.js",
]
