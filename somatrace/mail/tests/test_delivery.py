"""Queued email reaches a real SMTP server once, and waits and retries when the server is away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.core.errors import RuleError
from somatrace.mail import services
from somatrace.mail.models import OutgoingEmail, Status
from somatrace.mail.services import queue_email
from somatrace.mail.testing import deliver_queued_mail, free_port
from somatrace.testing import system_actor

pytestmark = pytest.mark.django_db


def _queue(practice, key="test:1", **fields):
    values = {
        "to": "robin@example.org",
        "subject": "Your appointment",
        "text": "See you on Tuesday.",
        "kind": "test",
        "key": key,
    }
    values.update(fields)
    return queue_email(system_actor(practice), **values)


def test_a_queued_email_arrives_at_the_smtp_server_with_its_recipient_and_subject(
    practice, smtp_server
):
    email = _queue(practice, html="<p>See you on Tuesday.</p>")
    assert email.status == Status.QUEUED

    assert deliver_queued_mail() == 1

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "robin@example.org"
    assert message["Subject"] == "Your appointment"
    assert message.get_body(("plain",)).get_content().strip() == "See you on Tuesday."
    assert message.get_body(("html",)).get_content().strip() == "<p>See you on Tuesday.</p>"
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 1, "")
    assert email.sent_at is not None


def test_an_attachment_arrives_whole(practice, smtp_server):
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    _queue(practice, attachments=[("invite.ics", ics, "text/calendar")])

    deliver_queued_mail()

    (message,) = smtp_server.wait_for(1)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_payload(decode=True) == ics


def test_the_same_key_twice_sends_one_email(practice, smtp_server):
    first = _queue(practice, key="checkin:7")
    second = _queue(practice, key="checkin:7", subject="Something else")

    assert second.pk == first.pk
    assert deliver_queued_mail() == 1
    assert deliver_queued_mail() == 0
    assert len(smtp_server.wait_for(1)) == 1
    assert OutgoingEmail.objects.count() == 1


def test_the_same_key_in_another_practice_is_another_email(practice, other_practice):
    assert _queue(practice, key="k").pk != _queue(other_practice, key="k").pk


def test_a_sent_email_is_not_sent_again_by_a_second_delivery(practice, smtp_server):
    email = _queue(practice)
    assert services.deliver(email.pk) is True
    assert services.deliver(email.pk) is False  # a second worker with the same task
    assert len(smtp_server.wait_for(1)) == 1


def test_sending_and_queueing_are_audited_without_the_message(practice, smtp_server):
    email = _queue(practice, text="Private words")
    deliver_queued_mail()

    events = AuditEvent.objects.filter(object_type="mail.outgoingemail", object_id=email.pk)
    assert [e.action for e in events.order_by("pk")] == ["create", "update"]
    sent = events.order_by("pk").last()
    assert sent.actor_kind == "system"
    assert "Private words" not in str(list(events.values()))


def test_an_invalid_address_is_refused_with_a_clear_message(practice):
    with pytest.raises(RuleError, match="valid email address"):
        _queue(practice, to="not an address")


def test_a_server_that_is_away_means_waiting_then_retrying_then_failing(practice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    email = _queue(practice)
    start = timezone.now()

    assert services.deliver(email.pk, now=start) is False

    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert email.next_attempt_at == start + timedelta(minutes=1)
    assert email.last_error.startswith("ConnectionRefusedError")
    assert "robin@example.org" not in email.last_error
    # Not due yet: nothing happens before the minute is over.
    assert services.deliver(email.pk, now=start + timedelta(seconds=59)) is False
    email.refresh_from_db()
    assert email.attempts == 1

    # The waits after each failure: 1 min, 5 min, 30 min, 2 h, 12 h; the 6th failure gives up.
    waits = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
    waits += [timedelta(hours=2), timedelta(hours=12)]
    when = start
    for attempt, wait in enumerate(waits, start=1):
        email.refresh_from_db()
        assert (email.attempts, email.status) == (attempt, Status.QUEUED)
        assert email.next_attempt_at == when + wait
        when = when + wait
        services.deliver(email.pk, now=when)

    email.refresh_from_db()
    assert (email.attempts, email.status) == (6, Status.FAILED)
    assert services.due(when + timedelta(days=30)) == []


def test_a_retry_reaches_the_server_once_it_is_back(practice, smtp_server, settings):
    settings.EMAIL_PORT = free_port()  # the server is away at first
    email = _queue(practice)
    start = timezone.now()
    services.deliver(email.pk, now=start)

    settings.EMAIL_PORT = smtp_server.port
    assert services.deliver(email.pk, now=start + timedelta(minutes=1)) is True
    assert len(smtp_server.wait_for(1)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
