"""Sessions: when they happened, how the client rated themselves, and the signed note."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.clients.models import LONG_TEXT, Client


def rating_field(label: str) -> models.PositiveSmallIntegerField:
    """A 0-10 self-rating; blank when it was not asked."""
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )


def note_field(label: str) -> models.TextField:
    return models.TextField(label, blank=True, validators=[MaxLengthValidator(LONG_TEXT)])


class Technique(models.Model):
    """A technique a practitioner may record. Built-ins (practice empty) never change, so
    that sessions stay comparable across practices; a practice can add its own."""

    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="techniques"
    )
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["practice_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "code"], name="unique_technique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(practice__isnull=True),
                name="unique_builtin_technique_code",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def available_to(cls, practice_id: int) -> models.QuerySet[Technique]:
        return cls.objects.filter(
            models.Q(practice__isnull=True) | models.Q(practice_id=practice_id)
        )


class SessionQuerySet(models.QuerySet["Session"]):
    def visible_to(self, user: Any, *, clinical: bool = True) -> SessionQuerySet:
        """Sessions of the clients the user may see (Client.objects.visible_to decides)."""
        return self.filter(client__in=Client.objects.visible_to(user, clinical=clinical))


class Session(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="sessions")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sessions")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    pre_suds = rating_field("SUDS before")
    pre_calm = rating_field("calm before")
    pre_tension = rating_field("body tension before")
    post_suds = rating_field("SUDS after")
    post_calm = rating_field("calm after")
    post_tension = rating_field("body tension after")

    techniques = models.ManyToManyField(Technique, blank=True, related_name="sessions")

    subjective = note_field("subjective")
    objective = note_field("objective")
    assessment = note_field("assessment")
    plan = note_field("plan")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        practice_id: int
        practitioner_id: int

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk}"

    @property
    def note(self) -> dict[str, str]:
        """The note as written and (once signed) locked; amendments live beside it."""
        return {name: getattr(self, name) for name in NOTE_FIELDS}

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


NOTE_FIELDS = ("subjective", "objective", "assessment", "plan")
RATING_FIELDS = ("pre_suds", "pre_calm", "pre_tension", "post_suds", "post_calm", "post_tension")


class NoteAmendment(models.Model):
    """A later version of a signed note. The signed original on the session is never changed."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    subjective = note_field("subjective")
    objective = note_field("objective")
    assessment = note_field("assessment")
    plan = note_field("plan")

    if TYPE_CHECKING:
        session_id: int

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Amendment {self.pk}"

    @property
    def note(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in NOTE_FIELDS}
