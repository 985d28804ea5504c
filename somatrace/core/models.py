"""The kernel's own records: which periodic job ran for which period, and which workers live.

Both belong to no practice and hold no client data (see somatrace/core/periodic.py).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PeriodicRun(models.Model):
    """One period of one periodic job, claimed by the worker that inserted this row first."""

    name = models.CharField(max_length=80)
    slot_start = models.DateTimeField()  # the start of the period this run is for
    claimed_at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=120, blank=True)  # which worker claimed it

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot_start"], name="one_run_per_job_and_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot_start:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """When each background worker (`somatrace worker`) was last seen alive."""

    name = models.CharField(max_length=120, unique=True)  # host:pid
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
