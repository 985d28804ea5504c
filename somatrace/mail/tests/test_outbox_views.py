"""The owner's outbox page: owners only, their practice only, retry now, failures on the
dashboard."""

from __future__ import annotations

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.mail.models import OutgoingEmail, Status
from somatrace.mail.testing import deliver_queued_mail

pytestmark = pytest.mark.django_db


def _email(practice, key, **fields):
    values = {
        "practice": practice,
        "kind": "invitation",
        "key": key,
        "to": "robin@example.org",
        "subject": "Welcome",
        "text": "Private body text",
    }
    values.update(fields)
    return OutgoingEmail.objects.create(**values)


@pytest.fixture
def failed(practice):
    return _email(
        practice,
        "failed:1",
        status=Status.FAILED,
        attempts=6,
        last_error="SMTPRecipientsRefused: {'<recipient>': (550, b'No such user')}",
    )


def test_the_owner_sees_each_email_with_its_status_attempts_and_error(login, owner, failed):
    _email(failed.practice, "sent:1", to="sam@example.org", status=Status.SENT, attempts=1)

    response = login(owner).get("/mail/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "robin@example.org" in page and "sam@example.org" in page
    assert "No such user" in page
    assert "Failed" in page and "Sent" in page
    assert "Private body text" not in page
    assert page.count("Retry now") == 1  # not for the one that was sent
    event = AuditEvent.objects.filter(object_type="mail.outgoingemail", action="read").get()
    assert sorted(event.object_ids) == sorted(OutgoingEmail.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["practitioner", "assistant"])
def test_practitioners_and_assistants_are_refused_the_outbox(request, login, failed, who):
    browser = login(request.getfixturevalue(who))

    listed = browser.get("/mail/")
    retried = browser.post(f"/mail/{failed.pk}/retry/")

    assert listed.status_code == 403 and b"robin@example.org" not in listed.content
    assert retried.status_code == 403
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_another_practices_owner_sees_none_of_it(login, outsider, failed):
    browser = login(outsider)

    assert b"robin@example.org" not in browser.get("/mail/").content
    assert browser.post(f"/mail/{failed.pk}/retry/").status_code == 404
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_anonymous_visitors_are_sent_to_sign_in(client, failed):
    assert client.get("/mail/").url.startswith("/login/")
    assert client.post(f"/mail/{failed.pk}/retry/").url.startswith("/login/")


def test_retry_now_sends_a_failed_email_and_is_audited(login, owner, failed, smtp_server):
    response = login(owner).post(f"/mail/{failed.pk}/retry/")

    assert response.status_code == 302 and response.url == "/mail/"
    failed.refresh_from_db()
    assert failed.status == Status.QUEUED and failed.next_attempt_at <= timezone.now()
    assert AuditEvent.objects.filter(
        actor=owner, action="update", object_type="mail.outgoingemail", object_id=failed.pk
    ).exists()
    assert deliver_queued_mail() == 1
    assert smtp_server.wait_for(1)[0]["To"] == "robin@example.org"


def test_retrying_a_sent_email_says_so_and_sends_nothing(login, owner, practice):
    sent = _email(practice, "sent:2", status=Status.SENT, attempts=1)

    response = login(owner).post(f"/mail/{sent.pk}/retry/", follow=True)

    assert b"was sent already" in response.content
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_retry_is_a_post(login, owner, failed):
    assert login(owner).get(f"/mail/{failed.pk}/retry/").status_code == 405


def test_the_owners_dashboard_counts_failed_email_and_nobody_elses_does(
    login, owner, practitioner, failed
):
    _email(failed.practice, "failed:2", status=Status.FAILED, attempts=6)

    page = login(owner).get("/").content.decode()
    assert "Email not sent" in page and "2 emails could not be sent" in page

    assert b"Email not sent" not in login(practitioner).get("/").content


def test_the_dashboard_says_nothing_when_no_email_failed(login, owner, practice):
    _email(practice, "queued:1")
    assert b"Email not sent" not in login(owner).get("/").content
