"""A client books in their portal on a phone: a type, a day, an open time; the appointment
is listed, with the browser's own time beside the practice's; a cancel inside the practice's
cancel window is refused with the rule."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from somatrace.scheduling.models import Appointment
from somatrace.scheduling.testing import make_appointment, make_hours, make_type, set_rules
from somatrace.testing import PASSWORD, make_client_account

from .axe import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The client is abroad: the page shows the practice's time and their own beside it.
    return {**browser_context_args, "timezone_id": "America/New_York"}


def test_a_client_books_an_open_time_and_a_late_cancel_is_refused(
    page, live_server, practice, practitioner, client_record
) -> None:
    set_rules(practice, portal_booking=True, min_notice_hours=24, cancel_window_hours=24)
    make_hours(practitioner, starts=time(9), ends=time(12))
    kind = make_type(practice, "Somatic session", duration_minutes=60)
    soon = make_appointment(
        client_record, timezone.now() + timedelta(hours=5), appointment_type=kind
    )
    account = make_client_account(client_record, email="quinn@example.org")

    refused: list[str] = []  # what the Content Security Policy blocked (nothing should be)
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/portal/login/")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/portal/")

    page.get_by_role("link", name="Appointments", exact=True).first.click()
    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_role("link", name="Somatic session (60 min)").click()
    page.locator("a[href*='day=']").nth(2).click()  # the third day with open times
    first_time = page.get_by_role("radio").first
    first_time.check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_text("Your appointment is booked.")).to_be_visible()
    booked = Appointment.objects.exclude(pk=soon.pk).get()
    assert booked.booked_in_portal and booked.starts_at > timezone.now() + timedelta(hours=24)
    expect(page.get_by_text("Somatic session").first).to_be_visible()
    expect(page.get_by_text("your time").first).to_be_visible()  # New York beside London
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/portal/appointments/{soon.pk}/cancel/")
    page.get_by_role("button", name="Cancel this appointment").click()
    expect(page.get_by_role("alert")).to_contain_text("up to 24 hours before")
    soon.refresh_from_db()
    assert soon.status == "booked"
    assert refused == []
