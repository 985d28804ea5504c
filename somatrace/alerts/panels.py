"""Panels the safety alerts app adds to the client page and the dashboard."""

from __future__ import annotations

from typing import Any

from somatrace.alerts.models import Alert
from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData


def client_alerts(actor: Actor, client: Any) -> PanelData | None:
    """The client's open alerts, first thing on their page (one query)."""
    if not actor.sees_clinical_data:
        return None
    alerts = list(Alert.objects.visible_to(actor).open().filter(client_id=client.pk))
    if not alerts:
        return None
    return PanelData({"alerts": alerts}, {"alerts.alert": [a.pk for a in alerts]})


def dashboard_alerts(actor: Actor, _: Any) -> PanelData | None:
    """Every open alert the actor may see, until someone acknowledges it (one query)."""
    if not actor.sees_clinical_data:
        return None
    alerts = list(Alert.objects.visible_to(actor).open().select_related("client"))
    if not alerts:
        return None
    return PanelData(
        {"alerts": alerts},
        {"alerts.alert": [a.pk for a in alerts], "clients.client": [a.client_id for a in alerts]},
    )


PANELS = [
    Panel("client", "alerts", 10, "alerts/panels/client.html", client_alerts),
    Panel("dashboard", "alerts", 10, "alerts/panels/dashboard.html", dashboard_alerts),
]
