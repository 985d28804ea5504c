"""The invoice, receipt and superbill PDFs, read back as text with poppler's pdftotext."""

from __future__ import annotations

import subprocess
from decimal import Decimal as D
from typing import Any

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.billing import services
from somatrace.billing.testing import (
    make_appointment_type,
    make_billing_settings,
    make_invoice,
    make_payment,
)
from somatrace.testing import staff_actor


def pdf_text(body: bytes) -> str:
    """The PDF's text in reading order (pdftotext -layout keeps a table's row on one line)."""
    assert body.startswith(b"%PDF-")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    )
    return done.stdout.decode()


@pytest.fixture
def invoice(practice: Any, client_record: Any) -> Any:
    make_billing_settings(practice, payment_instructions="Sort code 12-34-56, account 1234")
    client_record.address = "4 Elm Road\nBath BA1 2BB"
    client_record.save()
    made = make_invoice(
        client_record, appointments=3, diagnosis_codes=["M54.50", "F43.10"], procedure_code="97140"
    )
    make_payment(made, "100.00")
    return made


def test_the_invoice_pdf_has_the_practice_the_client_the_lines_and_the_balance(
    login, practitioner, client_record, invoice
) -> None:
    response = login(practitioner).get(f"/invoices/{invoice.pk}/pdf/")
    assert response["Content-Disposition"] == 'attachment; filename="invoice-INV-0001.pdf"'
    text = pdf_text(response.content)
    for words in (
        "Riverside Somatic Practice Ltd",
        "VAT registration: GB123456789",
        "Quinn Example",
        "4 Elm Road",
        "INV-0001",
        "Sort code 12-34-56",
    ):
        assert words in text, words
    # Three lines of 65.00 + 13.00 VAT = 78.00; net 195.00, VAT 39.00, total 234.00,
    # 100.00 paid, 134.00 due.
    assert text.count("£78.00") == 3
    assert "£195.00" in text and "£39.00" in text and "£234.00" in text
    assert "−£100.00" in text
    due = next(line for line in text.splitlines() if "Balance due" in line)
    assert "£134.00" in due
    assert "97140" not in text and "M54.50" not in text  # codes belong to the superbill
    row = AuditEvent.objects.get(action="export")
    assert (row.object_type, row.client_id) == ("billing.invoice", client_record.pk)


def test_the_superbill_says_it_is_not_a_claim_and_carries_the_codes(
    login, practitioner, invoice
) -> None:
    text = pdf_text(login(practitioner).get(f"/invoices/{invoice.pk}/superbill/").content)
    assert "this is not a claim submission" in text
    assert "M54.50" in text and "F43.10" in text
    assert text.count("97140") == 3
    assert "Pat" in text and "Practitioner" in text  # the provider (may wrap in its column)
    assert "£234.00" in text and "£134.00" in text


def test_a_receipt_names_its_number_amount_and_what_is_left(login, practitioner, invoice) -> None:
    payment = invoice.payments.get()
    text = pdf_text(login(practitioner).get(f"/receipts/{payment.pk}/pdf/").content)
    assert "Receipt" in text and "R-0001" in text and "INV-0001" in text
    assert "£100.00" in text and "£134.00" in text and "Card" in text


def test_a_void_invoice_says_so_and_owes_nothing(login, practitioner, invoice) -> None:
    actor = staff_actor(practitioner)
    services.record_refund(actor, invoice, D("100.00"), method="card")
    services.void_invoice(actor, invoice, "Issued to the wrong client")
    text = pdf_text(login(practitioner).get(f"/invoices/{invoice.pk}/pdf/").content)
    assert "VOID" in text and "INV-0001" in text
    assert "Issued to the wrong client" in text
    assert "Balance due" not in text


def test_a_package_in_yen_prints_whole_yen(practice, owner, login, client_record) -> None:
    make_billing_settings(practice, currency="JPY", tax_rate=D("10"), tax_label="JCT")
    kind = make_appointment_type(practice, "Session", "8000")
    # 5 × 8,000 = 40,000 list; sold for 36,000 + 10 % (3,600) = 39,600.
    invoice = services.invoice_package(
        staff_actor(owner), client_record, appointment_type=kind, sessions=5, price=D("36000")
    )
    text = pdf_text(login(owner).get(f"/invoices/{invoice.pk}/pdf/").content)
    assert "¥39,600" in text and "¥3,600" in text and "¥40,000" in text
    assert "¥39,600.00" not in text
