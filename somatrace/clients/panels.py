"""Panels the clients app adds to the dashboard."""

from __future__ import annotations

from typing import Any

from somatrace.clients.forms import AttachmentForm
from somatrace.clients.models import Attachment, Client
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


def client_attachments(actor: Actor, client: Client) -> PanelData | None:
    """Documents on the record, with the upload form: clinical, like the notes (one query)."""
    if not actor.sees_clinical_data or not actor.is_staff_member:
        return None
    attachments = list(
        Attachment.objects.visible_to(actor).filter(client=client).select_related("uploaded_by")
    )
    return PanelData(
        {
            "client": client,
            "attachments": attachments,
            "form": AttachmentForm(auto_id="id_attachment_%s"),
        },
        {"clients.attachment": [a.pk for a in attachments]},
    )


PANELS = [
    Panel("dashboard", "right", 10, "clients/panels/dashboard_on_hold.html", dashboard_on_hold),
    Panel("client", "main", 80, "clients/panels/client_attachments.html", client_attachments),
]
