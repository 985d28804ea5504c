"""The exports app's part of the client page: links to download the client's data."""

from __future__ import annotations

from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData


def client_exports(actor: Actor, client: Client) -> PanelData | None:
    """Download links, for owners and practitioners (no query: the page has the client)."""
    if not (actor.is_staff_member and actor.sees_clinical_data):
        return None
    return PanelData({"client": client})


PANELS = [
    Panel("client", "actions", 90, "exports/panels/client_actions.html", client_exports),
]
