"""Email waiting to be sent, being retried, sent or given up on: the practice's outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(models.Model):
    """One email, queued by a service and sent by the background worker.

    `key` makes queueing idempotent: a job that runs twice, or on two workers at once, finds
    the email it queued before. `last_error` names what went wrong (the SMTP server's answer
    or the exception's kind), never the message itself.
    """

    # By name: mail sits beside accounts, on the same layer.
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="outgoing_emails"
    )
    kind = models.SlugField(max_length=40)  # "invitation", "alert", "checkin", ...
    key = models.CharField(max_length=200)
    to = models.EmailField()
    subject = models.CharField(max_length=250)
    text = models.TextField()
    html = models.TextField(blank=True)
    # [{"filename": ..., "content_type": ..., "content": base64}], small files such as .ics
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        practice_id: int

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "key"], name="one_email_per_practice_key")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Email {self.pk} ({self.kind})"
