"""Billing's panel on the client page (recent invoices and the balance) and its link in
the client's portal."""

from __future__ import annotations

from typing import Any

from somatrace.billing import services
from somatrace.billing.queries import client_invoices
from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData, PortalLink

RECENT = 5


def client_invoices_panel(actor: Actor, client: Any) -> PanelData | None:
    """The latest invoices with what is due, and the balance: one query for a client never
    invoiced (most of a large practice's records), four otherwise. Staff only; assistants
    see it too (the front desk takes payments), without the means to invoice."""
    if not actor.is_staff_member:
        return None
    invoices = client_invoices(actor, client.pk, limit=RECENT)
    # Every payment belongs to an invoice: with none, the balance is nothing and not shown.
    balance = services.client_balance(actor, client) if invoices else None
    return PanelData(
        {
            "client": client,
            "invoices": invoices,
            "balance": balance,
            "can_invoice": actor.sees_clinical_data,
        },
        {"billing.invoice": [s.invoice.pk for s in invoices]},
    )


PANELS = [Panel("client", "main", 70, "billing/panels/client_invoices.html", client_invoices_panel)]

PORTAL_LINKS = [PortalLink("Invoices", "portal_invoices", 70)]
