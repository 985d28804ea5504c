"""Body maps: what clients paint and what practitioners find. (Touch consent is consent and
lives with the client record; work on a region lives with the session.)"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from somatrace.bodymaps.atlas import ATLAS_VERSION, region_label
from somatrace.bodymaps.summaries import layer_coverage
from somatrace.clients.models import LONG_TEXT, Client
from somatrace.core.visibility import ClientRecordQuerySet
from somatrace.therapy.models import Session


class Moment(models.TextChoices):
    PRE = "pre", "Before the session"
    POST = "post", "After the session"
    CHECKIN = "checkin", "Check-in between sessions"


class BodyShape(models.TextChoices):
    FEMALE = "female", "Body outline A (CHOIR female)"
    MALE = "male", "Body outline B (CHOIR male)"
    EMBODY = "embody", "emBODY outline (imported, front only)"


class Painting(models.Model):
    """What the client painted. The strokes are the canonical record; stats are a cache
    computed by raster.py + analysis.py with `raster_version` parameters."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="paintings")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="paintings"
    )
    moment = models.CharField(max_length=8, choices=Moment.choices)
    atlas_version = models.CharField(max_length=20, default=ATLAS_VERSION)
    body_shape = models.CharField(max_length=8, choices=BodyShape.choices)
    nothing_felt = models.BooleanField("I don't feel anything particular", default=False)
    # {"strokes": [{"view", "layer", "mode", "radius", "points": [[x, y, p, t], ...]}],
    #  "regions": [{"view", "layer", "region", "intensity"}]} -- see payload.py
    strokes = models.JSONField(default=dict)
    raster_version = models.CharField(max_length=10)
    # raster.pack() of the rasterised strokes (uint8 x 255, zlib), for group maps and images.
    raster = models.BinaryField(default=b"", editable=False)
    stats = models.JSONField(default=dict)
    emotions = models.JSONField(default=list)  # [{"code": ..., "intensity": 1-5}]
    words = models.TextField(
        "in the client's words", blank=True, validators=[MaxLengthValidator(LONG_TEXT)]
    )
    # What the map answers when a study asked about something (emBODY: the emotion word);
    # blank for the client's own check-ins and session maps.
    stimulus = models.CharField(max_length=60, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        session_id: int | None

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["session", "moment"]),
        ]

    def __str__(self) -> str:
        return f"Body map {self.pk}"

    def coverage(self, layer: str) -> float:
        """Share of both views' body pixels painted on `layer` (mean of the two views)."""
        return layer_coverage(self.stats, layer)


class Finding(models.TextChoices):
    HELD_TENSION = "held_tension", "Held tension"
    RESTRICTION = "restriction", "Restriction"
    HEAT = "heat", "Heat"
    PULSATION = "pulsation_energy_cyst", "Pulsation / energy cyst"
    TENDERNESS = "tenderness", "Tenderness"
    RELEASE = "release_observed", "Release observed"


class RegionFinding(models.Model):
    """A practitioner's finding on one atlas region."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="region_findings")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="region_findings"
    )
    atlas_version = models.CharField(max_length=20, default=ATLAS_VERSION)
    region = models.CharField(max_length=40)
    finding = models.CharField(max_length=24, choices=Finding.choices)
    intensity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    # The moment on the session's timeline this finding belongs to, e.g. the release seen.
    event = models.ForeignKey(
        "therapy.TimelineEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="region_findings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        session_id: int | None
        event_id: int | None

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return f"Finding {self.pk}"

    @property
    def region_name(self) -> str:
        return region_label(self.region)


class HandoverChannel(models.TextChoices):
    KIOSK = "kiosk", "Practice tablet (kiosk)"
    LINK = "link", "Secure link"


def hash_token(token: str) -> str:
    """The SHA-256 of a secure link's token: all that is stored of it."""
    return hashlib.sha256(token.encode()).hexdigest()


class Handover(models.Model):
    """The painter handed to the client for one body map (a check-in, or before or after one
    session): the practice tablet in kiosk mode, or a single-use, expiring secure link. Only
    the SHA-256 of a link's token is stored: the link itself is shown once, when it is made.
    Whoever holds it may paint that one map, once; nothing else."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="handovers")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="handovers"
    )
    moment = models.CharField(max_length=8, choices=Moment.choices)
    channel = models.CharField(max_length=6, choices=HandoverChannel.choices)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    painting = models.ForeignKey(
        Painting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        session_id: int | None
        painting_id: int | None

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "moment", "created_at"])]

    def __str__(self) -> str:
        return f"Body-map hand-over {self.pk}"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        """For the practitioner: "used", "revoked", "expired" or "open"."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
