"""Client records: who the client is, their intake and screen, their consent."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.clients import touch
from somatrace.clients.screening import ScreenResult, evaluate_screen
from somatrace.core.visibility import ClientRecordQuerySet

LONG_TEXT = 10_000  # characters; anything longer is refused with a message, never truncated


def long_text(**kwargs: Any) -> models.TextField:
    return models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)], **kwargs)


class ClientQuerySet(ClientRecordQuerySet["Client"]):
    """Client.objects.visible_to(actor): the rule is Actor.client_scope."""

    client_path = ""

    def matching(self, term: str) -> ClientQuerySet:
        """Clients whose name, preferred name or email holds `term` (any case)."""
        return self.filter(
            Q(name__icontains=term) | Q(preferred_name__icontains=term) | Q(email__icontains=term)
        )


class Tag(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="unique_tag_per_practice")
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    DISCHARGED = "discharged", "Discharged"


class Client(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField("full name", max_length=150)
    preferred_name = models.CharField(max_length=80, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    assigned_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_clients"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    tags = models.ManyToManyField(Tag, blank=True, related_name="clients")
    # Set while a positive absolute contraindication waits for a practitioner's clearance.
    hold_since = models.DateTimeField(null=True, blank=True)
    # Window of tolerance on the SUDS scale (0-10) used by the session pacing guard.
    # Default 3-7: see therapy/guard.py for the rationale.
    suds_window_low = models.PositiveSmallIntegerField(
        "window of tolerance: lower SUDS", default=3, validators=[MaxValueValidator(10)]
    )
    suds_window_high = models.PositiveSmallIntegerField(
        "window of tolerance: upper SUDS", default=7, validators=[MaxValueValidator(10)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    if TYPE_CHECKING:
        practice_id: int
        assigned_practitioner_id: int

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suds_window_low__lt=models.F("suds_window_high")),
                name="suds_window_low_below_high",
            )
        ]
        indexes = [
            models.Index(fields=["practice", "name"]),
            models.Index(fields=["practice", "assigned_practitioner", "name"]),
            models.Index(fields=["practice", "hold_since"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.name:
            return f"{self.preferred_name} ({self.name})"
        return self.name

    @property
    def on_hold(self) -> bool:
        return self.hold_since is not None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Intake(models.Model):
    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="intake")
    presenting_concerns = long_text()
    goals = long_text()
    health_history = long_text()
    medications = long_text()
    previous_therapy = long_text()
    # Screen answers keyed by screening.SCREEN_ITEMS codes: True (yes) / False (no).
    screen = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        client_id: int

    def __str__(self) -> str:
        return f"Intake {self.pk}"

    @property
    def screen_result(self) -> ScreenResult:
        return evaluate_screen(self.screen)


class Clearance(models.Model):
    """A practitioner's record that a client on hold may be worked with, and why."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="clearances")
    items = models.JSONField(default=list, help_text="Screen item codes this clearance covers.")
    note = models.TextField(validators=[MaxLengthValidator(LONG_TEXT)])
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(default=timezone.now)

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        ordering = ["-cleared_at"]

    def __str__(self) -> str:
        return f"Clearance {self.pk}"


class ConsentForm(models.Model):
    """One version of a practice's consent text. Versions are never edited, only superseded."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="consent_forms")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=150)
    body = models.TextField(validators=[MaxLengthValidator(50_000)])
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "version"], name="unique_consent_version_per_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @classmethod
    def current_for(cls, practice_id: int) -> ConsentForm | None:
        return cls.objects.filter(practice_id=practice_id).order_by("-version").first()


class ConsentRecord(models.Model):
    """A client's agreement to one exact version, signed by typing their name."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="records")
    signed_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(default=timezone.now)
    research_use = models.BooleanField(
        "also agrees to de-identified use in research",
        default=False,
        help_text="Only clients who agreed appear, de-identified, in research views.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_note = models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)])
    # Research use withdrawn while treatment consent stands: the client leaves every later
    # analysis and export (research, the group body map), which all filter on this.
    research_withdrawn_at = models.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        client_id: int
        form_id: int

    class Meta:
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.pk}"


class TouchStatus(models.TextChoices):
    WELCOME = touch.WELCOME, "Touch welcome"
    CHECK_IN = touch.CHECK_IN, "Welcome with a check-in first"
    NOT_WELCOME = touch.NOT_WELCOME, "Not welcome"


class TouchConsentMap(models.Model):
    """One version of where the client welcomes touch. Never edited: a change is a new row;
    the highest version is current. Regions not listed are "check in first"."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="touch_maps")
    version = models.PositiveIntegerField()
    regions = models.JSONField(default=dict)  # {atlas region code: TouchStatus value}
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        # The table keeps the name it had when touch consent lived in the body maps app.
        db_table = "bodymaps_touchconsentmap"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="unique_touch_map_version")
        ]

    def __str__(self) -> str:
        return f"Touch consent map {self.pk}"


class AttachmentKind(models.TextChoices):
    CLEARANCE_LETTER = "clearance_letter", "Clearance letter"
    SIGNED_FORM = "signed_form", "Signed form"
    OTHER = "other", "Other document"


class Attachment(models.Model):
    """A document on a client's record: a PDF or an image, checked by its content, stored under
    a random name (never the client's or the uploaded file's), with its checksum."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="attachments/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"


class ProgressSharingQuerySet(ClientRecordQuerySet["ProgressSharing"]):
    pass


class ProgressSharing(models.Model):
    """What of their own progress the practitioner shares with the client in the portal.

    One row per client, written only by clients.services.set_progress_sharing; no row means
    nothing is shared (every kind is off by default). Kept here, below the apps that own the
    data, so that therapy, measures and body maps can each check it before their portal panel
    shows anything."""

    client = models.OneToOneField(
        Client, primary_key=True, on_delete=models.CASCADE, related_name="progress_sharing"
    )
    ratings = models.BooleanField("session ratings before and after", default=False)
    scores = models.BooleanField("questionnaire scores", default=False)
    bodymaps = models.BooleanField("body maps over time", default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ProgressSharingQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int

    def __str__(self) -> str:
        return f"Progress sharing {self.pk}"

    @property
    def practice_id(self) -> int:
        return self.client.practice_id

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(kind for kind in SHARING_KINDS if getattr(self, kind))

    @classmethod
    def shared_with(cls, client_id: int) -> frozenset[str]:
        """Which kinds of progress the client may see of their own (none without a row)."""
        row = cls.objects.filter(client_id=client_id).first()
        return row.kinds if row else frozenset()


SHARING_KINDS = ("ratings", "scores", "bodymaps")
