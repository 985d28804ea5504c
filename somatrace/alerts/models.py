"""Safety alerts: records that stay on the dashboard until a practitioner acknowledges them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.core.visibility import ClientRecordQuerySet


class Priority(models.TextChoices):
    HIGH = "high", "High"
    LOWER = "lower", "Lower"


class AlertQuerySet(ClientRecordQuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="alerts")
    # By name: alerts sit below clients, so that the client's own services can raise them.
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="alerts")
    # What raised it, e.g. "intake.suicidal_thoughts" or "phq9.item9"; one open alert per kind.
    kind = models.CharField(max_length=60)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.HIGH)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)
    # What raised it, filled in by the raising service and shown on the alert's page:
    # {"source": "PHQ-9, completed 3 Mar 2026 (secure link)",
    #  "items": [{"label": "Item 9: Thoughts that ...", "value": "Several days (1)"}]}
    details = models.JSONField(default=dict, blank=True)

    objects = AlertQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        ordering = ["acknowledged_at", "priority", "-created_at"]
        indexes = [models.Index(fields=["practice", "acknowledged_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="one_open_alert_per_client_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def detail_source(self) -> str:
        """Where the answers that raised it come from (a questionnaire, the intake screen)."""
        return str(self.details.get("source", "")) if isinstance(self.details, dict) else ""

    @property
    def detail_items(self) -> list[dict[str, str]]:
        """The answers or values that raised it: [{"label": ..., "value": ...}]."""
        items = self.details.get("items", []) if isinstance(self.details, dict) else []
        return [
            {"label": str(item.get("label", "")), "value": str(item.get("value", ""))}
            for item in items
            if isinstance(item, dict)
        ]
