"""Upload, view, align and record heart recordings. Views check access and call services."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from somatrace.accounts.access import clinical_required
from somatrace.audit import log as audit
from somatrace.clients.models import Client
from somatrace.physio import charts, formats, services
from somatrace.physio.forms import OffsetForm, UploadForm
from somatrace.physio.models import Recording
from somatrace.physio.tasks import process_upload
from somatrace.therapy.models import Session

MAX_LIVE_BATCH = 500  # beats per live batch (a few seconds is about 5-20)


def _session_for(request: HttpRequest, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.user).select_related("client__practice"),
        pk=session_id,
    )


def _recording_for(request: HttpRequest, recording_id: int) -> Recording:
    return get_object_or_404(
        Recording.objects.visible_to(request.user).select_related("client__practice", "session"),
        pk=recording_id,
    )


def _save_upload(
    request: HttpRequest, form: UploadForm, client: Client, session: Session | None
) -> Recording | None:
    """Create the recording: small files analysed now, in one transaction; large files saved
    and analysed by a background task. A file that cannot be read becomes a form error and
    nothing is kept."""
    upload = form.cleaned_data["file"]
    format_name = form.cleaned_data.get("format") or None
    rate = form.cleaned_data.get("sampling_rate_hz")
    recording = Recording(
        client=client,
        session=session,
        original_filename=(upload.name or "")[:255],
        uploaded_by_id=request.user.pk,
        started_at=form.cleaned_data.get("started_at"),
    )
    fields = ["file", "format", "started_at", "session"]
    if upload.size <= services.SYNC_LIMIT_BYTES:
        data = upload.read()
        try:
            with transaction.atomic():
                services.process_bytes(
                    recording, data, format_name=format_name, sampling_rate_hz=rate
                )
                recording.save()
                audit.created(request, recording, fields)
        except formats.FormatError as error:
            form.add_error("file", f"This file could not be read: {error}.")
            return None
        return recording
    # Too large to read now: at least check the format from the first lines, so a file that
    # is not a recording is refused here rather than failing later in the background.
    if not format_name:
        try:
            format_name = formats.detect_format(next(upload.chunks(64 * 1024), b""), upload.name)
        except formats.FormatError as error:
            form.add_error("file", f"This file could not be read: {error}.")
            return None
        upload.seek(0)
    folder = settings.DATA_DIR / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.upload"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    recording.upload_path = str(path)
    recording.status = Recording.Status.PENDING
    with transaction.atomic():
        recording.save()
        audit.created(request, recording, fields)
        pk = recording.pk
        transaction.on_commit(lambda: process_upload.enqueue(pk, format_name, rate))
    return recording


def _after_upload(recording: Recording) -> HttpResponse:
    if recording.status == Recording.Status.DONE:
        target = recording.session_id and reverse("session_detail", args=[recording.session_id])
        return redirect(
            f"{target}#physio-recording-{recording.pk}"
            if target
            else reverse("physio_recording", args=[recording.pk])
        )
    return redirect("physio_recording", recording_id=recording.pk)


@clinical_required
def upload_for_session(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        recording = _save_upload(request, form, session.client, session)
        if recording is not None:
            if recording.status == Recording.Status.DONE:
                messages.success(
                    request, f"Recording read as {recording.format_label} and analysed."
                )
            return _after_upload(recording)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "physio/upload.html",
        {"form": form, "client": session.client, "session": session},
        status=status,
    )


@clinical_required
def upload_for_client(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("practice"), pk=client_id
    )
    sessions = Session.objects.visible_to(request.user).filter(client=client).order_by("-starts_at")
    form = UploadForm(request.POST or None, request.FILES or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        recording = _save_upload(request, form, client, form.cleaned_data.get("session"))
        if recording is not None:
            if recording.status == Recording.Status.DONE:
                messages.success(
                    request, f"Recording read as {recording.format_label} and analysed."
                )
            return _after_upload(recording)
    status = 400 if request.method == "POST" else 200
    return render(request, "physio/upload.html", {"form": form, "client": client}, status=status)


def recording_context(
    recording: Recording, marks: list[services.Mark] | None = None
) -> dict[str, Any]:
    """What the recording card shows: tables, charts, the shift sentence.

    marks: the session's timeline marks when the caller has them already (one read per
    session, however many recordings it has); read here otherwise.
    """
    results = recording.results or {}
    ctx: dict[str, Any] = {"recording": recording, "results": results}
    if recording.status != Recording.Status.DONE:
        return ctx
    rr = recording.rr_array()
    flags = recording.flag_array()
    win = results.get("windows")
    t0 = services.t0_seconds(recording)
    session_end = win["session_end_s"] if win else None
    if marks is None:
        marks = services.session_marks(recording.session) if recording.session else []
    beats, corrected = charts.tachogram_rows(rr, flags, t0 if t0 is not None else 0.0)
    ctx["tachogram"] = charts.tachogram_chart(beats, corrected, session_end, marks)
    ctx["aligned"] = win is not None
    if win:
        ctx["windows_chart"] = charts.windows_chart(
            win["short"], session_end, marks, win.get("frequency")
        )
        ctx["window_rows"] = [
            {
                "minute": round(w["mid_s"] / 60, 1),
                "heart rate (bpm)": w["hr_bpm"] if w["hr_bpm"] is not None else w["reason"],
                "RMSSD (ms)": w["rmssd_ms"] if w["rmssd_ms"] is not None else w["reason"],
                "corrected beats": f"{w['n_corrected']} of {w['n_beats']}",
            }
            for w in win["short"][::2]
        ]
        ctx["segments"] = [
            ("Before (baseline)", win["segments"]["baseline"]),
            ("Session", win["segments"]["session"]),
            ("After", win["segments"]["after"]),
        ]
        ctx["shift"] = win["shift"]
    else:
        ctx["window_rows"] = []
    ctx["offset_form"] = OffsetForm(
        initial={"offset_seconds": recording.offset_seconds},
        auto_id=f"id_physio_{recording.pk}_%s",  # several recordings on one page
    )
    return ctx


@clinical_required
def recording_detail(request: HttpRequest, recording_id: int) -> HttpResponse:
    recording = _recording_for(request, recording_id)
    audit.read(request, recording)
    return render(
        request,
        "physio/recording.html",
        {**recording_context(recording), "client": recording.client},
    )


@clinical_required
def recording_status(request: HttpRequest, recording_id: int) -> HttpResponse:
    """Progress fragment polled by htmx every 2 s while a file is processed."""
    recording = _recording_for(request, recording_id)
    response = render(request, "physio/_status.html", {"recording": recording})
    if recording.status in (Recording.Status.DONE, Recording.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


@clinical_required
@require_POST
def recording_offset(request: HttpRequest, recording_id: int) -> HttpResponse:
    recording = _recording_for(request, recording_id)
    form = OffsetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a shift in seconds between −21600 and 21600.")
    elif recording.status == Recording.Status.DONE:
        with transaction.atomic():
            recording.offset_seconds = form.cleaned_data["offset_seconds"]
            services.refresh_results(recording)
            recording.save(update_fields=["offset_seconds", "results"])
            audit.updated(request, recording, ["offset_seconds"])
        messages.success(request, "Recording shifted on the session clock.")
    if recording.session_id:
        return redirect(
            reverse("session_detail", args=[recording.session_id])
            + f"#physio-recording-{recording.pk}"
        )
    return redirect("physio_recording", recording_id=recording.pk)


@clinical_required
@require_POST
def recording_delete(request: HttpRequest, recording_id: int) -> HttpResponse:
    recording = _recording_for(request, recording_id)
    target = (
        reverse("session_detail", args=[recording.session_id])
        if recording.session_id
        else reverse("client_detail", args=[recording.client_id])
    )
    with transaction.atomic():
        audit.deleted(request, recording)
        recording.delete()
    messages.success(request, "Recording deleted.")
    return redirect(target)


def _live_recording(session: Session, user: Any) -> Recording:
    recording = (
        Recording.objects.select_for_update()
        .filter(session=session, kind=Recording.Kind.LIVE)
        .order_by("-pk")
        .first()
    )
    if recording is None:
        recording = Recording.objects.create(
            client=session.client,
            session=session,
            kind=Recording.Kind.LIVE,
            format="live",
            uploaded_by=user,
            status=Recording.Status.DONE,
            progress=100,
        )
    return recording


def _live_payload(request: HttpRequest) -> tuple[str, list[float]] | str:
    """(batch uuid, RR values in ms) or an error message."""
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return "the body is not JSON"
    if not isinstance(payload, dict):
        return "the body must be a JSON object"
    try:
        batch = str(uuid.UUID(str(payload.get("batch"))))
    except ValueError:
        return "'batch' must be a UUID"
    values = payload.get("rr_ms")
    if not isinstance(values, list) or not 0 < len(values) <= MAX_LIVE_BATCH:
        return f"'rr_ms' must be a list of 1 to {MAX_LIVE_BATCH} numbers"
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "'rr_ms' must hold numbers only"
    if not all(0 < v <= formats.MAX_RR_MS for v in values):
        return "RR intervals must be above 0 and at most 20000 ms"
    return batch, [float(v) for v in values]


@clinical_required
def live(request: HttpRequest, session_id: int) -> HttpResponse:
    """GET: the live recorder page. POST (JSON {batch, rr_ms}): append beats, idempotently."""
    session = _session_for(request, session_id)
    if request.method != "POST":
        audit.read(request, session)
        stored = services.live_beats_stored(session)
        return render(
            request,
            "physio/live.html",
            {"session": session, "client": session.client, "stored": stored},
        )
    parsed = _live_payload(request)
    if isinstance(parsed, str):
        return JsonResponse({"error": parsed}, status=400)
    batch, values = parsed
    with transaction.atomic():
        recording = _live_recording(session, request.user)
        if batch in recording.live_batches:
            return JsonResponse({"stored": len(recording.flag_array()), "duplicate": True})
        if recording.started_at is None:
            recording.started_at = timezone.now() - timedelta(
                seconds=float(np.sum(values)) / 1000.0
            )
        services.append_live_beats(recording, values)
        recording.live_batches = [*recording.live_batches, batch][-5000:]
        recording.save()
        audit.updated(request, recording, ["rr_ms"])
    return JsonResponse({"stored": len(recording.flag_array()), "duplicate": False})
