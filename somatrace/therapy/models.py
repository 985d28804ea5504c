"""Sessions: when they happened, how the client rated themselves, and the signed note."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.clients.models import LONG_TEXT, Client, TouchStatus
from somatrace.core.visibility import ClientRecordQuerySet


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


class Session(models.Model):
    """An appointment with a client and, once run in the console, its clock and ratings.

    The clinical note is a separate record (Note) so that a page listing sessions, and the
    client's portal, never load a note by accident. Signing locks the note and the timeline.
    """

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

    # When the practitioner signed the note: from then on the note changes only by amendment
    # and the timeline is locked.
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Live console: the session's own clock. Running time = now - started_at - pauses.
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)  # set only while paused
    paused_seconds = models.PositiveIntegerField(default=0)  # accumulated, finished pauses
    client_words = models.TextField(
        "client's words", blank=True, validators=[MaxLengthValidator(2000)]
    )
    felt_region = models.CharField("where they feel it", max_length=40, blank=True)
    end_reason = models.TextField(
        "reason for ending above the window",
        blank=True,
        validators=[MaxLengthValidator(2000)],
    )
    aftercare = note_field("aftercare")

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        practice_id: int
        practitioner_id: int

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
            # The dashboard's "notes to sign": a practitioner's unsigned sessions, newest
            # first, without walking the practice's signed ones (docs/performance.md).
            models.Index(
                fields=["practitioner", "-starts_at"],
                condition=models.Q(signed_at__isnull=True),
                name="session_unsigned_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def state(self) -> str:
        """scheduled -> running <-> paused -> ended."""
        if self.started_at is None:
            return "scheduled"
        if self.ended_at is not None:
            return "ended"
        return "paused" if self.paused_at is not None else "running"

    def elapsed_seconds(self, now: datetime | None = None) -> int:
        """Running time: wall time since the start, less every pause (0 before the start)."""
        if self.started_at is None:
            return 0
        now = self.ended_at or now or timezone.now()
        paused = self.paused_seconds
        if self.paused_at is not None:
            paused += int((now - self.paused_at).total_seconds())
        return max(0, int((now - self.started_at).total_seconds()) - paused)


NOTE_FIELDS = ("subjective", "objective", "assessment", "plan")
RATING_FIELDS = ("pre_suds", "pre_calm", "pre_tension", "post_suds", "post_calm", "post_tension")


class OfASession:
    """A record reached through its session: it belongs to the session's client and practice
    (what the audit log and visibility checks read)."""

    session: Session

    @property
    def client_id(self) -> int:
        return self.session.client_id

    @property
    def practice_id(self) -> int:
        return self.session.practice_id


class NoteQuerySet(ClientRecordQuerySet["Note"]):
    client_path = "session__client__"


class Note(OfASession, models.Model):
    """The session's clinical note (SOAP), as drafted, edited and signed. Once the session is
    signed it never changes: amendments are later versions beside it."""

    session = models.OneToOneField(
        Session, primary_key=True, on_delete=models.CASCADE, related_name="note"
    )
    subjective = note_field("subjective")
    objective = note_field("objective")
    assessment = note_field("assessment")
    plan = note_field("plan")
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoteQuerySet.as_manager()

    if TYPE_CHECKING:
        session_id: int

    def __str__(self) -> str:
        return f"Note {self.pk}"

    @property
    def text(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in NOTE_FIELDS}


class NoteAmendment(models.Model):
    """A later version of a signed note. The signed original is never changed."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    subjective = note_field("subjective")
    objective = note_field("objective")
    assessment = note_field("assessment")
    plan = note_field("plan")

    if TYPE_CHECKING:
        note_id: int

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Amendment {self.pk}"

    @property
    def client_id(self) -> int:
        return self.note.session.client_id

    @property
    def text(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in NOTE_FIELDS}


class WordKind(models.TextChoices):
    CUE = "cue", "Cue"
    EMOTION = "emotion", "Emotion"


class Word(models.Model):
    """A cue or emotion word. Built-ins (practice empty) come from vocabulary.py and never
    change meaning; a practice adds its own beside them (techniques use Technique)."""

    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="words"
    )
    kind = models.CharField(max_length=10, choices=WordKind.choices)
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    family = models.CharField(max_length=40, blank=True)  # emotions: Sadness, Fear, ...
    dissociation = models.BooleanField(
        default=False, help_text="Cues only: a sign of dissociation (the pacing guard prompts)."
    )

    class Meta:
        ordering = ["kind", "practice_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "code"], name="unique_word_code"),
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=models.Q(practice__isnull=True),
                name="unique_builtin_word_code",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def available_to(cls, practice_id: int) -> models.QuerySet[Word]:
        return cls.objects.filter(
            models.Q(practice__isnull=True) | models.Q(practice_id=practice_id)
        )


class EventKind(models.TextChoices):
    CUE = "cue", "Cue"
    TECHNIQUE = "technique", "Technique"
    EMOTION = "emotion", "Emotion"
    SUDS = "suds", "SUDS check-in"
    GROUNDING = "grounding", "Grounding"
    GUARD = "guard", "Pacing prompt"
    NOTE = "note", "Note"


class TimelineEventQuerySet(ClientRecordQuerySet["TimelineEvent"]):
    client_path = "session__client__"


class TimelineEvent(OfASession, models.Model):
    """One thing that happened in a session, timestamped to the second by the tablet."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="events")
    client_uuid = models.UUIDField()  # made by the browser: re-sending never duplicates
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    code = models.CharField(max_length=40, blank=True)  # vocabulary code, "other", rule code
    text = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    region = models.CharField(max_length=40, blank=True)
    intensity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    suds = models.PositiveSmallIntegerField(
        "SUDS", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    at = models.DateTimeField()  # UTC, whole seconds, from the tablet's clock
    received_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A grounding step taken in answer to a pacing prompt points at that prompt.
    responds_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimelineEventQuerySet.as_manager()

    if TYPE_CHECKING:
        session_id: int
        responds_to_id: int | None

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client_uuid"], name="unique_event_per_session_uuid"
            )
        ]
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self) -> str:
        return f"Event {self.pk}"


class GuardState(models.Model):
    """Where the pacing guard stands for a session (guard.State as JSON), kept so that a new
    event is folded in at the same cost however long the timeline is.

    Derived from the timeline and nothing else: `state` empty means "re-evaluate the whole
    timeline at the next event", which every change other than an in-order append asks for
    (services.py). Locked per session while an event is written.
    """

    session = models.OneToOneField(
        Session, primary_key=True, on_delete=models.CASCADE, related_name="guard_state"
    )
    state = models.JSONField(null=True, blank=True)

    if TYPE_CHECKING:
        session_id: int

    def __str__(self) -> str:
        return f"Guard state of session {self.session_id}"


class AftercareTemplateQuerySet(models.QuerySet["AftercareTemplate"]):
    def for_practice(self, practice_id: int) -> AftercareTemplateQuerySet:
        return self.filter(practice_id=practice_id)


class AftercareTemplate(models.Model):
    """Practice text a practitioner chooses from after a session (no client data)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="aftercare_templates"
    )
    title = models.CharField(max_length=100)
    body = models.TextField(validators=[MaxLengthValidator(5000)])

    objects = AftercareTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TouchOverride(models.Model):
    """Work recorded on a region the client marked "not welcome", with the reason given."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="touch_overrides")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="touch_overrides")
    region = models.CharField(max_length=40)
    reason = models.TextField(validators=[MaxLengthValidator(2000)])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        session_id: int

    class Meta:
        db_table = "bodymaps_touchoverride"  # the name from when it lived in the body maps app
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Touch override {self.pk}"


class RegionWork(models.Model):
    """A region worked on in a session, with the client's touch consent for it at the time
    (recorded by services.record_work, from the console, the timeline or the body chart)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="region_work")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="region_work")
    region = models.CharField(max_length=40)
    touch_status = models.CharField(max_length=12, choices=TouchStatus.choices)
    override = models.OneToOneField(
        TouchOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="work"
    )
    # The technique on the timeline this work was logged as, when it came from the timeline.
    event = models.ForeignKey(
        TimelineEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="work"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        session_id: int
        event_id: int | None

    class Meta:
        db_table = "bodymaps_regionwork"  # the name from when it lived in the body maps app
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Region work {self.pk}"
