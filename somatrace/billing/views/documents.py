"""The PDFs of billing, shared by the staff pages and the portal: an invoice, a receipt
and a superbill, rendered from templates/billing/documents/ by billing/pdf.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from somatrace.billing import pdf, services
from somatrace.billing.models import Invoice, Payment
from somatrace.billing.queries import invoice_payments


def pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    # The invoice's number only: no client data in a file name.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _invoice_context(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "payments": invoice_payments(invoice),
        "amounts": services.invoice_amounts(invoice),
        "made_at": timezone.localtime(),
    }


def invoice_pdf(request: HttpRequest, invoice: Invoice) -> tuple[bytes, list[int]]:
    """The invoice as PDF, and the ids of the payments printed on it."""
    context = _invoice_context(invoice)
    html = render_to_string("billing/documents/invoice.html", context, request=request)
    return pdf.html_to_pdf(html), [p.pk for p in context["payments"]]


def superbill_pdf(request: HttpRequest, invoice: Invoice) -> tuple[bytes, list[int]]:
    context = _invoice_context(invoice)
    html = render_to_string("billing/documents/superbill.html", context, request=request)
    return pdf.html_to_pdf(html), [p.pk for p in context["payments"]]


def receipt_pdf(request: HttpRequest, payment: Payment) -> bytes:
    invoice = payment.invoice
    html = render_to_string(
        "billing/documents/receipt.html",
        {
            "payment": payment,
            "invoice": invoice,
            "amounts": services.invoice_amounts(invoice),
            "made_at": timezone.localtime(),
        },
        request=request,
    )
    return pdf.html_to_pdf(html)
