"""The practice day's money: a practitioner bills an appointment from the client's page,
takes part of it by card, and sees the rest due; the client sees the same in the portal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from somatrace.billing.models import Payment
from somatrace.billing.testing import make_appointment, make_billing_settings
from somatrace.testing import PASSWORD, make_client_account

from .axe import serious_violations

pytestmark = pytest.mark.browser


def test_an_appointment_is_billed_part_paid_and_seen_in_the_portal(
    page, live_server, signed_in_page, practice, practitioner, client_record
) -> None:
    make_billing_settings(practice)
    make_appointment(client_record, days_ago=1)  # Somatic session, 65.00 + 20 % VAT = 78.00
    account = make_client_account(client_record, email="quinn@example.org")

    refused: list[str] = []  # what the Content Security Policy blocked (nothing should be)
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    signed_in_page(practitioner)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    panel = page.locator("#invoices")
    expect(panel.get_by_text("No invoices yet.")).to_be_visible()
    panel.get_by_role("link", name="New invoice").click()

    page.get_by_label(re.compile(r"Somatic session")).check()
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_role("heading", name="Invoice INV-0001")).to_be_visible()
    expect(page.locator("#invoice-due")).to_have_text("£78.00")
    assert serious_violations(page) == []

    page.get_by_label("Amount").first.fill("50.00")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Payment recorded: receipt R-0001.")).to_be_visible()
    expect(page.locator("#invoice-due")).to_have_text("£28.00")  # 78.00 - 50.00
    assert Payment.objects.get().amount == 50

    page.get_by_role("link", name="the client's invoices").click()
    expect(page.locator("#balance-due")).to_contain_text("£28.00")
    assert serious_violations(page) == []

    # The client, on a phone, sees the invoice and what is still due.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/portal/login/")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/portal/")
    page.get_by_role("link", name="Invoices").first.click()
    expect(page.locator("#portal-balance")).to_have_text("£28.00")
    expect(page.get_by_text("INV-0001")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download invoice INV-0001 (PDF)").click()
    assert download.value.suggested_filename == "invoice-INV-0001.pdf"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    assert refused == []
