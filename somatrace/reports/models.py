"""A progress report made in the background: what was asked, how far it is, the PDF.

Transient: a job and its PDF are deleted EXPIRY after it was asked for (services.py), and
it is left out of a practice's move (transfer/queries.py EXCLUDED)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from somatrace.clients.models import Client
from somatrace.core.visibility import ClientRecordQuerySet


class ReportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "sections": [keys of forms.SECTIONS]}:
    # the form's period and sections only, never free text.
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    step = models.CharField(max_length=60, blank=True)
    # The PDF, through Django's storage API under a random name (services.run_job).
    pdf = models.FileField(upload_to="reports/", blank=True)
    # The records in the PDF by type, for the export row written when it is downloaded.
    shown = models.JSONField(default=dict)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Report job {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
