"""Sending email in the background worker (django-tasks) and the periodic retry."""

from __future__ import annotations

from datetime import datetime, timedelta

from django_tasks import task

from somatrace.core.periodic import periodic
from somatrace.mail import services


@task()
def deliver_email(email_id: int) -> bool:
    """Send one queued email if it is due and no other worker has it (services.deliver)."""
    return services.deliver(email_id)


@periodic("mail.retry", every=timedelta(minutes=1))
def retry_due_mail(now: datetime) -> None:
    """Hand emails whose next attempt is due to the worker queue."""
    services.enqueue_due(now)
