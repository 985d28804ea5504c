"""The check-in job: run twice, it makes one check-in and sends one email, through a real
SMTP server, with no clinical detail in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.core.periodic import run_due_jobs
from somatrace.journal.models import CheckIn
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
