"""The client's invoices in the portal: their own only, with the balance and the PDFs."""

from __future__ import annotations

from typing import Any

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.billing.testing import make_billing_settings, make_invoice, make_payment
from somatrace.testing import make_client, make_client_account


@pytest.fixture
def invoice(practice: Any, client_record: Any) -> Any:
    make_billing_settings(practice)
    made = make_invoice(client_record, appointments=2, diagnosis_codes=["F43.10"])
    make_payment(made, "50.00")
    return made


def test_a_client_sees_their_invoices_and_balance_and_downloads_them(
    client, portal_login, client_record, invoice
) -> None:
    browser = portal_login(client, make_client_account(client_record))
    page = browser.get("/portal/invoices/")
    assert page.status_code == 200
    # 2 × 78.00 = 156.00 invoiced, 50.00 paid: 106.00 due.
    assert b"INV-0001" in page.content and "£106.00".encode() in page.content
    pdf = browser.get(f"/portal/invoices/{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    superbill = browser.get(f"/portal/invoices/{invoice.pk}/superbill/")
    assert superbill.status_code == 200
    kinds = list(
        AuditEvent.objects.filter(actor_kind="client")
        .order_by("id")
        .values_list("action", "client_id")
    )
    assert kinds == [
        ("read", client_record.pk),
        ("export", client_record.pk),
        ("export", client_record.pk),
    ]


def test_another_clients_invoice_is_a_404(
    client, portal_login, practice, practitioner, invoice
) -> None:
    other = make_client(practice, practitioner, name="Robin Other")
    browser = portal_login(client, make_client_account(other))
    for url in (f"/portal/invoices/{invoice.pk}/pdf/", f"/portal/invoices/{invoice.pk}/superbill/"):
        assert browser.get(url).status_code == 404
    page = browser.get("/portal/invoices/")
    assert b"INV-0001" not in page.content and b"No invoices yet" in page.content


def test_no_superbill_without_diagnosis_codes(client, portal_login, client_record, invoice) -> None:
    plain = make_invoice(client_record)
    browser = portal_login(client, make_client_account(client_record))
    assert browser.get(f"/portal/invoices/{plain.pk}/superbill/").status_code == 404


def test_staff_do_not_open_the_portals_invoices(login, practitioner, invoice) -> None:
    browser = login(practitioner)
    assert browser.get("/portal/invoices/").status_code == 403
    assert browser.get(f"/portal/invoices/{invoice.pk}/pdf/").status_code == 403
