"""Aftercare in the client's portal: their own sessions' aftercare, and emailing it to
themselves through the real mail queue and a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from somatrace.audit.models import AuditEvent
from somatrace.mail.models import OutgoingEmail
from somatrace.mail.testing import deliver_queued_mail
from somatrace.testing import make_client, make_client_account, make_session, staff_actor
from somatrace.therapy.services import email_aftercare

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def account(client_record: Any) -> Any:
    return make_client_account(client_record, email="quinn@example.org")


@pytest.fixture
def portal(client: Any, portal_login: Any, account: Any) -> Any:
    return portal_login(client, account)


def test_the_client_sees_each_sessions_aftercare_and_the_latest_on_home(
    portal, client_record
) -> None:
    make_session(client_record, days_ago=10, aftercare="Drink water.")
    make_session(client_record, days_ago=3, aftercare="Rest this evening.", subjective="S-note")
    make_session(client_record, days_ago=2)  # no aftercare
    page = portal.get("/portal/aftercare/").content.decode()
    assert "Drink water." in page and "Rest this evening." in page
    assert page.index("Rest this evening.") < page.index("Drink water.")  # newest first
    assert "S-note" not in page  # the note is never shown
    home = portal.get("/portal/").content.decode()
    assert "After your last session" in home
    assert "Rest this evening." in home and "Drink water." not in home
    assert 'href="/portal/aftercare/"' in home


def test_a_future_session_and_another_clients_aftercare_are_not_shown(
    portal, practice, practitioner, client_record
) -> None:
    make_session(client_record, days_ago=-2, aftercare="Not yet.")
    other = make_session(make_client(practice, practitioner), aftercare="Other's aftercare.")
    page = portal.get("/portal/aftercare/").content.decode()
    assert "Not yet." not in page and "Other's aftercare." not in page
    assert "No aftercare notes yet." in page
    response = portal.post(f"/portal/aftercare/{other.pk}/email/", {"request_key": KEY})
    assert response.status_code == 404
    assert not OutgoingEmail.objects.exists()


def test_the_client_emails_aftercare_to_themselves_once_per_request(
    portal, client_record, smtp_server
) -> None:
    session = make_session(client_record, days_ago=1, aftercare="Drink water.\nRest.")
    page = portal.get("/portal/aftercare/").content.decode()
    assert "Email this to me" in page
    for _ in range(2):  # pressed twice from the same page: one email
        response = portal.post(
            f"/portal/aftercare/{session.pk}/email/", {"request_key": KEY}, follow=True
        )
        assert "On its way to your email address." in response.content.decode()
    assert OutgoingEmail.objects.count() == 1
    assert deliver_queued_mail() == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "quinn@example.org"
    assert message["Subject"].startswith("Your aftercare from ")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Drink water.\nRest." in body.replace("\r\n", "\n")
    assert client_record.name not in message["Subject"]
    exported = AuditEvent.objects.filter(action="export", object_type="therapy.session")
    assert {(e.actor_kind, e.client_id) for e in exported} == {("client", client_record.pk)}
    # Another visit to the page is another request: another email.
    portal.post(f"/portal/aftercare/{session.pk}/email/", {"request_key": "f" * 32})
    assert OutgoingEmail.objects.count() == 2


def test_a_forged_request_key_sends_nothing(portal, client_record) -> None:
    session = make_session(client_record, aftercare="Drink water.")
    response = portal.post(
        f"/portal/aftercare/{session.pk}/email/", {"request_key": "x"}, follow=True
    )
    assert "please reload the page" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_only_the_client_emails_their_aftercare(practitioner, client_record) -> None:
    session = make_session(client_record, aftercare="Drink water.")
    with pytest.raises(PermissionDenied):
        email_aftercare(staff_actor(practitioner), session, to="pat@example.org", request_key=KEY)


@pytest.mark.parametrize("who", ["practitioner", "owner"])
def test_staff_are_refused_the_portal_aftercare(request, login, client_record, who) -> None:
    session = make_session(client_record, aftercare="Drink water.")
    browser = login(request.getfixturevalue(who))
    assert browser.get("/portal/aftercare/").status_code == 403
    response = browser.post(f"/portal/aftercare/{session.pk}/email/", {"request_key": KEY})
    assert response.status_code == 403
    assert not OutgoingEmail.objects.exists()
