"""The worker sends queued email: the task on commit, and mail.retry for what is due again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from somatrace.core.models import PeriodicRun
from somatrace.mail.models import OutgoingEmail, Status
from somatrace.mail.services import queue_email
from somatrace.testing import system_actor


@pytest.mark.django_db(transaction=True)
def test_queueing_hands_the_email_to_the_worker_which_sends_it(practice, smtp_server):
    email = queue_email(
        system_actor(practice),
        to="robin@example.org",
        subject="Hello",
        text="Hi",
        kind="test",
        key="w:1",
    )
    # Committed (no test transaction here): the task waits in the database queue.
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("worker", batch=True, verbosity=0)

    assert smtp_server.wait_for(1)[0]["Subject"] == "Hello"
    email.refresh_from_db()
    assert email.status == Status.SENT


@pytest.mark.django_db(transaction=True)
def test_worker_batch_runs_the_due_periodic_jobs_and_retry_sends_a_due_email(practice, smtp_server):
    OutgoingEmail.objects.create(  # waiting for its retry, no task queued for it
        practice=practice,
        kind="test",
        key="w:2",
        to="robin@example.org",
        subject="Again",
        text="Hi",
        attempts=1,
        next_attempt_at=timezone.now() - timedelta(seconds=5),
    )

    call_command("worker", batch=True, verbosity=0)

    assert set(PeriodicRun.objects.values_list("name", flat=True)) >= {"mail.retry"}
    assert smtp_server.wait_for(1)[0]["Subject"] == "Again"
    assert OutgoingEmail.objects.get().status == Status.SENT
