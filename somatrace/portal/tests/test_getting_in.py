"""Getting into the portal: an emailed invitation, a QR code in the room, a one-time link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from somatrace.accounts.models import ClientAccount, PortalToken
from somatrace.audit.models import AuditEvent
from somatrace.mail.models import OutgoingEmail
from somatrace.mail.testing import deliver_queued_mail
from somatrace.testing import make_client_account

NEW_PASSWORD = "meadow-lantern-river"


def link_in(message: Any) -> str:
    """The path of the one link in an email's text."""
    found = re.findall(r"https?://[^/\s]+(/\S+)", message.get_content())
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def with_email(client_record: Any) -> Any:
    client_record.email = "quinn@example.test"
    client_record.save()
    return client_record


@pytest.mark.django_db
def test_an_emailed_invitation_lets_the_client_set_a_password_once(
    client, login, practitioner, with_email, smtp_server
) -> None:
    staff = login(practitioner)
    response = staff.post(f"/clients/{with_email.pk}/portal/invite/")
    assert response.status_code == 302
    assert deliver_queued_mail() == 1
    message = smtp_server.messages[0]
    assert message["To"] == "quinn@example.test"
    assert message["Subject"] == "Your own space at Riverside Practice"
    path = link_in(message)
    token = path.rstrip("/").rsplit("/", 1)[1]
    # Hashed at rest, and never written down in the audit trail.
    assert not PortalToken.objects.filter(token_hash=token).exists()
    assert not any(token in (row.path + row.actor_ref) for row in AuditEvent.objects.all())

    staff.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert b"quinn@example.test" in page.content
    mismatch = client.post(path, {"password1": NEW_PASSWORD, "password2": "something-else"})
    assert mismatch.status_code == 400
    done = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.url == "/portal/"
    account = ClientAccount.objects.get(client=with_email)
    assert account.user.email == "quinn@example.test"
    assert account.user.check_password(NEW_PASSWORD)
    assert not hasattr(account.user, "membership") or account.user.membership is None
    assert client.get("/portal/").status_code == 200
    client.logout()
    assert client.get(path).status_code == 404  # single use
    signed_in = client.post(
        "/portal/login/", {"username": "quinn@example.test", "password": NEW_PASSWORD}
    )
    assert signed_in.url == "/portal/"


@pytest.mark.django_db
def test_an_expired_invitation_no_longer_opens(client, login, practitioner, with_email) -> None:
    login(practitioner).post(f"/clients/{with_email.pk}/portal/invite/")
    text = OutgoingEmail.objects.get().text
    path = re.search(r"https?://[^/\s]+(/\S+)", text).group(1)  # type: ignore[union-attr]
    PortalToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.logout()
    assert client.get(path).status_code == 404
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    assert not ClientAccount.objects.exists()


@pytest.mark.django_db
def test_a_client_without_an_email_address_cannot_be_invited_by_email(
    login, practitioner, client_record
) -> None:
    response = login(practitioner).post(f"/clients/{client_record.pk}/portal/invite/", follow=True)
    assert b"Add the client&#x27;s email address" in response.content
    assert not OutgoingEmail.objects.exists()
    assert not PortalToken.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who,status", [("assistant", 403), ("colleague", 404), ("outsider", 404)])
def test_only_the_clients_practitioner_or_owner_invites(
    request, login, with_email, who, status
) -> None:
    browser = login(request.getfixturevalue(who))
    for url in (f"/clients/{with_email.pk}/portal/invite/", f"/clients/{with_email.pk}/portal/qr/"):
        assert browser.post(url).status_code == status
    assert not PortalToken.objects.exists()


@pytest.mark.django_db
def test_the_qr_code_carries_a_working_invitation_and_no_url_holds_it(
    client, login, practitioner, client_record
) -> None:
    staff = login(practitioner)
    assert staff.get(f"/clients/{client_record.pk}/portal/qr/").status_code == 405
    page = staff.post(f"/clients/{client_record.pk}/portal/qr/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert PortalToken.objects.filter(client=client_record, used_at=None).count() == 1
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_an_invitation_to_a_client_with_an_account_replaces_their_password(
    client, login, practitioner, with_email
) -> None:
    user = make_client_account(with_email, email="quinn@example.test")
    login(practitioner).post(f"/clients/{with_email.pk}/portal/invite/")
    path = re.search(r"https?://[^/\s]+(/\S+)", OutgoingEmail.objects.get().text).group(1)  # type: ignore[union-attr]
    client.logout()
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert ClientAccount.objects.count() == 1


@pytest.mark.django_db
def test_a_one_time_link_signs_the_client_in_once(client, client_record, smtp_server) -> None:
    make_client_account(client_record, email="quinn@example.test")
    sent = client.post("/portal/login/link/", {"email": "Quinn@Example.test"})
    assert b"Look in your inbox" in sent.content
    assert deliver_queued_mail() == 1
    path = link_in(smtp_server.messages[0])
    # Opening the link (as a mail scanner would) does not use it up.
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert client.post(path).url == "/portal/"
    assert client.get("/portal/").status_code == 200
    client.logout()
    assert client.post(path).status_code == 404


@pytest.mark.django_db
def test_a_link_request_for_an_unknown_or_staff_address_looks_the_same_and_sends_nothing(
    client, practitioner
) -> None:
    for email in ("nobody@example.test", practitioner.email):
        response = client.post("/portal/login/link/", {"email": email})
        assert b"Look in your inbox" in response.content
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_sign_in_links_are_throttled_per_address(client, client_record) -> None:
    make_client_account(client_record, email="quinn@example.test")
    statuses = [
        client.post("/portal/login/link/", {"email": "quinn@example.test"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert OutgoingEmail.objects.count() == 3
