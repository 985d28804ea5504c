"""Queueing and sending email. Every app sends email through queue_email(); the worker sends.

    queue_email(actor, to=..., subject=..., text=..., kind="alert", key=f"alert:{pk}:{user}")

Queueing is idempotent by (practice, key): a job that runs twice, or on two workers at once,
gets back the email it queued the first time and nothing more is sent. The email is handed to
the background worker when the caller's transaction commits (mail.tasks.deliver_email); the
worker claims it before sending, so two workers never send one email twice. A failed attempt
is tried again after 1, 5 and 30 minutes, 2 and 12 hours (the periodic job mail.retry hands
due retries to the worker), then the email is marked failed and shows in the owner's outbox.

Neither the audit log nor last_error ever holds a message's content.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from somatrace.audit import services as audit
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.mail import tasks as mail_tasks
from somatrace.mail.models import OutgoingEmail, Status

logger = logging.getLogger("somatrace.mail")

# Wait after the 1st, 2nd, ... failed attempt; after one more failure the email has failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a worker holds an email it is sending. A worker that dies mid-send leaves the email
# due again after this (it may then be sent twice: SMTP cannot tell). Longer than the timeout.
LEASE = timedelta(minutes=10)
MAX_ATTACHMENT_BYTES = 1_000_000


def _deliver_actor(practice_id: int) -> Actor:
    return Actor.system(practice_id, "mail: deliver")


def queue_email(
    actor: Actor,
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    key: str,
    html: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> OutgoingEmail:
    """Queue one email for the actor's practice, or return the one already queued by `key`.

    attachments: (filename, content, content type) of small files, such as an .ics invite.
    The worker sends it after the caller's transaction commits.
    """
    existing = OutgoingEmail.objects.filter(practice_id=actor.practice_id, key=key).first()
    if existing is not None:
        return existing
    try:
        validate_email(to)
    except ValidationError as error:
        raise RuleError("That is not a valid email address.") from error
    if not key or len(key) > 200:
        raise ValueError("An email's key is 1 to 200 characters.")
    if sum(len(content) for _, content, _ in attachments) > MAX_ATTACHMENT_BYTES:
        raise ValueError("Email attachments are small files (at most 1 MB in all).")
    stored_attachments = [
        {
            "filename": filename,
            "content_type": content_type,
            "content": base64.b64encode(content).decode("ascii"),
        }
        for filename, content, content_type in attachments
    ]
    try:
        # A savepoint: on PostgreSQL a failed insert inside the caller's transaction must not
        # spoil the rest of it.
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                practice_id=actor.practice_id,
                kind=kind,
                key=key,
                to=to,
                subject=subject[:250],
                text=text,
                html=html,
                attachments=stored_attachments,
            )
            audit.created(actor, email, ["kind", "to", "subject"])
    except IntegrityError:  # queued at the same moment by another worker or request
        return OutgoingEmail.objects.get(practice_id=actor.practice_id, key=key)
    _enqueue_on_commit(email.pk)
    return email


def _enqueue_on_commit(email_id: int) -> None:
    # robust: a task queue that cannot take it now is no loss, mail.retry hands it over later.
    transaction.on_commit(lambda: mail_tasks.deliver_email.enqueue(email_id), robust=True)


def due(now: datetime | None = None) -> list[int]:
    """The ids of queued emails whose (next) attempt is due, oldest first."""
    return list(
        OutgoingEmail.objects.filter(
            status=Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


def enqueue_due(now: datetime | None = None) -> int:
    """Hand every due email to the worker queue (the periodic job mail.retry)."""
    ids = due(now)
    for pk in ids:
        mail_tasks.deliver_email.enqueue(pk)
    return len(ids)


def _claim(email_id: int, now: datetime) -> OutgoingEmail | None:
    """Take a due email for this worker, or None if it is not due or another worker has it.

    The row is locked (PostgreSQL, skipping rows another worker holds; SQLite's IMMEDIATE
    transactions serialise writers) and its next attempt moved past the lease, so that no
    other worker finds it due while this one sends.
    """
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=Status.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if email is None:
            return None
        email.next_attempt_at = now + LEASE
        email.save(update_fields=["next_attempt_at"])
        return email


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    message = EmailMultiAlternatives(
        email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [email.to], connection=connection
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["content_type"],
        )
    return message


def _describe(error: Exception, email: OutgoingEmail) -> str:
    """What went wrong, for the owner: the error's kind and the server's answer, with the
    recipient's address taken out and never any of the message."""
    detail = str(error).replace(email.to, "<recipient>")
    return f"{type(error).__name__}: {detail}"[:300]


def deliver(email_id: int, now: datetime | None = None) -> bool:
    """Send one due email through the configured EMAIL_BACKEND; True if it was sent now.

    Not due, already sent, failed, or taken by another worker: nothing happens (False).
    """
    now = now or timezone.now()
    email = _claim(email_id, now)
    if email is None:
        return False
    try:
        _message(email).send()
    except Exception as error:  # whatever stopped it, the email waits for its next attempt
        _record_failure(email, error, now)
        return False
    _record_sent(email)
    return True


@transaction.atomic
def _record_sent(email: OutgoingEmail) -> None:
    email.status = Status.SENT
    email.sent_at = timezone.now()
    email.attempts += 1
    email.last_error = ""
    email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    audit.updated(_deliver_actor(email.practice_id), email, ["status", "sent_at", "attempts"])


@transaction.atomic
def _record_failure(email: OutgoingEmail, error: Exception, now: datetime) -> None:
    email.attempts += 1
    email.last_error = _describe(error, email)
    if email.attempts >= MAX_ATTEMPTS:
        email.status = Status.FAILED
        email.next_attempt_at = now
    else:
        email.next_attempt_at = now + BACKOFF[email.attempts - 1]
    email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    audit.updated(_deliver_actor(email.practice_id), email, ["status", "attempts", "last_error"])
    logger.warning(
        "Email %s (%s) not sent, attempt %s: %s",
        email.pk,
        email.kind,
        email.attempts,
        type(error).__name__,
    )


@transaction.atomic
def retry_now(actor: Actor, email: OutgoingEmail) -> OutgoingEmail:
    """The owner's "retry now": one more attempt, at once, for a queued or failed email."""
    actor.require_owner("Only the practice owner can retry an email.")
    email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
    if email.practice_id != actor.practice_id:
        raise RuleError("This email belongs to another practice.")
    if email.status == Status.SENT:
        raise RuleError("This email was sent already.")
    email.status = Status.QUEUED
    email.next_attempt_at = timezone.now()
    if email.attempts >= MAX_ATTEMPTS:
        email.attempts = MAX_ATTEMPTS - 1  # one more attempt, then failed again
    email.save(update_fields=["status", "next_attempt_at", "attempts"])
    audit.updated(actor, email, ["status", "next_attempt_at"])
    _enqueue_on_commit(email.pk)
    return email
