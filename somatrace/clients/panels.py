"""Panels the clients app adds to the dashboard."""

from __future__ import annotations

from typing import Any

from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData


def dashboard_on_hold(actor: Actor, _: Any) -> PanelData | None:
    """Clients held for a contraindication until a practitioner clears them (one query)."""
    if not actor.sees_clinical_data:
        return None
    on_hold = list(
        Client.objects.visible_to(actor).filter(hold_since__isnull=False).order_by("hold_since")
    )
    return PanelData({"on_hold": on_hold}, {"clients.client": [c.pk for c in on_hold]})


PANELS = [
    Panel("dashboard", "right", 10, "clients/panels/dashboard_on_hold.html", dashboard_on_hold),
]
