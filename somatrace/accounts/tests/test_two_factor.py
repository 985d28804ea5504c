"""Two-factor sign-in: enrolment, the second step, recovery codes, requiring it, resetting it.

Codes are computed with pyotp (an independent RFC 6238 implementation), never with
django-otp's own code.
"""

from __future__ import annotations

import base64
import re
import time

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from somatrace.accounts import services
from somatrace.accounts.models import Practice
from somatrace.audit.models import Action, AuditEvent
from somatrace.core.errors import RuleError
from somatrace.testing import (
    PASSWORD,
    make_recovery_codes,
    make_totp_device,
    staff_actor,
)

pytestmark = pytest.mark.django_db

CODES = [f"code{n}abcd" for n in range(10)]  # 8+ characters, like django-otp's


def totp_for(hex_key: str, *, ahead: int = 0) -> str:
    """The code an authenticator app shows for this key, `ahead` time steps from now."""
    secret = base64.b32encode(bytes.fromhex(hex_key)).decode()
    return pyotp.TOTP(secret).at(time.time() + 30 * ahead)


def sign_in_with_password(client, user):
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def audit_rows(user, object_type: str):
    return AuditEvent.objects.filter(actor=user, action=Action.ACCESS, object_type=object_type)


# --- Enrolment ---------------------------------------------------------------------------


def test_an_authenticator_app_is_added_once_a_code_from_it_matches(login, practitioner) -> None:
    browser = login(practitioner)
    assert browser.post("/account/security/totp/new/").url == "/account/security/totp/"
    page = browser.get("/account/security/totp/").content.decode()
    assert "<svg" in page  # the QR code, inline
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=practitioner)
    assert not device.confirmed
    assert base64.b32decode(secret) == bytes.fromhex(device.key)

    code = pyotp.TOTP(secret).now()
    response = browser.post("/account/security/totp/", {"code": code, "name": "Work phone"})
    assert response.status_code == 302 and response.url == "/account/security/"
    device.refresh_from_db()
    assert device.confirmed and device.name == "Work phone"
    row = audit_rows(practitioner, "otp_totp.totpdevice").order_by("-id").first()
    assert row.object_id == device.pk and row.fields == ["confirmed", "name"]
    assert row.practice_id == practitioner.membership.practice_id
    for event in AuditEvent.objects.all():
        assert device.key not in str(event.__dict__) and secret not in str(event.__dict__)
    # Adding it proved possession: this sign-in counts as verified.
    assert browser.get("/").status_code == 200


def test_a_wrong_code_does_not_confirm_the_app(login, practitioner) -> None:
    browser = login(practitioner)
    browser.post("/account/security/totp/new/")
    device = TOTPDevice.objects.get(user=practitioner)
    wrong = f"{(int(totp_for(device.key)) + 1) % 1_000_000:06d}"
    response = browser.post("/account/security/totp/", {"code": wrong})
    assert response.status_code == 400
    assert "did not match" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1


def test_a_second_try_straight_after_a_wrong_code_must_wait(practitioner) -> None:
    actor = staff_actor(practitioner)
    device = services.start_totp(actor)
    with pytest.raises(RuleError, match="did not match"):
        services.confirm_totp(
            actor, device.pk, "000000" if totp_for(device.key) != "000000" else "111111"
        )
    with pytest.raises(RuleError, match="wait"):
        services.confirm_totp(actor, device.pk, totp_for(device.key))
    device.refresh_from_db()
    assert not device.confirmed


def test_the_security_page_lists_the_devices_and_removes_one(login, practitioner) -> None:
    phone = make_totp_device(practitioner, name="Phone")
    tablet = make_totp_device(practitioner, name="Tablet")
    browser = login(practitioner)
    session = browser.session
    session["otp_device_id"] = phone.persistent_id
    session.save()
    page = browser.get("/account/security/").content.decode()
    assert "Phone" in page and "Tablet" in page
    response = browser.post("/account/security/remove/", {"device": tablet.persistent_id})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=practitioner)) == [phone]
    row = audit_rows(practitioner, "otp_totp.totpdevice").get()
    assert row.object_id == tablet.pk and row.fields == ["deleted"]


def test_removing_the_last_authenticator_also_removes_the_recovery_codes(practitioner) -> None:
    phone = make_totp_device(practitioner)
    make_recovery_codes(practitioner, CODES)
    services.remove_device(staff_actor(practitioner), phone.persistent_id)
    assert not StaticDevice.objects.filter(user=practitioner).exists()
    assert services.devices_of(practitioner) == []


def test_a_member_cannot_remove_someone_elses_device(login, practitioner, colleague) -> None:
    phone = make_totp_device(practitioner)
    browser = login(colleague)
    response = browser.post(
        "/account/security/remove/", {"device": phone.persistent_id}, follow=True
    )
    assert "not one of yours" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()
    assert not AuditEvent.objects.filter(object_type="otp_totp.totpdevice").exists()


def test_a_made_up_device_id_gets_a_message_not_an_error(login, practitioner) -> None:
    browser = login(practitioner)
    for made_up in ("", "nonsense", "otp_totp.totpdevice/999999", "auth.user/1", "x" * 500):
        response = browser.post("/account/security/remove/", {"device": made_up}, follow=True)
        assert response.status_code == 200
        assert "not one of yours" in response.content.decode()


# --- Recovery codes ----------------------------------------------------------------------


def test_recovery_codes_need_an_authenticator_first(login, practitioner) -> None:
    browser = login(practitioner)
    response = browser.post("/account/security/recovery-codes/", follow=True)
    assert "Add an authenticator app or a passkey first" in response.content.decode()
    assert not StaticDevice.objects.filter(user=practitioner).exists()


def test_ten_recovery_codes_are_shown_once_and_new_ones_replace_them(login, practitioner) -> None:
    phone = make_totp_device(practitioner)
    browser = login(practitioner)
    session = browser.session
    session["otp_device_id"] = phone.persistent_id
    session.save()
    first = re.findall(
        r"<li><code>(\w+)</code></li>",
        browser.post("/account/security/recovery-codes/").content.decode(),
    )
    assert len(set(first)) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(first)
    second = re.findall(
        r"<li><code>(\w+)</code></li>",
        browser.post("/account/security/recovery-codes/").content.decode(),
    )
    assert len(set(second)) == 10 and not set(first) & set(second)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(second)
    rows = audit_rows(practitioner, "otp_static.staticdevice")
    assert [r.fields for r in rows] == [["token_set"], ["token_set"]]
    for event in AuditEvent.objects.all():
        assert not any(code in str(event.__dict__) for code in first + second)
    # The security page says how many are left but never shows them again.
    page = browser.get("/account/security/").content.decode()
    assert "10 unused" in page and not any(code in page for code in second)


# --- Signing in --------------------------------------------------------------------------


def test_a_member_with_an_app_is_asked_for_a_code_before_any_page(client, practitioner) -> None:
    make_totp_device(practitioner)
    sign_in_with_password(client, practitioner)
    for path in ("/", "/clients/", "/account/security/", "/password/change/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/login/verify/?next="), path
    # Nor can the password alone add a device of its own or replace the recovery codes.
    for path in (
        "/account/security/totp/new/",
        "/account/security/passkey/options/",
        "/account/security/recovery-codes/",
    ):
        response = client.post(path)
        assert response.status_code == 302 and response.url.startswith("/login/verify/"), path
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1
    assert not StaticDevice.objects.exists()
    second_step = client.get("/login/verify/")
    assert second_step.status_code == 200
    assert practitioner.membership.practice.name not in second_step.content.decode()
    assert client.get("/healthz").status_code == 200
    assert client.post("/logout/").status_code == 302


def test_the_code_from_the_app_completes_the_sign_in(client, practitioner) -> None:
    phone = make_totp_device(practitioner)
    sign_in_with_password(client, practitioner)
    response = client.post("/login/verify/", {"code": totp_for(phone.key), "next": "/clients/"})
    assert response.status_code == 302 and response.url == "/clients/"
    assert client.get("/clients/").status_code == 200


def test_a_wrong_code_is_refused_and_the_pages_stay_closed(client, practitioner) -> None:
    phone = make_totp_device(practitioner)
    sign_in_with_password(client, practitioner)
    right = totp_for(phone.key)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    response = client.post("/login/verify/", {"code": wrong})
    assert response.status_code == 400
    assert "did not match" in response.content.decode()
    assert client.get("/").status_code == 302


def test_guessing_codes_is_slowed_down(client, practitioner) -> None:
    phone = make_totp_device(practitioner)
    sign_in_with_password(client, practitioner)
    right = totp_for(phone.key)
    client.post("/login/verify/", {"code": f"{(int(right) + 500_000) % 1_000_000:06d}"})
    # Straight after a wrong code even the right one must wait (1 s, then 2, 4, 8 …).
    response = client.post("/login/verify/", {"code": right})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_used_code_cannot_be_used_again(client, practitioner) -> None:
    phone = make_totp_device(practitioner)
    code = totp_for(phone.key)
    sign_in_with_password(client, practitioner)
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    client.post("/logout/")
    sign_in_with_password(client, practitioner)
    assert client.post("/login/verify/", {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once(client, practitioner) -> None:
    make_totp_device(practitioner)
    make_recovery_codes(practitioner, CODES)
    sign_in_with_password(client, practitioner)
    response = client.post("/login/verify/", {"code": " CODE3-ABCD "}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "9 remain" in response.content.decode()
    assert not StaticToken.objects.filter(token="code3abcd").exists()
    assert audit_rows(practitioner, "otp_static.staticdevice").get().fields == ["token_used"]
    client.post("/logout/")
    sign_in_with_password(client, practitioner)
    assert client.post("/login/verify/", {"code": "code3abcd"}).status_code == 400


def test_someone_elses_recovery_code_does_not_work(client, practitioner, colleague) -> None:
    make_totp_device(practitioner)
    make_totp_device(colleague)
    make_recovery_codes(colleague, CODES)
    sign_in_with_password(client, practitioner)
    assert client.post("/login/verify/", {"code": CODES[0]}).status_code == 400
    assert StaticToken.objects.filter(token=CODES[0]).exists()


def test_the_second_step_refuses_to_redirect_elsewhere(client, practitioner) -> None:
    phone = make_totp_device(practitioner)
    sign_in_with_password(client, practitioner)
    response = client.post(
        "/login/verify/", {"code": totp_for(phone.key), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == "/"


def test_a_member_without_a_device_signs_in_with_the_password_alone(client, practitioner) -> None:
    response = sign_in_with_password(client, practitioner)
    assert response.url == "/"
    assert client.get("/").status_code == 200
    assert client.get("/login/verify/").url == "/"


def test_the_lockout_still_applies_to_the_password(client, practitioner) -> None:
    make_totp_device(practitioner)
    for _ in range(5):
        client.post("/login/", {"username": practitioner.email, "password": "wrong"})
    response = client.post("/login/", {"username": practitioner.email, "password": PASSWORD})
    assert response.status_code == 429


# --- Passkeys: the server side (the ceremony itself is in tests/browser/test_twofactor.py) --


def test_passkey_options_name_the_relying_party_and_the_member(
    login, practitioner, settings
) -> None:
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    browser = login(practitioner)
    options = browser.post("/account/security/passkey/options/").json()
    assert options["rp"] == {"name": "Somatrace", "id": "localhost"}
    assert options["user"]["name"] == practitioner.email
    assert len(base64.urlsafe_b64decode(options["challenge"] + "==")) >= 16


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"credential": "x"}', b'{"credential": {"id": 1}}', b"[" * 5000],
)
def test_a_malformed_passkey_answer_is_refused_with_a_message(login, practitioner, body) -> None:
    browser = login(practitioner)
    browser.post("/account/security/passkey/options/")
    response = browser.post("/account/security/passkey/", body, content_type="application/json")
    assert response.status_code == 400
    assert "passkey" in response.json()["error"].lower()
    assert not WebAuthnCredential.objects.exists()


def test_a_passkey_answer_without_a_challenge_is_refused(client, practitioner) -> None:
    make_totp_device(practitioner)
    sign_in_with_password(client, practitioner)
    response = client.post(
        "/login/verify/passkey/", {"credential": {"id": "abc"}}, content_type="application/json"
    )
    assert response.status_code == 400 and "expired" in response.json()["error"]
    assert client.get("/").status_code == 302


# --- Requiring it --------------------------------------------------------------------------


def test_the_owner_requires_two_factor_in_the_practice_settings(login, owner, practice) -> None:
    browser = login(owner)
    response = browser.post(
        "/practice/",
        {"name": practice.name, "time_zone": practice.time_zone, "require_two_factor": "on"},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.require_two_factor
    row = AuditEvent.objects.get(actor=owner, object_type="accounts.practice")
    assert row.action == Action.UPDATE and row.fields == ["require_two_factor"]


def test_only_an_owner_can_require_two_factor(login, practitioner, practice) -> None:
    with pytest.raises(Exception, match="owner"):
        services.update_practice(staff_actor(practitioner), {"require_two_factor": True})
    response = login(practitioner).post(
        "/practice/", {"name": practice.name, "time_zone": "UTC", "require_two_factor": "on"}
    )
    assert response.status_code == 403
    practice.refresh_from_db()
    assert not practice.require_two_factor


def test_when_required_a_member_without_a_device_is_led_to_enrolment(
    client, practitioner, practice
) -> None:
    Practice.objects.filter(pk=practice.pk).update(require_two_factor=True)
    sign_in_with_password(client, practitioner)
    for path in ("/", "/clients/", "/practice/", "/password/change/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/account/security/", path
    page = client.get("/account/security/").content.decode()
    assert "Your practice requires two-factor sign-in" in page
    assert client.post("/account/security/totp/new/").status_code == 302
    device = TOTPDevice.objects.get(user=practitioner)
    client.post("/account/security/totp/", {"code": totp_for(device.key)})
    assert client.get("/clients/").status_code == 200


def test_when_not_required_the_demo_and_everyone_else_are_left_alone(client, practitioner) -> None:
    sign_in_with_password(client, practitioner)
    assert client.get("/clients/").status_code == 200


# --- Lost device: the owner's reset and the command line -------------------------------------


def test_the_owner_resets_a_members_second_factors(login, owner, practitioner) -> None:
    make_totp_device(practitioner)
    make_recovery_codes(practitioner, CODES)
    membership = practitioner.membership
    browser = login(owner)
    assert "Reset Pat" in browser.get(f"/practice/team/{membership.pk}/").content.decode()
    response = browser.post(f"/practice/team/{membership.pk}/reset-2fa/", follow=True)
    assert "second factors were removed (2)" in response.content.decode()
    assert services.devices_of(practitioner) == []
    row = AuditEvent.objects.get(actor=owner, object_type="accounts.membership")
    assert row.action == Action.ACCESS and row.object_id == membership.pk
    assert row.fields == ["second_factors"]


def test_after_a_reset_a_required_practice_sends_the_member_to_enrol(
    client, owner, practitioner, practice
) -> None:
    make_totp_device(practitioner)
    Practice.objects.filter(pk=practice.pk).update(require_two_factor=True)
    services.reset_second_factors(staff_actor(owner), practitioner.membership)
    sign_in_with_password(client, practitioner)
    assert client.get("/").url == "/account/security/"


@pytest.mark.parametrize("who", ["assistant", "colleague"])
def test_only_the_owner_can_reset_someone_elses_devices(request, login, practitioner, who) -> None:
    phone = make_totp_device(practitioner)
    user = request.getfixturevalue(who)
    response = login(user).post(f"/practice/team/{practitioner.membership.pk}/reset-2fa/")
    assert response.status_code == 403
    with pytest.raises(Exception, match="owner"):
        services.reset_second_factors(staff_actor(user), practitioner.membership)
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()


def test_another_practices_owner_cannot_reset_a_member(login, outsider, practitioner) -> None:
    phone = make_totp_device(practitioner)
    response = login(outsider).post(f"/practice/team/{practitioner.membership.pk}/reset-2fa/")
    assert response.status_code == 404
    with pytest.raises(Exception, match="not in your practice"):
        services.reset_second_factors(staff_actor(outsider), practitioner.membership)
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()
    assert not AuditEvent.objects.filter(object_type="accounts.membership").exists()


def test_the_command_line_resets_an_owner_who_lost_their_device(owner, capsys) -> None:
    make_totp_device(owner)
    make_recovery_codes(owner, CODES)
    call_command("reset-2fa", owner.email.upper())
    assert "Removed 2 second factors" in capsys.readouterr().out
    assert services.devices_of(owner) == []
    row = AuditEvent.objects.get(object_type="accounts.membership")
    assert row.actor is None and row.actor_kind == "cli" and row.channel == "cli"
    assert row.fields == ["second_factors"] and row.actor_ref.endswith("reset-2fa")


def test_the_command_line_refuses_an_unknown_address(db) -> None:
    with pytest.raises(CommandError, match="No practice member"):
        call_command("reset-2fa", "nobody@example.test")
