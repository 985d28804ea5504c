"""Heart recordings attached to a client and, usually, to a session."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import models

from somatrace.clients.models import Client
from somatrace.core.visibility import ClientRecordQuerySet
from somatrace.physio.formats import FORMAT_LABELS
from somatrace.physio.hrv import DEFAULT_METHOD, METHOD_LABELS
from somatrace.physio.pipeline import POOR


class Recording(models.Model):
    """One heart recording. The parsed, corrected RR series is stored compactly (float32
    little-endian bytes) with one flag byte per beat (bit 0: corrected by the artefact
    correction; bit 1: bridged over poor ECG signal, pipeline.POOR); the uploaded file is not
    kept once it has been read."""

    class Kind(models.TextChoices):
        RR = "rr", "RR intervals"
        ECG = "ecg", "ECG"
        LIVE = "live", "Live strap"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        FAILED = "failed", "Could not be read"
        LIVE = "live", "Recording live"  # beats arriving from a strap; analysed when stopped

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="recordings")
    session = models.ForeignKey(
        "therapy.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recordings",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.RR)
    format = models.CharField(max_length=20, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField("recording start", null=True, blank=True)
    offset_seconds = models.FloatField(default=0.0)
    sampling_rate_hz = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    rr_ms = models.BinaryField(default=b"", editable=False)
    flags = models.BinaryField(default=b"", editable=False)
    raw_rr_ms = models.BinaryField(default=b"", editable=False)  # live: beats as received
    results = models.JSONField(default=dict, blank=True)
    # live: the running state kept batch by batch (physio/live.py: beats and time so far, the
    # last five minutes of beats and their heart rate and RMSSD); bounded in size.
    live = models.JSONField(default=dict, blank=True, editable=False)
    upload_path = models.CharField(max_length=300, blank=True, editable=False)

    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["client", "session"])]

    def __str__(self) -> str:
        return f"Recording {self.pk}"

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format or "—")

    @property
    def method(self) -> str:
        """The spectral method its numbers use (hrv.METHODS)."""
        return str((self.results or {}).get("method") or DEFAULT_METHOD)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)

    def rr_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.rr_ms), dtype="<f4").astype(np.float64)

    def flag_array(self) -> np.ndarray:
        """Beats changed by the artefact correction (bool)."""
        return (np.frombuffer(bytes(self.flags), dtype=np.uint8) & 1).astype(bool)

    def poor_array(self) -> np.ndarray:
        """Beats bridged over poor ECG signal (bool; pipeline.POOR)."""
        return (np.frombuffer(bytes(self.flags), dtype=np.uint8) & POOR).astype(bool)

    def set_series(self, rr_ms: np.ndarray, flags: np.ndarray) -> None:
        self.rr_ms = np.asarray(rr_ms, dtype="<f4").tobytes()
        self.flags = np.asarray(flags, dtype=np.uint8).tobytes()


class LiveBatch(models.Model):
    """One batch of beats from a live strap, stored as it came (float32 little-endian RR, ms),
    once per batch id. A batch is a few seconds of beats (at most services.MAX_LIVE_BATCH), so
    storing one costs the same however long the recording already is; the whole series is
    put together once, when the recording is analysed (services.analyse_live)."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="batches")
    batch = models.UUIDField()
    rr_ms = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["recording", "batch"], name="physio_live_batch_once")
        ]

    def __str__(self) -> str:
        return f"Live batch {self.pk}"
