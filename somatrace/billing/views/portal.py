"""The client's own invoices in the portal: the list with the balance, and each invoice's
PDF (and its superbill when the practitioner entered codes). Only the client signed in to
the portal comes in; another client's invoice is a 404, staff are refused at the door."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from somatrace.audit import services as audit
from somatrace.billing import services
from somatrace.billing.models import Invoice, InvoiceStatus
from somatrace.billing.queries import client_invoices
from somatrace.billing.views.documents import invoice_pdf, pdf_response, superbill_pdf
from somatrace.core.decorators import PortalRequest, client_portal_required

MAX_LISTED = 200


def _own_invoice(request: PortalRequest, invoice_id: int) -> Invoice:
    return get_object_or_404(
        Invoice.objects.visible_to(request.actor).select_related("client"),
        pk=invoice_id,
        client_id=request.portal_client.pk,
    )


@client_portal_required
@require_GET
def portal_invoices(request: PortalRequest) -> HttpResponse:
    client = request.portal_client
    invoices = client_invoices(request.actor, client.pk, limit=MAX_LISTED)
    balance = services.client_balance(request.actor, client)
    audit.read(request.actor, client, shown={"billing.invoice": [s.invoice.pk for s in invoices]})
    return render(
        request, "billing/portal/invoices.html", {"invoices": invoices, "balance": balance}
    )


@client_portal_required
@require_GET
def portal_invoice_pdf(request: PortalRequest, invoice_id: int) -> HttpResponse:
    invoice = _own_invoice(request, invoice_id)
    body, payment_ids = invoice_pdf(request, invoice)
    audit.exported(request.actor, invoice, ["invoice"], shown={"billing.payment": payment_ids})
    return pdf_response(body, f"invoice-{invoice.number}.pdf")


@client_portal_required
@require_GET
def portal_invoice_superbill(request: PortalRequest, invoice_id: int) -> HttpResponse:
    """The statement the client sends their insurer, when the practitioner entered codes."""
    invoice = _own_invoice(request, invoice_id)
    if invoice.status != InvoiceStatus.ISSUED or not invoice.diagnosis_codes:
        raise Http404("No statement for insurance for this invoice.")
    body, payment_ids = superbill_pdf(request, invoice)
    audit.exported(
        request.actor,
        invoice,
        ["superbill", "diagnosis_codes", "procedure_codes"],
        shown={"billing.payment": payment_ids},
    )
    return pdf_response(body, f"superbill-{invoice.number}.pdf")
