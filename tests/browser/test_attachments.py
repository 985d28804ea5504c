"""A document on a client's record in a real browser: attach a PDF from the client page, see
it listed, and fetch it as the browser would to show it inline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from somatrace.clients.models import Attachment
from somatrace.clients.testing import PDF_BYTES

from .axe import serious_violations

pytestmark = pytest.mark.browser


def test_a_pdf_attached_on_the_client_page_is_listed_and_served_inline(
    signed_in_page, practitioner, client_record, live_server, tmp_path
) -> None:
    path = tmp_path / "gp-letter.pdf"
    path.write_bytes(PDF_BYTES)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    panel = page.locator("#attachments")
    panel.get_by_label("Title").fill("GP clearance letter, March")
    panel.get_by_label("Kind").select_option("Clearance letter")
    panel.get_by_label("File").set_input_files(str(path))
    panel.get_by_role("button", name="Attach document").click()

    expect(page.get_by_text("Document attached.")).to_be_visible()
    link = page.locator("#attachments").get_by_role("link", name="GP clearance letter, March")
    expect(link).to_be_visible()
    assert serious_violations(page) == []

    # Headless Chromium downloads a PDF rather than showing it: fetch it with the page's
    # session, as the viewer would, and check what the browser is told.
    href = link.get_attribute("href")
    attachment = Attachment.objects.get()
    assert href == f"/clients/{client_record.pk}/attachments/{attachment.pk}/"
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body() == PDF_BYTES
