"""The practice's billing pages: a client's invoices and balance, a new invoice (from the
client's unbilled appointments, or a package), one invoice with its payments, and the
PDFs; the owner's billing settings. Thin: check access, parse the form, call the service.

Owners and practitioners (for their clients) invoice and void; assistants, the front
desk, see invoices and record payments and refunds, never diagnosis or procedure codes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from somatrace.audit import services as audit
from somatrace.billing import services
from somatrace.billing.forms import (
    AppointmentsInvoiceForm,
    PackageInvoiceForm,
    PaymentForm,
    SettingsForm,
    UsePackageForm,
    VoidForm,
)
from somatrace.billing.models import Invoice, InvoiceStatus, Package, Payment, PaymentKind
from somatrace.billing.queries import client_invoices, invoice_payments
from somatrace.billing.views.documents import (
    invoice_pdf,
    pdf_response,
    receipt_pdf,
    superbill_pdf,
)
from somatrace.clients.models import Client
from somatrace.core.decorators import (
    PracticeRequest,
    clinical_required,
    member_required,
    owner_required,
)
from somatrace.core.errors import RuleError
from somatrace.scheduling.models import Appointment

MAX_LISTED = 200  # a client's invoices on one page; more than this is years of weekly work


def _client_for(request: PracticeRequest, client_id: int, *, clinical: bool) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.actor, clinical=clinical), pk=client_id
    )


def _invoice_for(request: PracticeRequest, invoice_id: int) -> Invoice:
    """The invoice if the member may see its client: assistants too (the front desk)."""
    return get_object_or_404(
        Invoice.objects.visible_to(request.actor, clinical=False).select_related(
            "client", "practice"
        ),
        pk=invoice_id,
    )


def _problems(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _labelled(appointments: list[Appointment], zone: Any) -> list[Appointment]:
    for a in appointments:
        local = a.starts_at.astimezone(zone)
        status = " (no-show)" if a.status == "no_show" else ""
        a.billing_label = (  # type: ignore[attr-defined]
            f"{local:%a} {local.day} {local:%b %Y, %H:%M} · {a.appointment_type.name} · "
            f"{a.appointment_type.price}{status}"
        )
    return appointments


@member_required
@require_GET
def client_invoices_page(request: PracticeRequest, client_id: int) -> HttpResponse:
    """All of a client's invoices (newest first, up to MAX_LISTED) and their balance."""
    client = _client_for(request, client_id, clinical=False)
    invoices = client_invoices(request.actor, client.pk, limit=MAX_LISTED)
    balance = services.client_balance(request.actor, client)
    audit.read(request.actor, client, shown={"billing.invoice": [s.invoice.pk for s in invoices]})
    return render(
        request,
        "billing/client_invoices.html",
        {
            "client": client,
            "invoices": invoices,
            "balance": balance,
            "can_invoice": request.actor.sees_clinical_data,
            "more": len(invoices) == MAX_LISTED,
        },
    )


def _new_invoice_page(
    request: PracticeRequest,
    client: Client,
    *,
    appointments_form: AppointmentsInvoiceForm | None = None,
    package_form: PackageInvoiceForm | None = None,
    use_form: UsePackageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    billing = services.settings_for(client.practice_id)
    unbilled = services.unbilled_appointments(request.actor, client)
    if billing is not None:
        _labelled(unbilled, billing.practice.zone)
    packages = services.packages_with_sessions_left(request.actor, client)
    audit.read(
        request.actor,
        client,
        shown={
            "scheduling.appointment": [a.pk for a in unbilled],
            "billing.package": [s.package.pk for s in packages],
        },
    )
    return render(
        request,
        "billing/invoice_new.html",
        {
            "client": client,
            "billing": billing,
            "unbilled": unbilled,
            "packages": packages,
            "appointments_form": appointments_form
            or AppointmentsInvoiceForm(appointments=unbilled, auto_id="bill_%s"),
            "package_form": package_form
            or PackageInvoiceForm(practice_id=client.practice_id, auto_id="package_%s"),
            "use_form": use_form
            or UsePackageForm(packages=packages, appointments=unbilled, auto_id="use_%s"),
        },
        status=status,
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def invoice_new(request: PracticeRequest, client_id: int) -> HttpResponse:
    """GET: the client's unbilled appointments to choose from, and a package. POST: issue
    an invoice for the appointments chosen."""
    client = _client_for(request, client_id, clinical=True)
    if request.method == "GET":
        return _new_invoice_page(request, client)
    unbilled = services.unbilled_appointments(request.actor, client)
    form = AppointmentsInvoiceForm(request.POST, appointments=unbilled, auto_id="bill_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.invoice_appointments(
                request.actor,
                client,
                list(data["appointments"]),
                unit_price=data["unit_price"],
                sliding_scale_reason=data["sliding_scale_reason"],
                procedure_code=data["procedure_code"],
                diagnosis_codes=data["diagnosis_codes"],
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Invoice {invoice.number} issued.")
            return redirect("invoice_detail", invoice.pk)
    return _new_invoice_page(request, client, appointments_form=form, status=400)


@clinical_required
@require_POST
def invoice_package_new(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id, clinical=True)
    form = PackageInvoiceForm(request.POST, practice_id=client.practice_id, auto_id="package_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.invoice_package(
                request.actor,
                client,
                appointment_type=data["appointment_type"],
                sessions=data["sessions"],
                price=data["price"],
                procedure_code=data["procedure_code"],
                diagnosis_codes=data["diagnosis_codes"],
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Invoice {invoice.number} issued for the package.")
            return redirect("invoice_detail", invoice.pk)
    return _new_invoice_page(request, client, package_form=form, status=400)


@clinical_required
@require_POST
def package_use(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id, clinical=True)
    packages = services.packages_with_sessions_left(request.actor, client)
    unbilled = services.unbilled_appointments(request.actor, client)
    form = UsePackageForm(request.POST, packages=packages, appointments=unbilled, auto_id="use_%s")
    if form.is_valid():
        package = get_object_or_404(
            Package.objects.visible_to(request.actor), pk=form.cleaned_data["package"]
        )
        chosen = [a for a in unbilled if a.pk in set(form.cleaned_data["appointments"])]
        try:
            uses = services.use_package(request.actor, package, chosen)
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{len(uses)} taken from the package.")
            return redirect("client_invoices", client.pk)
    return _new_invoice_page(request, client, use_form=form, status=400)


def _invoice_page(
    request: PracticeRequest,
    invoice: Invoice,
    *,
    payment_form: PaymentForm | None = None,
    refund_form: PaymentForm | None = None,
    void_form: VoidForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lines = list(invoice.lines.all())
    payments = invoice_payments(invoice)
    today = services.local_today(invoice.practice)
    audit.read(
        request.actor,
        invoice,
        shown={
            "billing.invoiceline": [x.pk for x in lines],
            "billing.payment": [p.pk for p in payments],
        },
    )
    amounts = services.invoice_amounts(invoice)
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "client": invoice.client,
            "lines": lines,
            "payments": payments,
            "amounts": amounts,
            "clinical": request.actor.sees_clinical_data,
            "payment_form": payment_form
            or PaymentForm(
                initial={"amount": amounts.due, "received_on": today, "method": "card"},
                auto_id="pay_%s",
            ),
            "refund_form": refund_form
            or PaymentForm(initial={"received_on": today, "method": "card"}, auto_id="refund_%s"),
            "void_form": void_form or VoidForm(auto_id="void_%s"),
        },
        status=status,
    )


@member_required
@require_GET
def invoice_detail(request: PracticeRequest, invoice_id: int) -> HttpResponse:
    return _invoice_page(request, _invoice_for(request, invoice_id))


def _money_form(request: PracticeRequest, invoice_id: int, kind: PaymentKind) -> HttpResponse:
    invoice = _invoice_for(request, invoice_id)
    prefix = "pay" if kind == PaymentKind.PAYMENT else "refund"
    form = PaymentForm(request.POST, auto_id=f"{prefix}_%s")
    if form.is_valid():
        record = services.record_payment if kind == PaymentKind.PAYMENT else services.record_refund
        try:
            payment = record(
                request.actor,
                invoice,
                form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                received_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
            )
        except RuleError as refusal:
            form.add_error("amount", str(refusal))
        else:
            word = "Payment" if kind == PaymentKind.PAYMENT else "Refund"
            messages.success(request, f"{word} recorded: receipt {payment.receipt_number}.")
            return redirect("invoice_detail", invoice.pk)
    invoice.refresh_from_db()
    if kind == PaymentKind.PAYMENT:
        return _invoice_page(request, invoice, payment_form=form, status=400)
    return _invoice_page(request, invoice, refund_form=form, status=400)


@member_required
@require_POST
def invoice_payment(request: PracticeRequest, invoice_id: int) -> HttpResponse:
    return _money_form(request, invoice_id, PaymentKind.PAYMENT)


@member_required
@require_POST
def invoice_refund(request: PracticeRequest, invoice_id: int) -> HttpResponse:
    return _money_form(request, invoice_id, PaymentKind.REFUND)


@clinical_required
@require_POST
def invoice_void(request: PracticeRequest, invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(
        Invoice.objects.visible_to(request.actor).select_related("client", "practice"),
        pk=invoice_id,
    )
    form = VoidForm(request.POST, auto_id="void_%s")
    if form.is_valid():
        try:
            services.void_invoice(request.actor, invoice, form.cleaned_data["reason"])
        except RuleError as refusal:
            form.add_error("reason", str(refusal))
        else:
            messages.success(request, f"Invoice {invoice.number} is void; its number stays.")
            return redirect("invoice_detail", invoice.pk)
    return _invoice_page(request, invoice, void_form=form, status=400)


@member_required
@require_GET
def invoice_pdf_download(request: PracticeRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice_for(request, invoice_id)
    body, payment_ids = invoice_pdf(request, invoice)
    audit.exported(request.actor, invoice, ["invoice"], shown={"billing.payment": payment_ids})
    return pdf_response(body, f"invoice-{invoice.number}.pdf")


@clinical_required
@require_GET
def invoice_superbill(request: PracticeRequest, invoice_id: int) -> HttpResponse:
    """The statement a client sends their insurer with the codes; never a claim."""
    invoice = get_object_or_404(
        Invoice.objects.visible_to(request.actor).select_related("client", "practice"),
        pk=invoice_id,
    )
    if invoice.status != InvoiceStatus.ISSUED:
        messages.error(request, "A void invoice has no superbill.")
        return redirect("invoice_detail", invoice.pk)
    body, payment_ids = superbill_pdf(request, invoice)
    audit.exported(
        request.actor,
        invoice,
        ["superbill", "diagnosis_codes", "procedure_codes"],
        shown={"billing.payment": payment_ids},
    )
    return pdf_response(body, f"superbill-{invoice.number}.pdf")


@member_required
@require_GET
def receipt_pdf_download(request: PracticeRequest, payment_id: int) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.visible_to(request.actor, clinical=False).select_related("invoice"),
        pk=payment_id,
    )
    body = receipt_pdf(request, payment)
    audit.exported(request.actor, payment, ["receipt"])
    return pdf_response(body, f"receipt-{payment.receipt_number}.pdf")


@owner_required
@require_http_methods(["GET", "POST"])
def billing_settings(request: PracticeRequest) -> HttpResponse:
    """The owner's billing details: currency, name and address on invoices, tax, terms."""
    current = services.settings_for(request.actor.practice_id)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                request.actor, **{name: form.cleaned_data[name] for name in form.fields}
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Billing settings saved.")
            return redirect("billing_settings")
    elif current is None and request.method == "GET":
        form = SettingsForm(initial={"legal_name": request.membership.practice.name})
    return render(
        request,
        "billing/settings.html",
        {"form": form, "current": current, "next_number": _next_number(current)},
        status=400 if request.method == "POST" else 200,
    )


def _next_number(current: Any) -> str:
    if current is None:
        return "INV-0001"
    return f"{current.invoice_prefix}{current.next_invoice_number:04d}"
