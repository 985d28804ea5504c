"""The check-in job: run twice, it makes one check-in and sends one email, through a real
SMTP server, with no clinical detail in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.core.periodic import run_due_jobs
from somatrace.journal import services
from somatrace.journal.models import CheckIn
from somatrace.journal.testing import make_checkin
from somatrace.journal.tests.helpers import client_actor
from somatrace.mail.models import OutgoingEmail
from somatrace.mail.testing import deliver_queued_mail
from somatrace.testing import make_client, make_client_account, make_session

pytestmark = pytest.mark.django_db


def test_the_job_run_twice_makes_one_checkin_and_sends_one_email(
    smtp_server, practice, practitioner, client_record
) -> None:
    make_client_account(client_record, email="quinn@example.org", password="a-long-passphrase-1")
    without_account = make_client(practice, practitioner)
    now = timezone.now()
    end = now - timedelta(hours=25)
    session = make_session(client_record, starts_at=end - timedelta(hours=1), ended_at=end)
    make_session(without_account, starts_at=end - timedelta(hours=1), ended_at=end)

    run_due_jobs(now)
    run_due_jobs(now + timedelta(minutes=5))  # the next period: the job runs again

    assert CheckIn.objects.filter(session=session, hours=24).count() == 1
    assert CheckIn.objects.count() == 2  # the client without an account is asked in the portal
    assert OutgoingEmail.objects.count() == 1
    assert deliver_queued_mail() == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "quinn@example.org"
    body = message.get_body(("plain",)).get_content()
    checkin = CheckIn.objects.get(session=session)
    assert f"/portal/checkins/{checkin.pk}/" in body
    # No clinical detail: no name, no ratings, no word about the session.
    assert client_record.name not in body and "session" not in body.lower()
    assert "SUDS" not in body


def test_an_answer_above_the_window_emails_the_practitioner_and_the_owner_a_link_only(
    smtp_server, practitioner, owner, client_record
) -> None:
    checkin = make_checkin(make_session(client_record))
    answered = services.answer_checkin(
        client_actor(client_record), checkin, suds=9, calm=1, tension=9, note="Secret-4411"
    )
    assert answered.alert is not None
    assert deliver_queued_mail() == 2
    messages = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in messages) == sorted([practitioner.email, owner.email])
    for message in messages:
        body = message.get_body(("plain",)).get_content()
        assert f"/alerts/{answered.alert.pk}/" in body
        assert "Secret-4411" not in body and "SUDS" not in body
        assert client_record.name not in body and client_record.name not in message["Subject"]
