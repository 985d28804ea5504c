"""Research projects, research-consent withdrawals and pre-registered analysis plans."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice

DEFAULT_MINIMUM = 5  # smallest group shown or exported (issue 15's default)


def _secret() -> str:
    return secrets.token_hex(32)


class ResearchProject(models.Model):
    """A question a practice asks of its own de-identified data, with its own research ids.

    ``secret``: a random key of this project only; research ids are HMACs of the client id
    under it, so they are stable within the project, differ between projects and cannot be
    derived from client ids without it. It never leaves the server.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=150)
    minimum = models.PositiveSmallIntegerField(
        "smallest group shown or exported",
        default=DEFAULT_MINIMUM,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
    )
    practitioners_may_view = models.BooleanField(
        "practitioners may see results of their own clients",
        default=False,
        help_text="Results and report only, from the clients each practitioner may see.",
    )
    secret = models.CharField(max_length=64, default=_secret, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    if TYPE_CHECKING:
        practice_id: int

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Research project {self.pk}"


class ResearchWithdrawal(models.Model):
    """A client's withdrawal of research use from one signed consent (treatment consent
    stands). From then on the client is left out of every analysis and export."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    consent = models.OneToOneField(
        "clients.ConsentRecord", on_delete=models.CASCADE, related_name="research_withdrawal"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    if TYPE_CHECKING:
        client_id: int
        consent_id: int

    def __str__(self) -> str:
        return f"Research withdrawal {self.pk}"


class AnalysisPlan(models.Model):
    """A pre-registered analysis plan. Once locked it never changes; a new version
    supersedes it. ``cohort`` holds the cohort filters (the form's fields), ``outcomes`` the
    instrument codes, ``time_points`` the words of when scores are compared."""

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField()
    cohort = models.JSONField(default=dict)
    outcomes = models.JSONField(default=list)
    time_points = models.CharField(max_length=300, default="first and latest score")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    if TYPE_CHECKING:
        project_id: int

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="unique_plan_version")
        ]

    def __str__(self) -> str:
        return f"Analysis plan {self.pk}"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None
