"""Reads of billing shared by the staff pages, the client panel and the portal: invoices
with what was paid on them, in a bounded number of queries whatever their number."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from somatrace.billing import money
from somatrace.billing.models import Invoice, Payment, PaymentKind
from somatrace.core.actor import Actor


@dataclass(frozen=True)
class InvoiceSummary:
    invoice: Invoice
    paid: Decimal
    refunded: Decimal

    @property
    def due(self) -> Decimal:
        """Still due; nothing on a void invoice."""
        if self.invoice.is_void:
            return Decimal(0)
        return money.outstanding(self.invoice.total, self.paid, self.refunded)


def client_invoices(
    actor: Actor, client_id: int, *, limit: int | None = None
) -> list[InvoiceSummary]:
    """The client's invoices, newest first, each with its payments' sums (one query).

    Open to the front desk (assistants too): amounts and numbers, never codes."""
    rows: QuerySet[Invoice] = (
        Invoice.objects.visible_to(actor, clinical=False)
        .filter(client_id=client_id)
        .annotate(
            paid_sum=Sum("payments__amount", filter=Q(payments__kind=PaymentKind.PAYMENT)),
            refunded_sum=Sum("payments__amount", filter=Q(payments__kind=PaymentKind.REFUND)),
        )
        .order_by("-sequence")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        InvoiceSummary(
            invoice=row,
            paid=getattr(row, "paid_sum", None) or Decimal(0),
            refunded=getattr(row, "refunded_sum", None) or Decimal(0),
        )
        for row in rows
    ]


def invoice_payments(invoice: Invoice) -> list[Payment]:
    return list(Payment.objects.filter(invoice_id=invoice.pk).select_related("recorded_by"))
