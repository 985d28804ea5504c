"""Heart recordings: storing uploads and live beats, analysing them, and aligning them with
the session clock. Every write takes the Actor who acts and is audited."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.physio import artifacts, formats, hrv, live, pipeline, windows
from somatrace.physio.models import LiveBatch, Recording
from somatrace.therapy.models import Session
from somatrace.therapy.queries import event_label, vocabulary_for

SYNC_LIMIT_BYTES = 1024 * 1024  # larger uploads are processed in the background
UPLOAD_FIELDS = ["file", "format", "started_at", "session"]
# Beats in one live batch (a few seconds is about 5-20; a backlog after a lost connection is
# sent in batches of at most this many). The live recorder's script is given it by the page.
MAX_LIVE_BATCH = 500
# Large uploads wait for the worker here, in the default storage.
UPLOADS_FOLDER = "uploads"
Mark = tuple[float, str, str]  # (seconds on the session clock, label, kind)


def session_clock_start(session: Session) -> datetime:
    """When the session's clock started: the console's start, else the scheduled time."""
    return session.started_at or session.starts_at


def session_marks(session: Session) -> list[Mark]:
    """The session's timeline events as (seconds from the clock start, label, kind).

    Cues, techniques, emotions, grounding steps and pacing prompts; SUDS check-ins are
    left out because the HRV charts have their own y axis. Three queries.
    """
    start = session_clock_start(session)
    labels = vocabulary_for(session.practice_id).labels
    return [
        ((event.at - start).total_seconds(), event_label(event, labels), event.get_kind_display())
        for event in session.events.exclude(kind="suds").order_by("at", "id")
    ]


def session_length_s(session: Session) -> float:
    """Wall-clock length (pauses included: a recording runs through them), else as booked."""
    if session.started_at and session.ended_at:
        return (session.ended_at - session.started_at).total_seconds()
    return float(session.duration_minutes or 0) * 60.0


def _local_naive_to_utc(value: datetime | None, practice_zone: str | None) -> datetime | None:
    if value is None:
        return None
    if timezone.is_aware(value):
        return value
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(practice_zone) if practice_zone else timezone.get_current_timezone()
    return timezone.make_aware(value, zone)


def t0_seconds(recording: Recording) -> float | None:
    """The recording's start on the session clock (s), or None without a session. A
    recording without a known start is assumed to start with the session's clock (the
    practitioner can nudge it)."""
    if recording.session is None:
        return None
    start = session_clock_start(recording.session)
    if recording.started_at is None:
        return recording.offset_seconds
    return (recording.started_at - start).total_seconds() + recording.offset_seconds


def compute_results(recording: Recording) -> dict[str, Any]:
    """Summary metrics, artefact counts and, if aligned with a session, the windows, by the
    recording's spectral method; intervals bridged over poor ECG signal are left out (hrv,
    windows)."""
    rr = recording.rr_array()
    flags = recording.flag_array()
    poor = recording.poor_array()
    method = recording.method
    counts = recording.results.get("artifacts", {})
    out: dict[str, Any] = {"artifacts": counts, "method": method}
    if rr.size >= 3:
        metrics = hrv.all_metrics(rr, method, poor if poor.any() else None)
        out.update(metrics)
        out["n_beats"] = int(rr.size)
        out["duration_s"] = round(float(rr.sum() / 1000.0), 1)
        out["n_corrected"] = int(flags.sum())
        out["n_poor"] = int(poor.sum())
    t0 = t0_seconds(recording)
    if t0 is not None and recording.session is not None and rr.size >= 3:
        out["windows"] = windows.analyze_windows(
            rr,
            flags,
            t0,
            session_length_s(recording.session),
            poor=poor if poor.any() else None,
            method=method,
        )
    return out


def store_series(
    recording: Recording, parsed: formats.Recording, practice_zone: str | None
) -> None:
    """Peaks and signal quality (ECG), artefact correction; fill the recording's fields (not
    saved). Raises formats.FormatError (pipeline.PoorSignalError) for an ECG that is mostly
    poor signal."""
    found = pipeline.beats_of(parsed)
    fixed = artifacts.correct(found.rr_ms)
    poor = pipeline.poor_after_correction(fixed.rr_ms, found.poor_spans_s)
    recording.kind = parsed.kind
    recording.format = parsed.format
    recording.sampling_rate_hz = parsed.sampling_rate_hz
    first_beat_s = found.offset_s
    if parsed.start is not None:
        recording.started_at = _local_naive_to_utc(
            parsed.start + timedelta(seconds=first_beat_s), practice_zone
        )
    elif recording.started_at is not None and first_beat_s:
        recording.started_at += timedelta(seconds=first_beat_s)
    recording.set_series(fixed.rr_ms, pipeline.flag_codes(fixed.flags, poor))
    recording.results = {
        "artifacts": {
            **fixed.counts,
            "corrected_fraction": round(fixed.corrected_fraction, 4),
        },
        "notes": parsed.notes[:6],
        "method": recording.method,
        "quality": None
        if found.quality is None
        else {
            **found.quality.summary(per_window=False),
            # the bridged stretches, s from the start of the first interval (the chart's 0)
            "bridged_s": [[round(a, 1), round(b, 1)] for a, b in found.poor_spans_s],
        },
    }


def process_bytes(
    recording: Recording,
    data: bytes,
    *,
    format_name: str | None,
    sampling_rate_hz: float | None,
    progress: Callable[[int], None] | None = None,
    method: str | None = None,
) -> None:
    """Read, correct and analyse; raises formats.FormatError for a file that cannot be read.
    method: the spectral method (hrv.METHODS; the recording's, else the default, when None)."""
    zone = recording.client.practice.time_zone if recording.client_id else None
    recording.results = {**(recording.results or {}), "method": method or recording.method}
    if progress:
        progress(10)
    parsed = formats.read_recording(
        data,
        filename=recording.original_filename,
        format=format_name or None,
        sampling_rate_hz=sampling_rate_hz,
    )
    if progress:
        progress(40)
    store_series(recording, parsed, zone)
    if progress:
        progress(80)
    recording.results = {**recording.results, **compute_results(recording)}
    recording.status = Recording.Status.DONE
    recording.progress = 100
    recording.error = ""


def refresh_results(recording: Recording) -> None:
    """Recompute metrics and windows from the stored series (after a nudge or new beats)."""
    kept = ("artifacts", "notes", "quality", "method")
    keep = {k: recording.results.get(k) for k in kept if k in recording.results}
    recording.results = {**keep, **compute_results(recording)}


def live_series(recording: Recording) -> np.ndarray:
    """Every beat of a live recording (RR, ms) as received, batch after batch: shape (n,)."""
    chunks = LiveBatch.objects.filter(recording=recording).order_by("pk")
    parts = [np.frombuffer(bytes(c), dtype="<f4") for c in chunks.values_list("rr_ms", flat=True)]
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros(0)


def store_live_series(recording: Recording, raw: np.ndarray) -> None:
    """Correct the whole live series and analyse it (fields filled, not saved)."""
    recording.raw_rr_ms = raw.astype("<f4").tobytes()
    if raw.size >= 4:
        fixed = artifacts.correct(raw)
        recording.set_series(fixed.rr_ms, fixed.flags)
        counts: dict[str, Any] = {
            **fixed.counts,
            "corrected_fraction": round(fixed.corrected_fraction, 4),
        }
    else:
        recording.set_series(raw, np.zeros(raw.size, dtype=bool))
        counts = {kind: 0 for kind in artifacts.KINDS} | {"corrected_fraction": 0.0}
    recording.results = {"artifacts": counts, "method": recording.method}
    refresh_results(recording)


def _live_recording(session: Session, *fields: str) -> Recording | None:
    """The session's latest live recording, locked, with only the small fields loaded (its
    series and results stay in the database: a batch costs the same at any length)."""
    return (
        Recording.objects.select_for_update()
        .filter(session=session, kind=Recording.Kind.LIVE)
        .only("pk", "client_id", "session_id", "kind", "status", "live", *fields)
        .order_by("-pk")
        .first()
    )


def live_beats_stored(session: Session) -> int:
    """How many beats the session's live strap recording holds (0 before the first)."""
    state = (
        Recording.objects.filter(session=session, kind=Recording.Kind.LIVE)
        .order_by("-pk")
        .values_list("live", flat=True)
        .first()
    )
    return int((state or {}).get("n_beats", 0))


# --- Writes ------------------------------------------------------------------------------------


REFUSAL = "Heart recordings are added by practitioners and owners."


def save_upload(
    actor: Actor,
    client: Client,
    upload: Any,
    *,
    session: Session | None = None,
    format_name: str | None = None,
    sampling_rate_hz: float | None = None,
    started_at: datetime | None = None,
    enqueue: Callable[[int, str | None, float | None], Any] | None = None,
    method: str | None = None,
) -> Recording:
    """Store an uploaded recording. A small file is read and analysed now, in one
    transaction; a large one is kept and analysed by `enqueue(recording id, format, rate)` in
    the background. A file that cannot be read raises formats.FormatError and nothing is kept.

    upload: a Django UploadedFile (name, size, read(), chunks(), seek()). method: the spectral
    method (hrv.METHODS), the default when None; it is kept with the recording's results.
    """
    actor.require_clinical_staff(REFUSAL)
    method = method or hrv.DEFAULT_METHOD
    if method not in hrv.METHODS:
        raise RuleError("Choose a spectral method from the list.")
    if session is not None and session.client_id != client.pk:
        raise RuleError("This session belongs to another client.")
    recording = Recording(
        client=client,
        session=session,
        original_filename=(upload.name or "")[:255],
        uploaded_by=actor.user,
        started_at=started_at,
        results={"method": method},
    )
    if upload.size <= SYNC_LIMIT_BYTES:
        data = upload.read()
        with transaction.atomic():
            process_bytes(
                recording, data, format_name=format_name, sampling_rate_hz=sampling_rate_hz
            )
            recording.save()
            audit.created(actor, recording, UPLOAD_FIELDS)
        return recording
    if enqueue is None:
        raise RuleError("This file is too large to analyse while you wait.")
    # Too large to read now: at least check the format from the first lines, so a file that
    # is not a recording is refused here rather than failing later in the background.
    if not format_name:
        format_name = formats.detect_format(next(upload.chunks(64 * 1024), b""), upload.name)
        upload.seek(0)
    lines = sum(chunk.count(b"\n") for chunk in upload.chunks())
    if format_name in formats.RR_FORMATS:
        # an RR file far too long for the limit is refused now, not in the background
        formats.check_rr_lines(lines)
    upload.seek(0)
    # Kept through the storage API (local disk or a shared bucket), so that whichever worker
    # takes the job reads it; owner-only on disk (FILE_UPLOAD_PERMISSIONS); `somatrace
    # backup` includes the files still waiting.
    recording.upload_path = default_storage.save(
        f"{UPLOADS_FOLDER}/{uuid_module.uuid4().hex}.upload", upload
    )
    recording.status = Recording.Status.PENDING
    with transaction.atomic():
        recording.save()
        audit.created(actor, recording, UPLOAD_FIELDS)
        pk = recording.pk
        transaction.on_commit(lambda: enqueue(pk, format_name, sampling_rate_hz))
    return recording


def read_kept(kept: str) -> bytes | None:
    """The bytes of an upload waiting for the worker: a name in the default storage, or (an
    upload kept before files went through the storage API) an absolute path on this machine's
    disk, looked for in this data directory's uploads folder after a restore or a move. None
    if it cannot be read."""
    if not kept:
        return None
    if Path(kept).is_absolute():
        # A practice moved from an older version brings it into the storage (transfer).
        moved = f"{UPLOADS_FOLDER}/{Path(kept).name}"
        for path in (Path(kept), settings.DATA_DIR / "uploads" / Path(kept).name):
            try:
                return path.read_bytes()
            except OSError:
                continue
        kept = moved
    try:
        with default_storage.open(kept, "rb") as stored:
            return bytes(stored.read())
    except OSError:
        return None


def forget_kept(kept: str) -> None:
    """Delete an upload the worker has finished with (see read_kept)."""
    if not kept:
        return
    if Path(kept).is_absolute():
        for path in (Path(kept), settings.DATA_DIR / "uploads" / Path(kept).name):
            path.unlink(missing_ok=True)
        kept = f"{UPLOADS_FOLDER}/{Path(kept).name}"
    default_storage.delete(kept)


@transaction.atomic
def set_offset(actor: Actor, recording: Recording, offset_seconds: float) -> Recording:
    """Shift the recording on the session clock and recompute its windows."""
    actor.require_clinical_staff(REFUSAL)
    if recording.status != Recording.Status.DONE:
        raise RuleError("Only an analysed recording can be shifted.")
    recording.offset_seconds = offset_seconds
    refresh_results(recording)
    recording.save(update_fields=["offset_seconds", "results"])
    audit.updated(actor, recording, ["offset_seconds"])
    return recording


@transaction.atomic
def set_method(actor: Actor, recording: Recording, method: str) -> Recording:
    """Recompute the recording's spectral numbers by another named method (hrv.METHODS)."""
    actor.require_clinical_staff(REFUSAL)
    if recording.status != Recording.Status.DONE:
        raise RuleError("Only an analysed recording can be recomputed.")
    if method not in hrv.METHODS:
        raise RuleError("Choose a spectral method from the list.")
    recording.results = {**recording.results, "method": method}
    refresh_results(recording)
    recording.save(update_fields=["results"])
    audit.updated(actor, recording, ["results"])
    return recording


@transaction.atomic
def delete_recording(actor: Actor, recording: Recording) -> None:
    actor.require_clinical_staff(REFUSAL)
    audit.deleted(actor, recording)
    recording.delete()


@transaction.atomic
def append_live(actor: Actor, session: Session, batch: str, rr_ms: list[float]) -> tuple[int, bool]:
    """Add a batch of live RR intervals (ms) to the session's strap recording, once per
    batch id (a re-sent batch is not added again), and update its running state (live.py:
    the last five minutes). The work is the same at any length of recording: the batch is
    stored as a row of its own and nothing is recomputed over the whole series, which is
    analysed once when the recording is stopped (finish_live). Returns (beats stored, was a
    duplicate); RuleError when the batch would take it past the maximum length."""
    actor.require_clinical_staff(REFUSAL)
    recording = _live_recording(session, "started_at")
    if recording is None:
        recording = Recording.objects.create(
            client_id=session.client_id,
            session=session,
            kind=Recording.Kind.LIVE,
            format="live",
            uploaded_by=actor.user,
            status=Recording.Status.LIVE,
        )
        audit.created(actor, recording, ["kind"])
    state = recording.live or {}
    if LiveBatch.objects.filter(recording=recording, batch=batch).exists():
        return int(state.get("n_beats", 0)), True
    problem = formats.length_problem(
        int(state.get("n_beats", 0)) + len(rr_ms),
        (float(state.get("total_ms", 0.0)) + float(np.sum(rr_ms))) / 1000.0,
    )
    if problem:
        raise RuleError(
            f"This live recording is full: {formats.length_limit_text()}. Stop it to have it "
            "analysed; these beats were not saved."
        )
    if recording.started_at is None:
        recording.started_at = timezone.now() - timedelta(seconds=float(np.sum(rr_ms)) / 1000.0)
    LiveBatch.objects.create(
        recording=recording, batch=batch, rr_ms=np.asarray(rr_ms, dtype="<f4").tobytes()
    )
    recording.live = live.advance(state, rr_ms)
    recording.status = Recording.Status.LIVE
    recording.save(update_fields=["live", "status", "started_at"])
    audit.updated(actor, recording, ["rr_ms"])
    return int(recording.live["n_beats"]), False


@transaction.atomic
def finish_live(actor: Actor, session: Session, enqueue: Callable[[int], Any]) -> Recording | None:
    """The strap was stopped: have the whole live recording analysed once, in the background
    (`enqueue(recording id)` runs analyse_live; asked again while it waits, it is queued
    again, and the second run finds it done). Nothing to do when no beats came since the last
    analysis. Returns the recording (None before the first beat)."""
    actor.require_clinical_staff(REFUSAL)
    recording = _live_recording(session)
    waiting = (Recording.Status.LIVE, Recording.Status.PENDING)  # pending: queued again
    if recording is None or recording.status not in waiting:
        return recording
    recording.status = Recording.Status.PENDING
    recording.save(update_fields=["status"])
    audit.updated(actor, recording, ["status"])
    pk = recording.pk
    transaction.on_commit(lambda: enqueue(pk))
    return recording


def analyse_live(recording_id: int) -> Recording:
    """The background half of finish_live: put the batches together, correct and analyse the
    whole series once. Batches that come while it runs wait for the lock; a recording that
    took more beats since it was stopped is left recording (it is analysed when stopped
    again). The system does this for the practice, and it is audited."""
    with transaction.atomic():
        recording = (
            Recording.objects.select_for_update(of=("self",))  # the session may be null
            .select_related("client__practice", "session")
            .get(pk=recording_id)
        )
        if recording.status not in (Recording.Status.PENDING, Recording.Status.PROCESSING):
            return recording
        store_live_series(recording, live_series(recording))
        recording.status = Recording.Status.DONE
        recording.progress = 100
        recording.save()
        system = Actor.system(recording.client.practice_id, "physio: analyse live recording")
        audit.updated(system, recording, ["status", "rr_ms", "results"])
    return recording


def finish_upload(
    recording_id: int, data: bytes | None, format_name: str | None, rate: float | None
) -> Recording:
    """The background half of save_upload: analyse the kept file (None if it could not be
    read) and store the result, reporting progress on the way. A file that cannot be read
    leaves the recording "failed" with the problem, and no data. The system does this for
    the practice, and it is audited."""
    recording = Recording.objects.select_related("client__practice", "session").get(pk=recording_id)

    def progress(value: int) -> None:
        Recording.objects.filter(pk=recording_id).update(
            progress=value, status=Recording.Status.PROCESSING
        )

    progress(5)
    try:
        if data is None:
            raise OSError("missing upload")
        process_bytes(
            recording, data, format_name=format_name, sampling_rate_hz=rate, progress=progress
        )
    except formats.FormatError as error:
        recording.status = Recording.Status.FAILED
        recording.error = str(error)[:300]
        recording.progress = 100
        recording.set_series([], [])  # type: ignore[arg-type]
    except OSError:
        recording.status = Recording.Status.FAILED
        recording.error = "the uploaded file could not be opened; upload it again"
        recording.progress = 100
    recording.upload_path = ""
    system = Actor.system(recording.client.practice_id, "physio: analyse upload")
    with transaction.atomic():
        recording.save()
        audit.updated(system, recording, ["status", "rr_ms", "results"])
    return recording
