"""Processing recordings and aligning them with the session clock (Django side)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from somatrace.physio import artifacts, formats, hrv, pipeline, windows
from somatrace.physio.models import Recording
from somatrace.therapy.models import Session

SYNC_LIMIT_BYTES = 1024 * 1024  # larger uploads are processed in the background
Mark = tuple[float, str, str]  # (seconds on the session clock, label, kind)


def session_clock_start(session: Session) -> datetime:
    """When the session's clock started: the console's start, else the scheduled time."""
    return session.started_at or session.starts_at


def session_marks(session: Session) -> list[Mark]:
    """The session's timeline events as (seconds from the clock start, label, kind).

    Cues, techniques, emotions, grounding steps and pacing prompts; SUDS check-ins are
    left out because the HRV charts have their own y axis. Three queries.
    """
    from somatrace.therapy.console import event_label, vocabulary_for

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
    """Summary metrics, artefact counts and, if aligned with a session, the windows."""
    rr = recording.rr_array()
    flags = recording.flag_array()
    counts = recording.results.get("artifacts", {})
    out: dict[str, Any] = {"artifacts": counts}
    if rr.size >= 3:
        metrics = hrv.all_metrics(rr)
        out.update(metrics)
        out["n_beats"] = int(rr.size)
        out["duration_s"] = round(float(rr.sum() / 1000.0), 1)
        out["n_corrected"] = int(flags.sum())
    t0 = t0_seconds(recording)
    if t0 is not None and recording.session is not None and rr.size >= 3:
        out["windows"] = windows.analyze_windows(rr, flags, t0, session_length_s(recording.session))
    return out


def store_series(
    recording: Recording, parsed: formats.Recording, practice_zone: str | None
) -> None:
    """Peaks (ECG), artefact correction; fill the recording's fields (not saved)."""
    rr, first_beat_s = pipeline.rr_and_offset(parsed)
    fixed = artifacts.correct(rr)
    recording.kind = parsed.kind
    recording.format = parsed.format
    recording.sampling_rate_hz = parsed.sampling_rate_hz
    if parsed.start is not None:
        recording.started_at = _local_naive_to_utc(
            parsed.start + timedelta(seconds=first_beat_s), practice_zone
        )
    elif recording.started_at is not None and first_beat_s:
        recording.started_at += timedelta(seconds=first_beat_s)
    recording.set_series(fixed.rr_ms, fixed.flags)
    recording.results = {
        "artifacts": {
            **fixed.counts,
            "corrected_fraction": round(fixed.corrected_fraction, 4),
        },
        "notes": parsed.notes[:5],
    }


def process_bytes(
    recording: Recording,
    data: bytes,
    *,
    format_name: str | None,
    sampling_rate_hz: float | None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Read, correct and analyse; raises formats.FormatError for a file that cannot be read."""
    zone = recording.client.practice.time_zone if recording.client_id else None
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
    keep = {k: recording.results.get(k) for k in ("artifacts", "notes") if k in recording.results}
    recording.results = {**keep, **compute_results(recording)}


def append_live_beats(recording: Recording, rr_ms: list[float]) -> None:
    """Add live RR values (ms) to the raw live series and re-correct the whole series."""
    raw = np.concatenate(
        [
            np.frombuffer(bytes(recording.raw_rr_ms), dtype="<f4").astype(np.float64),
            np.asarray(rr_ms, dtype=np.float64),
        ]
    )
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
    recording.results = {"artifacts": counts}
    refresh_results(recording)


def live_beats_stored(session: Session) -> int:
    """How many beats the session's live strap recording holds (0 before the first)."""
    recording = (
        Recording.objects.filter(session=session, kind=Recording.Kind.LIVE).order_by("-pk").first()
    )
    return int(recording.rr_array().size) if recording else 0
