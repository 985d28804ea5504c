"""Billing's services: numbering without gaps, billing once, payments, refunds, balance."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from somatrace.audit.models import AuditEvent
from somatrace.billing import services
from somatrace.billing.models import BillingSettings, Invoice, InvoiceStatus, Payment
from somatrace.billing.testing import (
    make_appointment,
    make_appointment_type,
    make_billing_settings,
    make_invoice,
)
from somatrace.core.errors import RuleError
from somatrace.scheduling.models import AppointmentStatus
from somatrace.testing import make_client, staff_actor


@pytest.fixture
def billing(practice: Any) -> BillingSettings:
    return make_billing_settings(practice)


@pytest.fixture
def actor(practitioner: Any) -> Any:
    return staff_actor(practitioner)


def test_it_numbers_invoices_without_gaps_and_a_void_keeps_its_number(
    billing, actor, client_record
) -> None:
    first = make_invoice(client_record)
    second = make_invoice(client_record)
    services.void_invoice(actor, second, "Issued twice by mistake")
    with pytest.raises(RuleError):  # refused: nothing chosen; must not use a number
        services.invoice_appointments(actor, client_record, [])
    third = make_invoice(client_record)
    assert [first.number, second.number, third.number] == ["INV-0001", "INV-0002", "INV-0003"]
    second.refresh_from_db()
    assert second.status == InvoiceStatus.VOID and second.number == "INV-0002"
    sequences = list(Invoice.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == [1, 2, 3]


def test_numbers_are_per_practice(billing, client_record, other_practice, outsider) -> None:
    make_billing_settings(other_practice, invoice_prefix="EP-")
    elsewhere = make_client(other_practice, outsider)
    make_invoice(client_record)
    assert make_invoice(elsewhere).number == "EP-0001"


def test_it_needs_billing_set_up_first(actor, client_record) -> None:
    appointment = make_appointment(client_record)
    with pytest.raises(RuleError, match="not set up"):
        services.invoice_appointments(actor, client_record, [appointment])
    assert not Invoice.objects.exists()


def test_an_invoice_copies_prices_tax_and_the_details_of_the_day(
    billing, actor, client_record
) -> None:
    client_record.address = "4 Elm Road\nBath"
    client_record.save()
    appointments = [make_appointment(client_record, days_ago=n) for n in (3, 2, 1)]
    invoice = services.invoice_appointments(
        actor, client_record, appointments, procedure_code="97140", diagnosis_codes=["m5450"]
    )
    # 3 × 65.00 = 195.00 net; 20 % of each 65.00 is 13.00, 39.00 in all; 234.00 total.
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        D("195.00"),
        D("39.00"),
        D("234.00"),
    )
    lines = list(invoice.lines.all())
    assert [line.appointment_id for line in lines] == [a.pk for a in appointments]
    assert sum(line.net + line.tax for line in lines) == invoice.total
    assert {line.procedure_code for line in lines} == {"97140"}
    assert invoice.diagnosis_codes == ["M54.50"]
    assert (invoice.seller_name, invoice.seller_tax_id) == (billing.legal_name, "GB123456789")
    assert invoice.bill_to_address == "4 Elm Road\nBath"
    assert (invoice.due_on - invoice.issued_on).days == 14
    # A later change to the practice's details does not rewrite the invoice.
    BillingSettings.objects.filter(pk=billing.pk).update(legal_name="New Name Ltd")
    invoice.refresh_from_db()
    assert invoice.seller_name == billing.legal_name
    row = AuditEvent.objects.get(object_type="billing.invoice", action="create")
    assert (row.actor_id, row.client_id) == (actor.user_id, client_record.pk)


def test_an_appointment_is_billed_once_until_its_invoice_is_void(
    billing, actor, client_record
) -> None:
    appointment = make_appointment(client_record)
    invoice = services.invoice_appointments(actor, client_record, [appointment])
    with pytest.raises(RuleError, match="already billed"):
        services.invoice_appointments(actor, client_record, [appointment])
    assert services.unbilled_appointments(actor, client_record) == []
    services.void_invoice(actor, invoice, "Wrong price")
    assert services.unbilled_appointments(actor, client_record) == [appointment]
    again = services.invoice_appointments(actor, client_record, [appointment])
    assert again.number == "INV-0002"


def test_cancelled_and_other_clients_appointments_are_not_billed(
    billing, actor, practice, practitioner, client_record
) -> None:
    cancelled = make_appointment(client_record, status=AppointmentStatus.CANCELLED)
    missed = make_appointment(client_record, status=AppointmentStatus.NO_SHOW)
    someone_else = make_appointment(make_client(practice, practitioner))
    assert services.unbilled_appointments(actor, client_record) == [missed]
    for wrong in (cancelled, someone_else):
        with pytest.raises(RuleError):
            services.invoice_appointments(actor, client_record, [wrong])
    assert not Invoice.objects.exists()


def test_a_sliding_scale_price_needs_a_reason(billing, actor, client_record) -> None:
    appointment = make_appointment(client_record)
    with pytest.raises(RuleError, match="say why"):
        services.invoice_appointments(actor, client_record, [appointment], unit_price=D("45"))
    invoice = services.invoice_appointments(
        actor,
        client_record,
        [appointment],
        unit_price=D("45.00"),
        sliding_scale_reason="Student rate",
    )
    line = invoice.lines.get()
    # 45.00 + 20 % (9.00) = 54.00; the list price 65.00 is kept beside it.
    assert (line.unit_price, line.list_price, line.sliding_scale_reason) == (
        D("45.00"),
        D("65.00"),
        "Student rate",
    )
    assert invoice.total == D("54.00")


def test_prices_finer_than_the_currency_are_refused(billing, actor, client_record) -> None:
    appointment = make_appointment(client_record)
    with pytest.raises(RuleError, match="decimal places"):
        services.invoice_appointments(
            actor, client_record, [appointment], unit_price=D("45.005"), sliding_scale_reason="x"
        )


def test_a_package_is_one_line_and_its_sessions_are_taken_once(
    billing, actor, practice, client_record
) -> None:
    kind = make_appointment_type(practice)
    invoice = services.invoice_package(
        actor, client_record, appointment_type=kind, sessions=5, price=D("300.00")
    )
    line = invoice.lines.get()
    # List 5 × 65.00 = 325.00; sold for 300.00 + 20 % (60.00) = 360.00.
    assert (line.list_price, line.unit_price, invoice.total) == (
        D("325.00"),
        D("300.00"),
        D("360.00"),
    )
    package = invoice.package
    first, second, third = (make_appointment(client_record, days_ago=n) for n in (3, 2, 1))
    services.use_package(actor, package, [first, second])
    state = services.packages_with_sessions_left(actor, client_record)[0]
    assert state.left == 3
    assert services.unbilled_appointments(actor, client_record) == [third]
    with pytest.raises(RuleError):
        services.use_package(actor, package, [first])  # taken already
    other_kind = make_appointment_type(practice, "Long session", "90.00")
    with pytest.raises(RuleError, match="only"):
        services.use_package(
            actor, package, [make_appointment(client_record, appointment_type=other_kind)]
        )
    with pytest.raises(RuleError, match="Sessions have been taken"):
        services.void_invoice(actor, invoice, "Changed their mind")


def test_a_part_payment_leaves_the_rest_due_and_more_than_due_is_refused(
    billing, actor, client_record
) -> None:
    invoice = make_invoice(client_record, appointments=3)  # 234.00
    services.record_payment(actor, invoice, D("100.00"), method="card")
    assert services.invoice_amounts(invoice).due == D("134.00")
    with pytest.raises(RuleError, match=r"more than the £134\.00 still due"):
        services.record_payment(actor, invoice, D("134.01"), method="cash")
    payment = services.record_payment(actor, invoice, D("134.00"), method="cash")
    # The refused payment took no receipt number: the second payment is R-0002.
    assert payment.receipt_number == "R-0002"
    assert services.invoice_amounts(invoice).due == D("0.00")
    with pytest.raises(RuleError):
        services.record_payment(actor, invoice, D("0.01"), method="cash")


def test_a_refund_gives_back_only_what_was_paid(billing, actor, client_record) -> None:
    invoice = make_invoice(client_record)  # 78.00
    with pytest.raises(RuleError, match="only what was paid"):
        services.record_refund(actor, invoice, D("1.00"), method="card")
    services.record_payment(actor, invoice, D("78.00"), method="card")
    with pytest.raises(RuleError, match="only what was paid"):
        services.record_refund(actor, invoice, D("78.01"), method="card")
    refund = services.record_refund(actor, invoice, D("78.00"), method="card")
    assert refund.is_refund and refund.receipt_number == "R-0002"
    assert services.invoice_amounts(invoice).due == D("78.00")


def test_an_invoice_with_money_on_it_is_refunded_before_it_is_voided(
    billing, actor, client_record
) -> None:
    invoice = make_invoice(client_record)
    services.record_payment(actor, invoice, D("30.00"), method="cash")
    with pytest.raises(RuleError, match="refund it before voiding"):
        services.void_invoice(actor, invoice, "Wrong client")
    services.record_refund(actor, invoice, D("30.00"), method="cash")
    services.void_invoice(actor, invoice, "Wrong client")
    with pytest.raises(RuleError, match="void"):
        services.record_payment(actor, invoice, D("1.00"), method="cash")
    assert services.client_balance(actor, client_record).due == D("0")


def test_a_realistic_month_reconciles_to_the_penny(billing, actor, practice, client_record) -> None:
    """Worked by hand (GBP, 20 % VAT, sessions at 65.00):

    INV-0001  3 sessions      195.00 + 39.00 = 234.00   paid 100.00 card + 134.00 cash
    INV-0002  1 at 45.00      45.00 +  9.00 =  54.00   paid 20.00 transfer -> 34.00 due
    INV-0003  package of 5    300.00 + 60.00 = 360.00   paid 360.00, refunded 72.00
    INV-0004  1 session        65.00 + 13.00 =  78.00   void: counts for nothing

    Invoiced (not void) 234.00 + 54.00 + 360.00 = 648.00
    Paid 100.00 + 134.00 + 20.00 + 360.00 = 614.00; refunded 72.00
    Balance 648.00 - 614.00 + 72.00 = 106.00 = 0 + 34.00 + 72.00 still due per invoice.
    """
    one = services.invoice_appointments(
        actor, client_record, [make_appointment(client_record, days_ago=n) for n in (9, 8, 7)]
    )
    two = services.invoice_appointments(
        actor,
        client_record,
        [make_appointment(client_record, days_ago=6)],
        unit_price=D("45.00"),
        sliding_scale_reason="Sliding scale: low income",
    )
    three = services.invoice_package(
        actor,
        client_record,
        appointment_type=make_appointment_type(practice),
        sessions=5,
        price=D("300.00"),
    )
    four = services.invoice_appointments(
        actor, client_record, [make_appointment(client_record, days_ago=5)]
    )
    services.void_invoice(actor, four, "Billed to the wrong client")
    services.record_payment(actor, one, D("100.00"), method="card")
    services.record_payment(actor, one, D("134.00"), method="cash")
    services.record_payment(actor, two, D("20.00"), method="transfer", reference="QE MAY")
    with pytest.raises(RuleError):
        services.record_payment(actor, two, D("34.01"), method="cash")
    services.record_payment(actor, three, D("360.00"), method="card")
    services.record_refund(actor, three, D("72.00"), method="card")

    assert [i.total for i in (one, two, three, four)] == [
        D("234.00"),
        D("54.00"),
        D("360.00"),
        D("78.00"),
    ]
    balance = services.client_balance(actor, client_record)
    assert (balance.invoiced, balance.paid, balance.refunded, balance.due) == (
        D("648.00"),
        D("614.00"),
        D("72.00"),
        D("106.00"),
    )
    dues = [services.invoice_amounts(i).due for i in (one, two, three)]
    assert dues == [D("0.00"), D("34.00"), D("72.00")]
    assert sum(dues) == balance.due
    numbers = list(
        Payment.objects.order_by("receipt_sequence").values_list("receipt_number", flat=True)
    )
    assert numbers == ["R-0001", "R-0002", "R-0003", "R-0004", "R-0005"]


def test_assistants_take_payments_but_do_not_invoice(
    billing, assistant, actor, client_record
) -> None:
    invoice = make_invoice(client_record)
    desk = staff_actor(assistant)
    with pytest.raises(PermissionDenied):
        services.invoice_appointments(desk, client_record, [make_appointment(client_record)])
    with pytest.raises(PermissionDenied):
        services.void_invoice(desk, invoice, "No")
    payment = services.record_payment(desk, invoice, D("78.00"), method="cash")
    assert payment.recorded_by == assistant
    assert services.client_balance(desk, client_record).due == D("0.00")


def test_a_practitioner_bills_only_their_own_clients(billing, colleague, client_record) -> None:
    invoice = make_invoice(client_record)
    other = staff_actor(colleague)
    with pytest.raises(PermissionDenied):
        services.invoice_appointments(other, client_record, [make_appointment(client_record)])
    with pytest.raises(PermissionDenied):
        services.record_payment(other, invoice, D("1.00"), method="cash")


def test_only_the_owner_sets_up_billing_and_the_currency_stays_once_used(
    owner, practitioner, practice, client_record
) -> None:
    with pytest.raises(PermissionDenied):
        services.update_settings(staff_actor(practitioner), currency="EUR")
    boss = staff_actor(owner)
    saved = services.update_settings(boss, currency="EUR", legal_name="Riverside", tax_rate=D("0"))
    assert saved.currency == "EUR" and saved.next_invoice_number == 1
    services.update_settings(boss, currency="USD")
    make_invoice(client_record)
    with pytest.raises(RuleError, match="cannot change"):
        services.update_settings(boss, currency="GBP")
    services.update_settings(boss, tax_rate=D("7.25"))
    assert BillingSettings.objects.get().tax_rate == D("7.25")
    assert Invoice.objects.get().currency == "USD"
