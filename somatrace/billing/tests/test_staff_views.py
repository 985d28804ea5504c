"""The practice's billing pages: who may open them, what they do, what they refuse."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.billing.models import BillingSettings, Invoice, Payment
from somatrace.billing.panels import client_invoices_panel
from somatrace.billing.testing import (
    make_appointment,
    make_billing_settings,
    make_invoice,
    make_payment,
)
from somatrace.testing import make_client, staff_actor


@pytest.fixture
def billing(practice: Any) -> BillingSettings:
    return make_billing_settings(practice)


def test_a_practitioner_invoices_chosen_appointments_from_the_new_invoice_page(
    billing, login, practitioner, client_record
) -> None:
    first, second = make_appointment(client_record, days_ago=2), make_appointment(client_record)
    browser = login(practitioner)
    page = browser.get(f"/clients/{client_record.pk}/invoices/new/")
    assert page.status_code == 200
    assert b"Somatic session" in page.content
    response = browser.post(
        f"/clients/{client_record.pk}/invoices/new/",
        {"appointments": [first.pk], "procedure_code": "97140", "diagnosis_codes": "m5450"},
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response.url == f"/invoices/{invoice.pk}/"
    assert [line.appointment_id for line in invoice.lines.all()] == [first.pk]
    assert invoice.diagnosis_codes == ["M54.50"]
    detail = browser.get(response.url)
    assert b"INV-0001" in detail.content and "£78.00".encode() in detail.content
    # The other appointment is still offered.
    again = browser.get(f"/clients/{client_record.pk}/invoices/new/")
    assert f'name="appointments" value="{second.pk}"'.encode() in again.content
    assert f'name="appointments" value="{first.pk}"'.encode() not in again.content


def test_bad_codes_and_a_missing_reason_come_back_as_form_errors(
    billing, login, practitioner, client_record
) -> None:
    appointment = make_appointment(client_record)
    browser = login(practitioner)
    url = f"/clients/{client_record.pk}/invoices/new/"
    bad_code = browser.post(url, {"appointments": [appointment.pk], "procedure_code": "9714"})
    assert bad_code.status_code == 400 and b"not a CPT code" in bad_code.content
    no_reason = browser.post(url, {"appointments": [appointment.pk], "unit_price": "40"})
    assert no_reason.status_code == 400 and b"sliding-scale reason" in no_reason.content
    nothing = browser.post(url, {})
    assert nothing.status_code == 400 and b"Choose at least one appointment" in nothing.content
    assert not Invoice.objects.exists()
    assert BillingSettings.objects.get().next_invoice_number == 1


def test_a_package_is_sold_and_sessions_taken_from_it(
    billing, login, practitioner, client_record
) -> None:
    appointment = make_appointment(client_record)
    browser = login(practitioner)
    response = browser.post(
        f"/clients/{client_record.pk}/invoices/package/",
        {"appointment_type": appointment.appointment_type_id, "sessions": "5", "price": "300"},
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and invoice.total == D("360.00")  # 300 + 20 %
    used = browser.post(
        f"/clients/{client_record.pk}/invoices/use-package/",
        {"package": invoice.package_id, "appointments": [appointment.pk]},
    )
    assert used.status_code == 302
    assert invoice.package.uses.get().appointment == appointment


def test_a_part_payment_shows_the_rest_due_and_an_overpayment_is_explained(
    billing, login, practitioner, client_record
) -> None:
    invoice = make_invoice(client_record, appointments=3)  # 234.00
    browser = login(practitioner)
    paid = browser.post(
        f"/invoices/{invoice.pk}/pay/",
        {"amount": "100.00", "method": "card", "received_on": "2026-11-20", "reference": ""},
    )
    assert paid.status_code == 302
    page = browser.get(f"/invoices/{invoice.pk}/")
    assert "£134.00".encode() in page.content  # 234.00 - 100.00
    too_much = browser.post(
        f"/invoices/{invoice.pk}/pay/",
        {"amount": "200.00", "method": "cash", "received_on": "2026-11-21"},
    )
    assert too_much.status_code == 400
    assert "more than the £134.00 still due".encode() in too_much.content
    unreadable = browser.post(f"/invoices/{invoice.pk}/pay/", {"amount": "lots"})
    assert unreadable.status_code == 400
    assert Payment.objects.count() == 1
    listing = browser.get(f"/clients/{client_record.pk}/invoices/")
    assert "£134.00".encode() in listing.content


def test_a_refund_and_a_void_from_the_invoice_page(
    billing, login, practitioner, client_record
) -> None:
    invoice = make_invoice(client_record)
    make_payment(invoice, "78.00")
    browser = login(practitioner)
    refused = browser.post(f"/invoices/{invoice.pk}/void/", {"reason": "Wrong client"})
    assert refused.status_code == 400 and b"refund it before voiding" in refused.content
    refunded = browser.post(
        f"/invoices/{invoice.pk}/refund/",
        {"amount": "78.00", "method": "card", "received_on": "2026-11-22"},
    )
    assert refunded.status_code == 302
    voided = browser.post(f"/invoices/{invoice.pk}/void/", {"reason": "Wrong client"})
    assert voided.status_code == 302
    invoice.refresh_from_db()
    assert invoice.is_void and invoice.number == "INV-0001"


def test_the_client_page_shows_the_invoices_panel_with_the_balance(
    billing, login, practitioner, client_record
) -> None:
    invoice = make_invoice(client_record)
    make_payment(invoice, "50.00")
    page = login(practitioner).get(f"/clients/{client_record.pk}/")
    assert b'id="invoices"' in page.content
    assert "£28.00".encode() in page.content  # 78.00 - 50.00
    row = AuditEvent.objects.filter(object_type="clients.client", action="read").latest("id")
    assert invoice.pk in row.shown["billing.invoice"]


def test_a_client_never_invoiced_costs_the_panel_one_query_and_shows_no_balance(
    billing, login, practitioner, client_record, django_assert_num_queries
) -> None:
    actor = staff_actor(practitioner)
    with django_assert_num_queries(1):
        data = client_invoices_panel(actor, client_record)
    assert data is not None and data.context["invoices"] == []
    assert data.context["balance"] is None
    page = login(practitioner).get(f"/clients/{client_record.pk}/")
    assert b"No invoices yet." in page.content and b"Balance:" not in page.content


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_the_wrong_member_gets_nothing_of_an_invoice(
    request, billing, login, client_record, who
) -> None:
    invoice = make_invoice(client_record, diagnosis_codes=["F43.10"])
    payment = make_payment(invoice, "10.00")
    browser = login(request.getfixturevalue(who))
    for url in (
        f"/invoices/{invoice.pk}/",
        f"/invoices/{invoice.pk}/pdf/",
        f"/invoices/{invoice.pk}/superbill/",
        f"/receipts/{payment.pk}/pdf/",
        f"/clients/{client_record.pk}/invoices/",
        f"/clients/{client_record.pk}/invoices/new/",
    ):
        response = browser.get(url)
        assert response.status_code == 404, (who, url)
        assert client_record.name.encode() not in response.content
    for url in (f"/invoices/{invoice.pk}/pay/", f"/invoices/{invoice.pk}/void/"):
        response = browser.post(url, {"amount": "5", "method": "cash", "reason": "x"})
        assert response.status_code == 404
    assert Payment.objects.count() == 1 and not Invoice.objects.filter(status="void").exists()


def test_an_assistant_takes_payments_but_sees_no_codes_and_cannot_invoice(
    billing, login, assistant, client_record
) -> None:
    invoice = make_invoice(client_record, diagnosis_codes=["F43.10"], procedure_code="97140")
    browser = login(assistant)
    page = browser.get(f"/invoices/{invoice.pk}/")
    assert page.status_code == 200
    assert b"F43.10" not in page.content and b"97140" not in page.content
    assert b"Superbill" not in page.content
    paid = browser.post(
        f"/invoices/{invoice.pk}/pay/",
        {"amount": "78.00", "method": "cash", "received_on": "2026-11-20"},
    )
    assert paid.status_code == 302 and Payment.objects.get().recorded_by == assistant
    assert browser.get(f"/invoices/{invoice.pk}/pdf/").status_code == 200
    for url in (
        f"/clients/{client_record.pk}/invoices/new/",
        f"/invoices/{invoice.pk}/superbill/",
    ):
        assert browser.get(url).status_code == 403
    assert browser.post(f"/invoices/{invoice.pk}/void/", {"reason": "x"}).status_code == 403


def test_billing_settings_are_the_owners(login, owner, practitioner, assistant) -> None:
    for member in (practitioner, assistant):
        assert login(member).get("/practice/billing/").status_code == 403
    browser = login(owner)
    assert browser.get("/practice/billing/").status_code == 200
    fields = {
        "currency": "EUR",
        "legal_name": "Riverside",
        "tax_label": "VAT",
        "tax_rate": "150",
        "payment_terms_days": "30",
        "invoice_prefix": "RS-",
    }
    bad = browser.post("/practice/billing/", fields)
    assert bad.status_code == 400 and not BillingSettings.objects.exists()
    saved = browser.post("/practice/billing/", {**fields, "tax_rate": "0"})
    assert saved.status_code == 302
    assert BillingSettings.objects.get().currency == "EUR"
    assert b"RS-0001" in browser.get("/practice/billing/").content


def test_the_invoices_list_takes_the_same_queries_for_many_invoices(
    billing, login, practitioner, practice, client_record, django_assert_max_num_queries
) -> None:
    browser = login(practitioner)
    url = f"/clients/{client_record.pk}/invoices/"
    make_invoice(client_record)
    browser.get(url)  # warm the session and the caches
    with django_assert_max_num_queries(12) as few:
        browser.get(url)
    for _ in range(12):
        make_payment(make_invoice(client_record), "10.00")
    make_invoice(make_client(practice, practitioner))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = browser.get(url)
    assert page.content.count(b'href="/invoices/') == 13
