"""The client portal on a 360 px phone: an invitation from the real SMTP server, a password,
signing in, intake with a "yes" (held, told kindly), consent, the touch map, a questionnaire
due; axe on the portal's pages in light and dark."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from somatrace.clients.models import ConsentRecord, TouchConsentMap
from somatrace.mail.testing import deliver_queued_mail
from somatrace.measures.models import Administration
from somatrace.measures.testing import make_administration
from somatrace.testing import make_client_account, make_consent_form

from .axe import serious_violations
from .test_twofactor import virtual_authenticator  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PASSWORD = "meadow-lantern-river"


def no_overflow(page: Page) -> None:
    # A click that navigates returns once the new page has started loading; its document
    # may not have an element yet on a busy machine.
    page.wait_for_load_state()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow


def accessible_in_light_and_dark(page: Page) -> None:
    no_overflow(page)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert serious_violations(page) == [], (scheme, page.url)
    page.emulate_media(color_scheme="light")


def sign_in_on_a_phone(page: Page, url: str, client_record: Any) -> None:
    """Give the client an account and sign in to the portal with its password, on a phone."""
    make_client_account(client_record, email="quinn@example.test", password=PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{url}/portal/login/")
    page.get_by_label("Email").fill("quinn@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_client_gets_in_and_prepares_their_first_visit_on_a_phone(
    signed_in_page: Any,
    practitioner: Any,
    practice: Any,
    client_record: Any,
    live_server: Any,
    browser: Any,
    smtp_server: Any,
) -> None:
    client_record.email = "quinn@example.test"
    client_record.save()
    make_consent_form(practice, body="Version two: we pause whenever you ask.")
    due = make_administration(client_record, "GAD7")

    # The practitioner invites the client from the client page.
    staff = signed_in_page(practitioner)
    staff.goto(f"{live_server.url}/clients/{client_record.pk}/")
    staff.get_by_role("button", name="Invite by email").click()
    expect(staff.get_by_text("Invitation to the portal sent by email.")).to_be_visible()
    deliver_queued_mail()
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "quinn@example.test"
    link = re.search(r"http://\S+/portal/welcome/\S+/", message.get_content()).group(0)  # type: ignore[union-attr]
    path = link.split("/portal/", 1)[1]

    # The client opens it on their phone and chooses a password.
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    phone = context.new_page()
    phone.goto(f"{live_server.url}/portal/{path}")
    expect(phone.get_by_role("heading", name="Welcome to your space")).to_be_visible()
    accessible_in_light_and_dark(phone)
    phone.get_by_label("Choose a password").fill(PASSWORD)
    phone.get_by_label("Type it again").fill(PASSWORD)
    phone.get_by_role("button", name="Set my password").click()
    expect(phone.get_by_role("heading", name="Hello, Quinn Example")).to_be_visible()
    expect(phone.get_by_role("heading", name="Before your first visit")).to_be_visible()
    accessible_in_light_and_dark(phone)

    # Signs out, and in again with the password.
    phone.get_by_role("button", name="Sign out").click()
    phone.get_by_label("Email").fill("quinn@example.test")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in", exact=True).click()
    expect(phone.get_by_role("heading", name="Hello, Quinn Example")).to_be_visible()

    # Intake with a "yes" on the contraindication screen.
    phone.get_by_role("link", name="Tell us about you").click()
    accessible_in_light_and_dark(phone)
    phone.get_by_label("What brings you here?").fill("Tight jaw since the winter")
    phone.locator("#id_screen_skull_fracture_0").check()
    for radio in phone.locator("input[type=radio][value=no]").all():
        if radio.get_attribute("name") != "screen_skull_fracture":
            radio.check()
    phone.get_by_role("button", name="Send to my practitioner").click()
    expect(phone.get_by_text("your practitioner will be in touch with you")).to_be_visible()
    client_record.refresh_from_db()
    assert client_record.on_hold

    # Consent: the new version, read and signed.
    phone.get_by_role("link", name="Home", exact=True).click()
    phone.get_by_role("link", name="Read and sign the consent").click()
    expect(phone.get_by_text("Version two: we pause whenever you ask.")).to_be_visible()
    phone.get_by_label("Type your full name to sign").fill("Quinn Example")
    phone.get_by_label("I have read this and I agree to it.").check()
    phone.get_by_role("button", name="Sign the consent").click()
    expect(phone.get_by_text("You signed this version")).to_be_visible()
    assert ConsentRecord.objects.filter(client=client_record).count() == 2

    # Touch: one region not welcome, from the list.
    phone.get_by_role("link", name="Touch").click()
    accessible_in_light_and_dark(phone)
    phone.locator("details").first.locator("summary").click()
    phone.locator("select").first.select_option("not_welcome")
    phone.get_by_role("button", name="Save my choice").click()
    expect(phone.get_by_text("Your practitioner now sees this as your choice")).to_be_visible()
    assert TouchConsentMap.objects.get(client=client_record).version == 1

    # The questionnaire due, one question at a time.
    phone.get_by_role("link", name="Home", exact=True).click()
    phone.get_by_role("link", name="Generalized Anxiety Disorder").click()
    expect(phone.locator("#q-1")).to_be_visible()
    accessible_in_light_and_dark(phone)
    for number in range(1, 8):
        item = phone.locator(f"#q-{number}")
        item.get_by_label("Several days").check()
        if number < 7:
            item.get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    due.refresh_from_db()
    # GAD-7: "several days" scores 1 on each of seven items.
    assert (due.status, due.total, due.channel) == ("completed", 7, "portal")
    assert not Administration.objects.filter(status="pending").exists()

    # Their rights: the page to download their records and to ask for deletion.
    phone.get_by_role("link", name="My data").click()
    expect(phone.get_by_role("button", name="Download my records")).to_be_visible()
    accessible_in_light_and_dark(phone)
    context.close()


def test_the_current_tab_is_in_sight_on_a_phone(
    page: Page, live_server: Any, client_record: Any
) -> None:
    sign_in_on_a_phone(page, live_server.url, client_record)
    tabs = page.get_by_role("navigation", name="Portal")
    # Nine tabs do not fit 360 px: the last one starts out of sight.
    expect(tabs.get_by_role("link", name="My data")).not_to_be_in_viewport()
    for name in ("My data", "Invoices", "Home"):
        href = tabs.get_by_role("link", name=name, exact=True).get_attribute("href")
        page.goto(f"{live_server.url}{href}")
        current = tabs.locator("[aria-current='page']")
        expect(current).to_have_text(name)
        expect(current).to_be_in_viewport(ratio=1)


def test_the_portal_opens_offline_once_installed(page: Page, live_server: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/portal/login/")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.context.set_offline(False)


def test_a_client_adds_a_passkey_and_signs_in_with_it(
    request: Any, page: Page, live_server: Any, settings: Any, client_record: Any
) -> None:
    request.getfixturevalue("virtual_authenticator")  # Chromium's test passkey
    assert live_server.url.startswith("http://localhost:")  # a secure context without TLS
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    sign_in_on_a_phone(page, live_server.url, client_record)
    page.get_by_role("link", name="Add a passkey").click()
    accessible_in_light_and_dark(page)
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Your passkey is added")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in faster")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    accessible_in_light_and_dark(page)
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(page.get_by_role("heading", name="Hello, Quinn Example")).to_be_visible()
