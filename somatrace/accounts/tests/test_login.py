import hashlib
import logging

import pytest
from django.core import mail
from django.test import Client

from somatrace.audit.models import AuditEvent
from somatrace.testing import PASSWORD


@pytest.mark.django_db
def test_it_logs_in_by_email_case_insensitively(client, practitioner) -> None:
    response = client.post(
        "/login/", {"username": practitioner.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_a_wrong_password_gets_a_clear_message(client, practitioner) -> None:
    response = client.post("/login/", {"username": practitioner.email, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()


@pytest.mark.django_db
def test_it_locks_out_after_five_failures(client, practitioner) -> None:
    for _ in range(5):
        client.post("/login/", {"username": practitioner.email, "password": "wrong"})
    response = client.post("/login/", {"username": practitioner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
def test_logout_ends_the_session(login, practitioner) -> None:
    browser = login(practitioner)
    assert browser.post("/logout/").status_code == 302
    assert browser.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, practitioner) -> None:
    client.post("/password/reset/", {"email": practitioner.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"}
    )
    response = client.post(
        "/login/", {"username": practitioner.email, "password": "a-brand-new-secret-9"}
    )
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_password_reset_does_not_reveal_who_has_an_account(client) -> None:
    response = client.post("/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302 and len(mail.outbox) == 0


@pytest.mark.django_db
def test_password_change_checks_the_old_password(login, practitioner) -> None:
    browser = login(practitioner)
    response = browser.post(
        "/password/change/",
        {
            "old_password": "nope",
            "new_password1": "x-new-secret-77",
            "new_password2": "x-new-secret-77",
        },
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = browser.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "x-new-secret-77",
            "new_password2": "x-new-secret-77",
        },
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password("x-new-secret-77")


@pytest.mark.django_db
def test_a_user_without_a_practice_is_refused_politely(client, django_user_model) -> None:
    user = django_user_model.objects.create_user("loner@example.test", PASSWORD, full_name="Lone")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "No access" in response.content.decode()


# --- Lockout: one account from one address -------------------------------------------------


def sign_in(email: str, password: str, **meta: str) -> int:
    """POST the login form from a fresh browser; the status (302 signed in, 429 locked)."""
    return Client().post("/login/", {"username": email, "password": password}, **meta).status_code


@pytest.mark.django_db
def test_a_lockout_holds_one_address_for_one_account_only(practitioner, colleague) -> None:
    statuses = [sign_in(practitioner.email, "wrong", REMOTE_ADDR="192.0.2.1") for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth wrong password locks
    assert sign_in(practitioner.email, PASSWORD, REMOTE_ADDR="192.0.2.1") == 429
    # The same account from another address, another account from the same address.
    assert sign_in(practitioner.email, PASSWORD, REMOTE_ADDR="192.0.2.2") == 302
    assert sign_in(colleague.email, PASSWORD, REMOTE_ADDR="192.0.2.1") == 302


@pytest.mark.django_db
def test_served_directly_a_forged_forwarded_header_does_not_dodge_the_lockout(
    practitioner,
) -> None:
    for n in range(5):
        sign_in(practitioner.email, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert sign_in(practitioner.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99") == 429


@pytest.mark.django_db
def test_behind_a_proxy_lockout_and_audit_follow_the_forwarded_address(
    settings, practitioner
) -> None:
    settings.SOMATRACE_BEHIND_PROXY = True  # the test client's peer, 127.0.0.1, is trusted
    for _ in range(5):
        sign_in(practitioner.email, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sign_in(practitioner.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5") == 429
    browser = Client(HTTP_X_FORWARDED_FOR="203.0.113.6")
    response = browser.post("/login/", {"username": practitioner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/clients/").status_code == 200
    row = AuditEvent.objects.filter(actor=practitioner).latest("id")
    assert row.ip == "203.0.113.6" and row.path == "/clients/"


@pytest.mark.django_db
def test_failed_sign_ins_are_logged_by_reference_never_by_email(practitioner, caplog) -> None:
    axes_log = logging.getLogger("axes")  # does not propagate to the root logger
    axes_log.addHandler(caplog.handler)
    try:
        for _ in range(5):
            sign_in(practitioner.email, "wrong", REMOTE_ADDR="192.0.2.1")
    finally:
        axes_log.removeHandler(caplog.handler)
    reference = hashlib.sha256(practitioner.email.lower().encode()).hexdigest()[:8]
    messages = [record.getMessage() for record in caplog.records]
    assert any(f"account ~{reference} from 192.0.2.1" in m for m in messages)
    assert any(m.startswith("AXES: Locking out") for m in messages)
    assert not any(practitioner.email.lower() in m.lower() for m in messages)


# --- Password reset, throttled ---------------------------------------------------------------


def ask_reset(email: str, address: str) -> object:
    return Client().post("/password/reset/", {"email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_password_reset_sends_at_most_three_links_an_hour_to_one_email(practitioner) -> None:
    for n in range(3):
        assert ask_reset(practitioner.email, f"192.0.2.{n}").status_code == 302
    assert len(mail.outbox) == 3
    refused = ask_reset(practitioner.email.upper(), "192.0.2.9")
    assert refused.status_code == 429
    assert "has been asked for several times in the last hour" in refused.content.decode()
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_throttled_reset_reads_the_same_whether_or_not_the_account_exists(
    practitioner,
) -> None:
    pages = []
    for email in (practitioner.email, "nobody@example.test"):
        for n in range(3):
            ask_reset(email, f"192.0.2.{n}")
        refused = ask_reset(email, "192.0.2.9")
        pages.append((refused.status_code, refused.content.decode().replace(email, "EMAIL")))
    assert pages[0][0] == pages[1][0] == 429
    # The page differs only in its CSRF token.
    known, unknown = (page.splitlines() for _, page in pages)
    differing = [a for a, b in zip(known, unknown, strict=True) if a != b]
    assert all("csrfmiddlewaretoken" in line for line in differing)


@pytest.mark.django_db
def test_one_address_may_ask_for_ten_resets_an_hour(practitioner) -> None:
    for n in range(10):
        assert ask_reset(f"someone{n}@example.test", "192.0.2.1").status_code == 302
    refused = ask_reset(practitioner.email, "192.0.2.1")
    assert refused.status_code == 429
    assert "Too many password reset requests have come from your address" in (
        refused.content.decode()
    )
    assert len(mail.outbox) == 0
    assert ask_reset(practitioner.email, "192.0.2.2").status_code == 302
    assert len(mail.outbox) == 1
