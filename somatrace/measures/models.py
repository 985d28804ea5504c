"""Outcome measures: which instruments a client is given, each administration and its score,
and the single-use links a client completes them through."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.clients.models import Client
from somatrace.core.visibility import ClientRecordQuerySet
from somatrace.measures import instruments
from somatrace.therapy.models import Session

INSTRUMENT_CHOICES = [
    (code, instruments.INSTRUMENTS[code].short_title) for code in instruments.ORDER
]


class PracticeMeasures(models.Model):
    """Which instruments a practice offers. Without a row, the defaults apply (WHO-5 off)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="measures_settings"
    )
    enabled = models.JSONField(default=list, help_text="Instrument codes offered.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Measures settings {self.pk}"

    @staticmethod
    def enabled_for(practice_id: int) -> frozenset[str]:
        row = PracticeMeasures.objects.filter(practice_id=practice_id).first()
        if row is None:
            return instruments.default_enabled()
        return frozenset(c for c in row.enabled if c in instruments.INSTRUMENTS)


class Schedule(models.TextChoices):
    INTAKE = "intake", "At intake"
    EVERY_N_SESSIONS = "every_n_sessions", "Every N sessions"
    EVERY_N_WEEKS = "every_n_weeks", "Every N weeks"
    DISCHARGE = "discharge", "At discharge"
    ON_DEMAND = "on_demand", "On demand"


class Assignment(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_assignments")
    instrument = models.CharField(max_length=12, choices=INSTRUMENT_CHOICES)
    schedule = models.CharField(max_length=20, choices=Schedule.choices)
    n = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        ordering = ["client", "instrument"]

    def __str__(self) -> str:
        return f"Assignment {self.pk}"

    @property
    def definition(self) -> instruments.Instrument:
        return instruments.INSTRUMENTS[self.instrument]

    @property
    def schedule_text(self) -> str:
        if self.schedule == Schedule.EVERY_N_SESSIONS:
            return f"every {self.n} session{'s' if self.n != 1 else ''}"
        if self.schedule == Schedule.EVERY_N_WEEKS:
            return f"every {self.n} week{'s' if self.n != 1 else ''}"
        return str(self.get_schedule_display()).lower()


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


class Channel(models.TextChoices):
    KIOSK = "kiosk", "Kiosk (practice tablet)"
    LINK = "link", "Secure link"
    PAPER = "paper", "Paper, entered by the practitioner"
    PORTAL = "portal", "The client's portal"


class Administration(models.Model):
    """One time an instrument is given to a client, and its answers and score once completed."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="administrations")
    instrument = models.CharField(max_length=12, choices=INSTRUMENT_CHOICES)
    version = models.CharField(max_length=12)
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    channel = models.CharField(max_length=6, choices=Channel.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=list, blank=True)
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=80, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    valid = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="administrations"
    )

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        link_state: str  # set for display by the client panel (measures_panels)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["client", "instrument", "status", "completed_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Administration {self.pk}"

    @property
    def definition(self) -> instruments.Instrument:
        return instruments.INSTRUMENTS[self.instrument]

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING

    @property
    def percentage(self) -> float | None:
        value = self.subscales.get("percentage") if self.subscales else None
        return value


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessLink(models.Model):
    """A single-use, expiring link to one administration. Only the SHA-256 of the token is
    stored: the link itself is shown once, when it is made."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Access link {self.pk}"

    @property
    def usable(self) -> bool:
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
            and self.administration.status == Status.PENDING
        )
