"""The client's body-scan journal and the check-ins after a session.

A journal entry is the client's own: PRIVATE BY DEFAULT. Its query set makes that the rule
everywhere: the client sees all their own entries; everyone else (staff, the system, a link
holder) sees only the entries the client shared, of clients they may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.bodymaps.atlas import ATLAS_VERSION
from somatrace.clients.models import LONG_TEXT, Client
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.visibility import ClientRecordQuerySet
from somatrace.therapy.models import Session

# When a client is asked how they are after a session, in hours after it ended. SER
# literature describes emotional after-effects in the days after a session; 24 h and 72 h are
# the practice default the issue asks for (a convention, not a validated schedule).
DEFAULT_CHECKIN_HOURS = [24, 72]
MAX_CHECKIN_HOURS = 24 * 14  # two weeks: later than that is no longer "after the session"
# A check-in whose time passed longer ago than this is not created any more (a practice that
# turns check-ins on is not asked about every session of the past).
CHECKIN_GRACE_HOURS = 48


def default_checkin_hours() -> list[int]:
    return list(DEFAULT_CHECKIN_HOURS)


class JournalSettings(models.Model):
    """The practice's journal and check-in settings. Without a row, the defaults apply."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="journal_settings"
    )
    checkin_hours = models.JSONField(
        default=default_checkin_hours,
        help_text="Hours after each session ends when the client is asked how they are.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Journal settings {self.pk}"

    @staticmethod
    def hours_for(practice_id: int) -> list[int]:
        row = JournalSettings.objects.filter(practice_id=practice_id).first()
        return sorted(row.checkin_hours) if row is not None else default_checkin_hours()


class JournalEntryQuerySet(ClientRecordQuerySet["JournalEntry"]):
    def visible_to(self, actor: Actor | None, *, clinical: bool = True) -> Self:
        """The client: all their own entries. Anyone else: shared entries only."""
        rows = super().visible_to(actor, clinical=clinical)
        if actor is None or actor.kind is not ActorKind.CLIENT:
            rows = rows.filter(shared=True)
        return rows


class JournalEntry(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="journal_entries")
    # Given by the client's phone when the entry was written: sent twice, stored once.
    key = models.UUIDField()
    shared = models.BooleanField("my practitioner may see this", default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    atlas_version = models.CharField(max_length=20, default=ATLAS_VERSION)
    body_shape = models.CharField(max_length=8)
    nothing_felt = models.BooleanField(default=False)
    # {"strokes": [...], "regions": [...]}: the painter's record (bodymaps/payload.py)
    strokes = models.JSONField(default=dict)
    emotions = models.JSONField(default=list)  # [{"code": ..., "intensity": 0-10}]
    words = models.TextField(
        "in your own words", blank=True, validators=[MaxLengthValidator(LONG_TEXT)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = JournalEntryQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["client", "shared", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_journal_entry_per_key")
        ]

    def __str__(self) -> str:
        return f"Journal entry {self.pk}"


def rating_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(10)]
    )


class CheckIn(models.Model):
    """The client asked how they are, some hours after a session; answered in the portal."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="checkins")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="checkins")
    hours = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    suds = rating_field("SUDS (distress)")
    calm = rating_field("calm")
    tension = rating_field("body tension")
    note = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    # The window's upper limit when answered, and whether the answer was above it.
    window_high = models.PositiveSmallIntegerField(null=True, blank=True)
    above_window = models.BooleanField(default=False)
    alert = models.ForeignKey(
        "alerts.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        session_id: int
        alert_id: int | None

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [models.Index(fields=["client", "answered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "hours"], name="one_checkin_per_session_hour"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
