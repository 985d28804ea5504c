"""Every change to billing, each taking the Actor who acts, checking who may, enforcing the
rules, writing and auditing in one transaction.

Who may do what:
- the owner: the practice's billing settings;
- owners and practitioners (for the clients they may see): issue invoices, void them;
- the same, and assistants at the front desk: record payments and refunds.

Services (names the other apps and the demo may call):
    settings_for(practice_id) -> BillingSettings | None
    update_settings(actor, **fields) -> BillingSettings
    unbilled_appointments(actor, client) -> list[Appointment]
    invoice_appointments(actor, client, appointments, *, unit_price=None,
                         sliding_scale_reason="", procedure_code="", diagnosis_codes=(),
                         issued_on=None) -> Invoice
    invoice_package(actor, client, *, appointment_type, sessions, price=None,
                    procedure_code="", diagnosis_codes=(), issued_on=None) -> Invoice
    use_package(actor, package, appointments) -> list[PackageUse]
    void_invoice(actor, invoice, reason) -> Invoice
    record_payment(actor, invoice, amount, *, method, received_on=None, reference="") -> Payment
    record_refund(actor, invoice, amount, *, method, received_on=None, reference="") -> Payment
    invoice_amounts(invoice) -> InvoiceAmounts      (paid, refunded, due for one invoice)
    client_balance(actor, client) -> Balance        (a read: the caller audits it)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.audit import services as audit
from somatrace.billing import money
from somatrace.billing.codes import normalise_cpt, normalise_icd10cm
from somatrace.billing.models import (
    MAX_AMOUNT,
    MAX_PERCENT,
    BillingSettings,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Package,
    PackageUse,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.scheduling.models import Appointment, AppointmentStatus, AppointmentType

# Appointments that can be billed: those that happened or are to happen, and missed ones
# (a practice may charge for a no-show); a cancelled appointment is never billed.
BILLABLE = (AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW)
MAX_LINES = 50  # one invoice for up to 50 appointments: a long course, still one page or two

SETTINGS_FIELDS = (
    "currency",
    "legal_name",
    "address",
    "email",
    "tax_id",
    "tax_label",
    "tax_rate",
    "payment_terms_days",
    "invoice_prefix",
    "payment_instructions",
    "provider_details",
)


# --- Who may ------------------------------------------------------------------------------


def _require_clinician_of(actor: Actor, client: Client, what: str) -> None:
    actor.require_clinical_staff(f"Only a practitioner or the owner {what}.")
    if not Client.objects.visible_to(actor).filter(pk=client.pk).exists():
        raise PermissionDenied("This client is not one of yours.")


def _require_front_desk_of(actor: Actor, client_id: int) -> None:
    """Owners, practitioners for their clients, assistants for the practice's clients."""
    if not actor.is_staff_member:
        raise PermissionDenied("Payments are recorded by the practice.")
    if not Client.objects.visible_to(actor, clinical=False).filter(pk=client_id).exists():
        raise PermissionDenied("This client is not one of yours.")


def local_today(practice: Practice) -> date:
    return timezone.localdate(timezone=practice.zone)


# --- Settings -----------------------------------------------------------------------------


def settings_for(practice_id: int) -> BillingSettings | None:
    """The practice's billing settings, or None before the owner has saved them."""
    return (
        BillingSettings.objects.select_related("practice").filter(practice_id=practice_id).first()
    )


@transaction.atomic
def update_settings(actor: Actor, **fields: Any) -> BillingSettings:
    """Save the practice's billing details (owner only). The currency cannot change once an
    invoice has been issued in it: balances would add up different currencies."""
    actor.require_owner("Only the practice owner sets up billing.")
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not billing settings: {sorted(unknown)}")
    current = (
        BillingSettings.objects.select_for_update().filter(practice_id=actor.practice_id).first()
    )
    if current is None:
        practice = Practice.objects.get(pk=actor.practice_id)
        current = BillingSettings(practice=practice, legal_name=practice.name)
    currency = fields.get("currency", current.currency)
    if currency not in money.MINOR_UNITS:
        raise RuleError("Choose a currency from the list.")
    if (
        current.pk is not None
        and currency != current.currency
        and Invoice.objects.filter(practice_id=actor.practice_id).exists()
    ):
        raise RuleError(
            f"Invoices have been issued in {current.currency}; the currency cannot change."
        )
    rate = fields.get("tax_rate", current.tax_rate)
    if not Decimal(0) <= rate <= MAX_PERCENT:
        raise RuleError("The tax rate is a percentage between 0 and 100.")
    changed = [name for name, value in fields.items() if getattr(current, name) != value]
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    creating = current.pk is None
    current.save()
    if creating:
        audit.created(actor, current, SETTINGS_FIELDS)
    elif changed:
        audit.updated(actor, current, changed)
    return current


def _locked_settings(practice_id: int) -> BillingSettings:
    """The settings row, locked until the transaction ends: the number counters in it are
    taken one at a time, so two invoices issued at once never share or skip a number."""
    found = (
        BillingSettings.objects.select_for_update()
        .select_related("practice")
        .filter(practice_id=practice_id)
        .first()
    )
    if found is None:
        raise RuleError(
            "Billing is not set up yet: the owner chooses the currency and the practice's "
            "details under Practice → Billing first."
        )
    return found


# --- Invoices -----------------------------------------------------------------------------


def unbilled_appointments(actor: Actor, client: Client) -> list[Appointment]:
    """The client's booked or missed appointments on no invoice (but void ones) and not
    taken from a package, oldest first. Clinical staff only (a read: the caller audits)."""
    return list(
        _unbilled(Appointment.objects.visible_to(actor).filter(client_id=client.pk))
        .select_related("appointment_type", "practitioner")
        .order_by("starts_at", "id")
    )


def _unbilled(appointments: Any) -> Any:
    return (
        appointments.filter(status__in=BILLABLE)
        .exclude(invoice_lines__invoice__status=InvoiceStatus.ISSUED)
        .exclude(package_use__isnull=False)
    )


@dataclass(frozen=True)
class NewLine:
    description: str
    quantity: int
    unit_price: Decimal
    list_price: Decimal
    sliding_scale_reason: str = ""
    service_date: date | None = None
    procedure_code: str = ""
    appointment: Appointment | None = None
    provider_name: str = ""


def _checked_price(value: Decimal, currency: str, what: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money is never a float.")
    value = Decimal(value)
    if value < 0:
        raise RuleError(f"{what} cannot be negative.")
    if value > MAX_AMOUNT:
        raise RuleError(f"{what} is too large.")
    if not money.is_exact(value, currency):
        places = money.minor_units(currency)
        raise RuleError(f"{what} has more than {places} decimal places for {currency}.")
    return money.to_money(value, currency)


def _codes(procedure_code: str, diagnosis_codes: Iterable[str]) -> tuple[str, list[str]]:
    try:
        procedure = normalise_cpt(procedure_code) if procedure_code.strip() else ""
        diagnoses: list[str] = []
        for text in diagnosis_codes:
            code = normalise_icd10cm(text)
            if code not in diagnoses:
                diagnoses.append(code)
    except ValueError as problem:
        raise RuleError(str(problem)) from None
    return procedure, diagnoses


def _issue(
    actor: Actor,
    client: Client,
    lines: Sequence[NewLine],
    *,
    diagnosis_codes: list[str],
    issued_on: date | None,
    package: Package | None = None,
) -> Invoice:
    """Number and store one invoice with its lines. Runs inside the caller's transaction,
    which holds the settings row's lock (taken here) until it commits: the number is used
    exactly when the invoice is, or not at all if anything fails."""
    billing = _locked_settings(client.practice_id)
    currency = billing.currency
    rate = billing.tax_rate
    amounts = [
        money.line_amounts(money.Line(line.quantity, line.unit_price, rate), currency)
        for line in lines
    ]
    totals = money.invoice_totals(
        (money.Line(line.quantity, line.unit_price, rate) for line in lines), currency
    )
    issued_on = issued_on or local_today(billing.practice)
    sequence = billing.next_invoice_number
    billing.next_invoice_number = sequence + 1
    billing.save(update_fields=["next_invoice_number", "updated_at"])
    invoice = Invoice.objects.create(
        practice_id=client.practice_id,
        client=client,
        sequence=sequence,
        number=f"{billing.invoice_prefix}{sequence:04d}",
        package=package,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=billing.payment_terms_days),
        issued_by=actor.user,
        currency=currency,
        seller_name=billing.legal_name,
        seller_address=billing.address,
        seller_email=billing.email,
        seller_tax_id=billing.tax_id,
        tax_label=billing.tax_label if rate else "",
        payment_instructions=billing.payment_instructions,
        provider_details=billing.provider_details,
        bill_to_name=client.name,
        bill_to_address=client.address,
        diagnosis_codes=diagnosis_codes,
        net_total=totals.net,
        tax_total=totals.tax,
        total=totals.total,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            description=line.description[:200],
            service_date=line.service_date,
            quantity=line.quantity,
            unit_price=line.unit_price,
            list_price=line.list_price,
            sliding_scale_reason=line.sliding_scale_reason,
            tax_rate=rate,
            net=amount.net,
            tax=amount.tax,
            procedure_code=line.procedure_code,
            appointment=line.appointment,
            provider_name=line.provider_name,
        )
        for position, (line, amount) in enumerate(zip(lines, amounts, strict=True), start=1)
    )
    audit.created(
        actor,
        invoice,
        ["number", "lines", "total", "bill_to_name", "bill_to_address"]
        + (["diagnosis_codes"] if diagnosis_codes else []),
    )
    return invoice


@transaction.atomic
def invoice_appointments(
    actor: Actor,
    client: Client,
    appointments: Sequence[Appointment],
    *,
    unit_price: Decimal | None = None,
    sliding_scale_reason: str = "",
    procedure_code: str = "",
    diagnosis_codes: Iterable[str] = (),
    issued_on: date | None = None,
) -> Invoice:
    """Issue one invoice with a line per appointment, at each appointment type's price, or
    at `unit_price` for every line. A price below the list price is a sliding-scale price
    and needs a reason. Each appointment is billed once: one already on an invoice that is
    not void, taken from a package, cancelled or another client's is refused."""
    _require_clinician_of(actor, client, "issues invoices")
    if not appointments:
        raise RuleError("Choose at least one appointment to bill.")
    if len(appointments) > MAX_LINES:
        raise RuleError(f"At most {MAX_LINES} appointments on one invoice.")
    billing = _locked_settings(client.practice_id)
    ids = sorted({a.pk for a in appointments})
    # Locked so that two invoices made at once cannot both bill the same appointment.
    locked = list(
        Appointment.objects.select_for_update()
        .filter(pk__in=ids, client_id=client.pk)
        .order_by("starts_at", "id")
    )
    found = {
        a.pk: a
        for a in _unbilled(Appointment.objects.filter(pk__in=[a.pk for a in locked]))
        .select_related("appointment_type", "practitioner")
        .order_by("starts_at", "id")
    }
    if len(found) != len(ids):
        raise RuleError(
            "Some of these appointments are already billed, cancelled or not this client's; "
            "reload the page and choose again."
        )
    reason = sliding_scale_reason.strip()[:200]
    procedure, diagnoses = _codes(procedure_code, diagnosis_codes)
    currency = billing.currency
    price = None if unit_price is None else _checked_price(unit_price, currency, "The price")
    zone = billing.practice.zone
    lines = []
    for appointment in found.values():
        kind = appointment.appointment_type
        list_price = _checked_price(kind.price, currency, f"{kind.name}'s price")
        charged = list_price if price is None else price
        if charged < list_price and not reason:
            raise RuleError(
                f"The price is below the list price of {money.format_money(list_price, currency)}"
                ": say why (the sliding-scale reason)."
            )
        day = appointment.starts_at.astimezone(zone).date()
        lines.append(
            NewLine(
                description=f"{kind.name}, {day.day} {day:%b %Y}",
                quantity=1,
                unit_price=charged,
                list_price=list_price,
                sliding_scale_reason=reason if charged < list_price else "",
                service_date=day,
                procedure_code=procedure,
                appointment=appointment,
                provider_name=appointment.practitioner.full_name,
            )
        )
    return _issue(actor, client, lines, diagnosis_codes=diagnoses, issued_on=issued_on)


@transaction.atomic
def invoice_package(
    actor: Actor,
    client: Client,
    *,
    appointment_type: AppointmentType,
    sessions: int,
    price: Decimal | None = None,
    procedure_code: str = "",
    diagnosis_codes: Iterable[str] = (),
    issued_on: date | None = None,
) -> Invoice:
    """Sell `sessions` sessions of one appointment type together for `price` (default:
    sessions × the type's price), on one invoice of one line. The appointments are then
    taken from the package (use_package) instead of billed one by one."""
    _require_clinician_of(actor, client, "issues invoices")
    if appointment_type.practice_id != client.practice_id:
        raise PermissionDenied("Not this practice's appointment type.")
    if not 2 <= sessions <= 50:
        raise RuleError("A package holds between 2 and 50 sessions.")
    billing = _locked_settings(client.practice_id)
    currency = billing.currency
    type_price = _checked_price(appointment_type.price, currency, "The type's price")
    list_price = money.to_money(type_price * sessions, currency)
    charged = list_price if price is None else _checked_price(price, currency, "The price")
    procedure, diagnoses = _codes(procedure_code, diagnosis_codes)
    package = Package.objects.create(
        practice_id=client.practice_id,
        client=client,
        appointment_type=appointment_type,
        sessions=sessions,
        price=charged,
    )
    audit.created(actor, package, ["appointment_type", "sessions", "price"])
    line = NewLine(
        description=f"Package: {sessions} × {appointment_type.name}",
        quantity=1,
        unit_price=charged,
        list_price=list_price,
        sliding_scale_reason="Package price" if charged < list_price else "",
        procedure_code=procedure,
        provider_name=getattr(actor.user, "full_name", ""),
    )
    return _issue(
        actor, client, [line], diagnosis_codes=diagnoses, issued_on=issued_on, package=package
    )


@dataclass(frozen=True)
class PackageState:
    package: Package
    used: int

    @property
    def left(self) -> int:
        return self.package.sessions - self.used


def packages_with_sessions_left(actor: Actor, client: Client) -> list[PackageState]:
    """The client's packages on an issued invoice with sessions left (two queries)."""
    packages = (
        Package.objects.visible_to(actor)
        .filter(client_id=client.pk, invoice__status=InvoiceStatus.ISSUED)
        .select_related("appointment_type", "invoice")
    )
    used: dict[int, int] = {}
    for row in (
        PackageUse.objects.filter(package__in=packages)
        .values("package_id")
        .annotate(n=Count("id"))
        .values_list("package_id", "n")
    ):
        used[row[0]] = row[1]
    states = [PackageState(p, used.get(p.pk, 0)) for p in packages]
    return [s for s in states if s.left > 0]


@transaction.atomic
def use_package(
    actor: Actor, package: Package, appointments: Sequence[Appointment]
) -> list[PackageUse]:
    """Take unbilled appointments of the package's type from it, while sessions are left."""
    client = Client.objects.get(pk=package.client_id)
    _require_clinician_of(actor, client, "takes sessions from a package")
    package = (
        Package.objects.select_for_update().select_related("appointment_type").get(pk=package.pk)
    )
    if not Invoice.objects.filter(package=package, status=InvoiceStatus.ISSUED).exists():
        raise RuleError("This package's invoice is void; its sessions cannot be used.")
    ids = sorted({a.pk for a in appointments})
    if not ids:
        raise RuleError("Choose at least one appointment.")
    locked = list(Appointment.objects.select_for_update().filter(pk__in=ids, client_id=client.pk))
    found = list(_unbilled(Appointment.objects.filter(pk__in=[a.pk for a in locked])))
    if len(found) != len(ids):
        raise RuleError("Some of these appointments are already billed or cancelled.")
    if any(a.appointment_type_id != package.appointment_type_id for a in found):
        raise RuleError(f"This package is for {package.appointment_type.name} only.")
    left = package.sessions - PackageUse.objects.filter(package=package).count()
    if len(found) > left:
        raise RuleError(f"The package has {left} session{'s' if left != 1 else ''} left.")
    uses = [
        PackageUse.objects.create(package=package, client_id=client.pk, appointment=a)
        for a in found
    ]
    for use in uses:
        audit.created(actor, use, ["package", "appointment"])
    return uses


@transaction.atomic
def void_invoice(actor: Actor, invoice: Invoice, reason: str) -> Invoice:
    """Void an issued invoice: it keeps its number (no gap), stops counting in the balance,
    and its appointments can be billed again. Money paid on it is refunded first."""
    client = Client.objects.get(pk=invoice.client_id)
    _require_clinician_of(actor, client, "voids invoices")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    reason = reason.strip()
    if not reason:
        raise RuleError("Say why the invoice is void (e.g. issued to the wrong client).")
    if invoice.is_void:
        raise RuleError(f"Invoice {invoice.number} is void already.")
    amounts = invoice_amounts(invoice)
    if amounts.paid - amounts.refunded > 0:
        raise RuleError(
            f"{money.format_money(amounts.paid - amounts.refunded, invoice.currency)} has been "
            f"paid on invoice {invoice.number}: refund it before voiding the invoice."
        )
    if (
        invoice.package_id is not None
        and PackageUse.objects.filter(package_id=invoice.package_id).exists()
    ):
        raise RuleError("Sessions have been taken from this package; it cannot be voided.")
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = timezone.now()
    invoice.void_reason = reason[:200]
    invoice.save(update_fields=["status", "voided_at", "void_reason"])
    audit.updated(actor, invoice, ["status", "voided_at", "void_reason"])
    return invoice


# --- Payments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceAmounts:
    total: Decimal
    paid: Decimal
    refunded: Decimal

    @property
    def due(self) -> Decimal:
        return money.outstanding(self.total, self.paid, self.refunded)


def invoice_amounts(invoice: Invoice) -> InvoiceAmounts:
    """What was paid and refunded on one invoice, and what is still due (one query)."""
    sums = Payment.objects.filter(invoice_id=invoice.pk).aggregate(
        paid=Sum("amount", filter=Q(kind=PaymentKind.PAYMENT)),
        refunded=Sum("amount", filter=Q(kind=PaymentKind.REFUND)),
    )
    return InvoiceAmounts(
        total=invoice.total,
        paid=sums["paid"] or Decimal(0),
        refunded=sums["refunded"] or Decimal(0),
    )


def _record(
    actor: Actor,
    invoice: Invoice,
    amount: Decimal,
    kind: PaymentKind,
    *,
    method: str,
    received_on: date | None,
    reference: str,
) -> Payment:
    _require_front_desk_of(actor, invoice.client_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_void:
        raise RuleError(f"Invoice {invoice.number} is void; nothing can be paid on it.")
    if method not in PaymentMethod.values:
        raise RuleError("Choose how the money was paid: cash, card, transfer or other.")
    word = "payment" if kind == PaymentKind.PAYMENT else "refund"
    amount = _checked_price(amount, invoice.currency, f"The {word}")
    if amount <= 0:
        raise RuleError(f"A {word} is more than nothing.")
    amounts = invoice_amounts(invoice)
    show = money.format_money
    if kind == PaymentKind.PAYMENT and amount > amounts.due:
        raise RuleError(
            f"{show(amount, invoice.currency)} is more than the "
            f"{show(amounts.due, invoice.currency)} still due on invoice {invoice.number}."
        )
    if kind == PaymentKind.REFUND and amount > amounts.paid - amounts.refunded:
        raise RuleError(
            f"{show(amount, invoice.currency)} is more than the "
            f"{show(amounts.paid - amounts.refunded, invoice.currency)} paid on invoice "
            f"{invoice.number}: a refund gives back only what was paid."
        )
    # The receipt's number, taken under the settings row's lock only now that every check
    # has passed: a refused payment uses no number.
    billing = _locked_settings(invoice.practice_id)
    sequence = billing.next_receipt_number
    billing.next_receipt_number = sequence + 1
    billing.save(update_fields=["next_receipt_number", "updated_at"])
    payment = Payment.objects.create(
        practice_id=invoice.practice_id,
        client_id=invoice.client_id,
        invoice=invoice,
        kind=kind,
        method=method,
        amount=amount,
        received_on=received_on or local_today(billing.practice),
        reference=reference.strip()[:80],
        receipt_sequence=sequence,
        receipt_number=f"R-{sequence:04d}",
        recorded_by=actor.user,
    )
    audit.created(actor, payment, ["kind", "method", "amount", "received_on", "reference"])
    return payment


@transaction.atomic
def record_payment(
    actor: Actor,
    invoice: Invoice,
    amount: Decimal,
    *,
    method: str,
    received_on: date | None = None,
    reference: str = "",
) -> Payment:
    """Money received for an invoice, all or part of what is due; more than is due is
    refused (say what to do with the rest: it is not kept as a silent credit)."""
    return _record(
        actor,
        invoice,
        amount,
        PaymentKind.PAYMENT,
        method=method,
        received_on=received_on,
        reference=reference,
    )


@transaction.atomic
def record_refund(
    actor: Actor,
    invoice: Invoice,
    amount: Decimal,
    *,
    method: str,
    received_on: date | None = None,
    reference: str = "",
) -> Payment:
    """Money given back on an invoice; never more than was paid on it."""
    return _record(
        actor,
        invoice,
        amount,
        PaymentKind.REFUND,
        method=method,
        received_on=received_on,
        reference=reference,
    )


@dataclass(frozen=True)
class Balance:
    currency: str
    invoiced: Decimal
    paid: Decimal
    refunded: Decimal

    @property
    def due(self) -> Decimal:
        return money.balance([self.invoiced], [self.paid], [self.refunded])


def client_balance(actor: Actor, client: Client) -> Balance:
    """The client's issued invoices' totals, payments and refunds, and the balance (two
    queries; a read: the caller audits what it shows). Void invoices count for nothing,
    and the money on them has been refunded before they were voided."""
    invoices = Invoice.objects.visible_to(actor, clinical=False).filter(client_id=client.pk)
    invoiced = invoices.filter(status=InvoiceStatus.ISSUED).aggregate(t=Sum("total"))["t"]
    sums = (
        Payment.objects.visible_to(actor, clinical=False)
        .filter(client_id=client.pk)
        .aggregate(
            paid=Sum("amount", filter=Q(kind=PaymentKind.PAYMENT)),
            refunded=Sum("amount", filter=Q(kind=PaymentKind.REFUND)),
        )
    )
    billing = settings_for(client.practice_id)
    return Balance(
        currency=billing.currency if billing else "GBP",
        invoiced=invoiced or Decimal(0),
        paid=sums["paid"] or Decimal(0),
        refunded=sums["refunded"] or Decimal(0),
    )
