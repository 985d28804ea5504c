"""Two-factor sign-in in a real browser: an authenticator app, a recovery code, a passkey
(Chromium's virtual authenticator over the DevTools protocol), and a practice that requires it.

Authenticator codes are computed with pyotp, independently of django-otp.
"""

from __future__ import annotations

import base64
import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from somatrace.accounts.models import Practice
from somatrace.testing import PASSWORD, make_recovery_codes, make_totp_device

from .axe import serious_violations

pytestmark = pytest.mark.browser


def sign_in_with_password(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.locator("summary").filter(has_text=re.compile(".")).first.click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_enrol_an_authenticator_app_and_sign_in_with_it(
    signed_in_page, practitioner, live_server
) -> None:
    page = signed_in_page(practitioner)
    page.locator("summary").first.click()
    page.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_text("You sign in with your password alone")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Add an authenticator app").click()

    expect(page.locator(".qr svg")).to_be_visible()
    assert serious_violations(page) == []
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(app.now())
    page.get_by_label("Name (optional)").fill("Work phone")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Your authenticator app was added.")).to_be_visible()
    expect(page.locator(".device-list")).to_contain_text("Authenticator app: Work phone")

    log_out(page)
    sign_in_with_password(page, live_server, practitioner)
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/clients/")  # nothing opens before the second step
    expect(page).to_have_url(re.compile(r"/login/verify/\?next=/clients/"))
    # The code the app shows next: the one just used to confirm cannot be replayed.
    page.get_by_label("Code").fill(app.at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/clients/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_sign_in_with_a_recovery_code(page, practitioner, live_server) -> None:
    make_totp_device(practitioner)
    make_recovery_codes(practitioner, [f"spare{n}xyz" for n in range(10)])
    sign_in_with_password(page, live_server, practitioner)
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    page.get_by_label("Code").fill("spare4xyz")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("You signed in with a recovery code; 9 remain.")).to_be_visible()

    log_out(page)
    sign_in_with_password(page, live_server, practitioner)
    page.get_by_label("Code").fill("spare4xyz")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code did not match")).to_be_visible()


@pytest.fixture
def virtual_authenticator(page: Page):
    """Chromium's WebAuthn test authenticator: a platform passkey that always verifies."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield cdp, added["authenticatorId"]
    cdp.send("WebAuthn.disable")


def test_a_passkey_is_enrolled_and_signs_in(
    signed_in_page, practitioner, live_server, settings, virtual_authenticator
) -> None:
    assert live_server.url.startswith("http://localhost:")  # a secure context without TLS
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp, authenticator = virtual_authenticator
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/account/security/")
    page.get_by_label("Name of the passkey (optional)").fill("Laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Your passkey was added.")).to_be_visible()
    expect(page.locator(".device-list")).to_contain_text("Passkey: Laptop")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1

    log_out(page)
    sign_in_with_password(page, live_server, practitioner)
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    page.get_by_role("button", name="Use your passkey").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat")
    used = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert used["credentials"][0]["signCount"] >= 1


def test_a_passkey_from_another_site_is_refused(
    signed_in_page, practitioner, live_server, settings, virtual_authenticator
) -> None:
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://somatrace.example.org"]
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/account/security/")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("The passkey was not accepted")
    expect(page.get_by_text("You sign in with your password alone")).to_be_visible()


def test_the_owner_requiring_two_factor_leads_a_member_to_enrolment(
    signed_in_page, owner, practitioner, practice, live_server, page
) -> None:
    signed_in_page(owner)
    page.goto(f"{live_server.url}/practice/")
    page.get_by_label("Require two-factor sign-in for everyone").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Practice settings saved.")).to_be_visible()
    assert Practice.objects.get(pk=practice.pk).require_two_factor

    page.context.clear_cookies()
    sign_in_with_password(page, live_server, practitioner)
    expect(page).to_have_url(f"{live_server.url}/account/security/")
    expect(page.get_by_text("Your practice requires two-factor sign-in")).to_be_visible()
    page.goto(f"{live_server.url}/clients/")
    expect(page).to_have_url(f"{live_server.url}/account/security/")

    page.get_by_role("button", name="Add an authenticator app").click()
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    assert base64.b32decode(secret)  # the key as text, for apps that cannot scan
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Your authenticator app was added.")).to_be_visible()
    page.goto(f"{live_server.url}/clients/")
    expect(page).to_have_url(f"{live_server.url}/clients/")
