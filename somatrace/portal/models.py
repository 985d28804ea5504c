"""What the portal adds to the record: a client's request that their records be deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.core.visibility import ClientRecordQuerySet


class DeletionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the owner"
    ERASED = "erased", "Erased"
    KEPT = "kept", "Kept, with a reason"


class DeletionRequest(models.Model):
    """A client asked, in their portal, that everything held about them be deleted. The owner
    decides: erase, or keep with a reason (the law may require keeping health records). The
    request outlives an erasure: it keeps the record's number, not the client."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deletion_requests",
    )
    client_number = models.PositiveBigIntegerField()  # the client's id, kept after erasure
    note = models.TextField(blank=True, max_length=2000)  # the client's own words, optional
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=DeletionStatus.choices, default=DeletionStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True, max_length=4000)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        practice_id: int
        client_id: int | None

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Deletion request {self.pk}"
