"""Upload, view, align and record heart recordings. Views check access and call services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.core.jsonbody import BadJSON, read_json
from somatrace.physio import formats, services
from somatrace.physio.forms import MethodForm, OffsetForm, UploadForm
from somatrace.physio.models import Recording
from somatrace.physio.panels import live_config, recording_context
from somatrace.physio.tasks import analyse_live_recording, process_upload
from somatrace.therapy.models import Session


def _session_for(request: PracticeRequest, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.actor).select_related("client__practice"),
        pk=session_id,
    )


def _recording_for(request: PracticeRequest, recording_id: int) -> Recording:
    return get_object_or_404(
        Recording.objects.visible_to(request.actor).select_related("client__practice", "session"),
        pk=recording_id,
    )


def _save_upload(
    request: PracticeRequest, form: UploadForm, client: Client, session: Session | None
) -> Recording | None:
    """Store the upload (services.save_upload); a file that cannot be read becomes a form
    error and nothing is kept."""
    try:
        return services.save_upload(
            request.actor,
            client,
            form.cleaned_data["file"],
            session=session,
            format_name=form.cleaned_data.get("format") or None,
            sampling_rate_hz=form.cleaned_data.get("sampling_rate_hz"),
            started_at=form.cleaned_data.get("started_at"),
            enqueue=process_upload.enqueue,
            method=form.cleaned_data.get("method") or None,
        )
    except formats.FormatError as error:
        form.add_error("file", f"This file could not be read: {error}.")
    except RuleError as refusal:
        form.add_error(None, str(refusal))
    return None


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
def upload_for_session(request: PracticeRequest, session_id: int) -> HttpResponse:
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
    audit.read(request.actor, session)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "physio/upload.html",
        {"form": form, "client": session.client, "session": session},
        status=status,
    )


@clinical_required
def upload_for_client(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = get_object_or_404(
        Client.objects.visible_to(request.actor).select_related("practice"), pk=client_id
    )
    sessions = (
        Session.objects.visible_to(request.actor).filter(client=client).order_by("-starts_at")
    )
    form = UploadForm(request.POST or None, request.FILES or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        recording = _save_upload(request, form, client, form.cleaned_data.get("session"))
        if recording is not None:
            if recording.status == Recording.Status.DONE:
                messages.success(
                    request, f"Recording read as {recording.format_label} and analysed."
                )
            return _after_upload(recording)
    audit.read(request.actor, client)
    status = 400 if request.method == "POST" else 200
    return render(request, "physio/upload.html", {"form": form, "client": client}, status=status)


@clinical_required
def recording_detail(request: PracticeRequest, recording_id: int) -> HttpResponse:
    recording = _recording_for(request, recording_id)
    audit.read(request.actor, recording)
    return render(
        request,
        "physio/recording.html",
        {
            **recording_context(recording, windows_page=request.GET.get("windows")),
            "client": recording.client,
        },
    )


@clinical_required
def recording_status(request: PracticeRequest, recording_id: int) -> HttpResponse:
    """Progress fragment polled by htmx every 2 s while a file is processed."""
    recording = _recording_for(request, recording_id)
    audit.read(request.actor, recording)
    response = render(request, "physio/_status.html", {"recording": recording})
    if recording.status in (Recording.Status.DONE, Recording.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


@clinical_required
@require_POST
def recording_offset(request: PracticeRequest, recording_id: int) -> HttpResponse:
    recording = _recording_for(request, recording_id)
    form = OffsetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a shift in seconds between −21600 and 21600.")
    else:
        try:
            services.set_offset(request.actor, recording, form.cleaned_data["offset_seconds"])
        except RuleError as refusal:
            messages.info(request, str(refusal))
        else:
            messages.success(request, "Recording shifted on the session clock.")
    if recording.session_id:
        return redirect(
            reverse("session_detail", args=[recording.session_id])
            + f"#physio-recording-{recording.pk}"
        )
    return redirect("physio_recording", recording_id=recording.pk)


@clinical_required
@require_POST
def recording_method(request: PracticeRequest, recording_id: int) -> HttpResponse:
    """Recompute the spectral numbers by another named method (services.set_method)."""
    recording = _recording_for(request, recording_id)
    form = MethodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a spectral method from the list.")
    else:
        try:
            services.set_method(request.actor, recording, form.cleaned_data["method"])
        except RuleError as refusal:
            messages.info(request, str(refusal))
        else:
            messages.success(request, f"Recomputed with {recording.method_label}.")
    if recording.session_id:
        return redirect(
            reverse("session_detail", args=[recording.session_id])
            + f"#physio-recording-{recording.pk}"
        )
    return redirect("physio_recording", recording_id=recording.pk)


@clinical_required
@require_POST
def recording_delete(request: PracticeRequest, recording_id: int) -> HttpResponse:
    recording = _recording_for(request, recording_id)
    target = (
        reverse("session_detail", args=[recording.session_id])
        if recording.session_id
        else reverse("client_detail", args=[recording.client_id])
    )
    services.delete_recording(request.actor, recording)
    messages.success(request, "Recording deleted.")
    return redirect(target)


def _live_payload(request: PracticeRequest) -> tuple[str, list[float]] | str:
    """(batch uuid, RR values in ms) or an error message."""
    try:
        payload = read_json(request, empty={})
    except BadJSON as bad:
        return str(bad)
    if not isinstance(payload, dict):
        return "the body must be a JSON object"
    try:
        batch = str(uuid.UUID(str(payload.get("batch"))))
    except ValueError:
        return "'batch' must be a UUID"
    values = payload.get("rr_ms")
    if not isinstance(values, list) or not 0 < len(values) <= services.MAX_LIVE_BATCH:
        return f"'rr_ms' must be a list of 1 to {services.MAX_LIVE_BATCH} numbers"
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "'rr_ms' must hold numbers only"
    if not all(0 < v <= formats.MAX_RR_MS for v in values):
        return f"RR intervals must be above 0 and at most {formats.MAX_RR_MS:g} ms"
    return batch, [float(v) for v in values]


@clinical_required
def live(request: PracticeRequest, session_id: int) -> HttpResponse:
    """GET: the live recorder page. POST (JSON {batch, rr_ms}): append beats, idempotently."""
    session = _session_for(request, session_id)
    if request.method != "POST":
        audit.read(request.actor, session)
        stored = services.live_beats_stored(session)
        return render(
            request,
            "physio/live.html",
            {
                "session": session,
                "client": session.client,
                "stored": stored,
                "live_config": live_config(session),
            },
        )
    parsed = _live_payload(request)
    if isinstance(parsed, str):
        return JsonResponse({"error": parsed}, status=400)
    batch, values = parsed
    try:
        stored, duplicate = services.append_live(request.actor, session, batch, values)
    except RuleError as refusal:
        return JsonResponse({"error": str(refusal)}, status=409)
    return JsonResponse({"stored": stored, "duplicate": duplicate})


@clinical_required
@require_POST
def live_finish(request: PracticeRequest, session_id: int) -> HttpResponse:
    """Stop the live recording: its whole series is analysed once, in the background. The
    recorder's script sends this after its last batch (JSON answer); the recording card's
    button sends a form (back to the session)."""
    session = _session_for(request, session_id)
    recording = services.finish_live(request.actor, session, analyse_live_recording.enqueue)
    if request.content_type == "application/json":
        return JsonResponse({"status": recording.status if recording else "none"})
    target = reverse("session_detail", args=[session.pk])
    if recording is None:
        messages.info(request, "No beats have come from a strap for this session.")
        return redirect(target)
    if recording.status == Recording.Status.PENDING:
        messages.success(request, "The live recording is being analysed.")
    return redirect(f"{target}#physio-recording-{recording.pk}")
