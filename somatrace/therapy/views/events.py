"""Timeline events: posted live by the console (JSON), added afterwards, corrected, deleted.
All three writes go through services.add_event / edit_event / delete_event, so touch consent
and the pacing guard hold the same for each."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from somatrace.audit import services as audit
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.core.jsonbody import BadJSON, read_json
from somatrace.therapy import services
from somatrace.therapy.forms import EventAddForm, EventEditForm, EventForm, local_time_on
from somatrace.therapy.models import Session, TimelineEvent
from somatrace.therapy.queries import event_label, vocabulary_for
from somatrace.therapy.views.common import session_for, wants_json
from somatrace.therapy.views.console import prompt_json


def _json_body(request: PracticeRequest) -> dict[str, Any] | None:
    """The posted object; None when it is JSON but not an object. BadJSON when not JSON."""
    data = read_json(request, empty={})
    return data if isinstance(data, dict) else None


def _invalid(fields: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"error": "The event was not valid.", "fields": fields}, status=400)


@clinical_required
@require_POST
def event_create(request: PracticeRequest, session_id: int) -> HttpResponse:
    """POST one event as JSON. 201 when stored, 200 when this uuid was already stored,
    400 for an invalid event, 409 when the session or touch consent refuses it."""
    # The console posts every few seconds: load the session with its client (the guard's
    # window, touch consent) and nothing more.
    session = get_object_or_404(
        Session.objects.visible_to(request.actor).select_related("client"), pk=session_id
    )
    try:
        data = _json_body(request)
    except BadJSON as bad:
        return bad.response()
    if data is None:
        return JsonResponse({"error": "Send one event as a JSON object."}, status=400)
    # Form fields would read a list or an object as its text; an event holds only plain values.
    nested = sorted(str(k) for k, v in data.items() if isinstance(v, (list, dict)))
    if nested:
        return _invalid(
            {name: ["Expected a single value, not a list or an object."] for name in nested}
        )
    form = EventForm({k: v for k, v in data.items() if v is not None})
    if not form.is_valid():
        return _invalid({field: [str(e) for e in errs] for field, errs in form.errors.items()})
    clean = form.cleaned_data
    new = services.NewEvent(
        uuid=clean["uuid"],
        kind=clean["kind"],
        at=clean["at"],
        code=clean.get("code") or "",
        text=clean.get("text") or "",
        region=clean.get("region") or "",
        intensity=clean.get("intensity"),
        suds=clean.get("suds"),
        responds_to=clean.get("responds_to"),
        override_reason=clean.get("override_reason") or "",
    )
    try:
        posted = services.add_event(request.actor, session, new)
    except services.InvalidEvent as invalid:
        return _invalid({invalid.field: [str(invalid)]})
    except services.TouchRefused as refusal:
        return JsonResponse({"error": str(refusal), "touch": "not_welcome"}, status=409)
    except RuleError as refusal:
        return JsonResponse({"error": str(refusal)}, status=409)
    event = posted.event
    return JsonResponse(
        {
            "id": event.pk,
            "uuid": str(event.client_uuid),
            "created": posted.created,
            "prompts": [prompt_json(p) for p in posted.prompts],
        },
        status=201 if posted.created else 200,
    )


def _event_for(request: PracticeRequest, session_id: int, event_id: int) -> TimelineEvent:
    return get_object_or_404(
        TimelineEvent.objects.visible_to(request.actor).select_related(
            "session", "session__client", "session__client__practice"
        ),
        pk=event_id,
        session_id=session_id,
    )


def _back_to_timeline(session_id: int) -> HttpResponse:
    return redirect(reverse("session_detail", args=[session_id]) + "#timeline-heading")


def _form_error(form: Any, refusal: RuleError) -> None:
    """Show a service's refusal on the field it is about (touch consent: the override)."""
    if isinstance(refusal, services.TouchRefused) and "override_reason" in form.fields:
        form.add_error("override_reason", str(refusal))
    elif isinstance(refusal, services.InvalidEvent) and refusal.field in form.fields:
        form.add_error(refusal.field, str(refusal))
    else:
        form.add_error(None, str(refusal))


@clinical_required
def event_add(request: PracticeRequest, session_id: int) -> HttpResponse:
    """Add an event afterwards (a tap that was forgotten), at a time on the session's day."""
    session = session_for(request, session_id)
    if session.is_signed or session.started_at is None:
        messages.info(
            request,
            "Events can be added to a session that was run in the console and is not signed.",
        )
        return redirect("session_detail", session_id=session.pk)
    form = EventAddForm(request.POST or None, vocabulary=vocabulary_for(session.practice_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = services.NewEvent(
            uuid=uuid.uuid4(),
            kind=data["kind"],
            at=local_time_on(session.started_at, data["at_time"]),
            code=data["word"],
            text=data["text"],
            region=data["region"],
            intensity=data["intensity"],
            suds=data["suds"],
            override_reason=data["override_reason"],
        )
        try:
            services.add_event(request.actor, session, new)
        except RuleError as refusal:
            _form_error(form, refusal)
        else:
            messages.success(request, "Event added to the timeline.")
            return _back_to_timeline(session.pk)
    audit.read(request.actor, session)
    return render(
        request,
        "therapy/event_add.html",
        {"form": form, "session": session, "client": session.client},
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
def event_edit(request: PracticeRequest, session_id: int, event_id: int) -> HttpResponse:
    event = _event_for(request, session_id, event_id)
    session = event.session
    if session.is_signed:
        messages.info(request, "This session's note is signed, so its timeline is locked.")
        return redirect("session_detail", session_id=session.pk)
    vocabulary = vocabulary_for(session.practice_id)
    original_at = event.at
    form = EventEditForm(request.POST or None, instance=event, vocabulary=vocabulary)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_event(
                request.actor,
                event,
                form.changes(original_at),
                override_reason=form.cleaned_data.get("override_reason") or "",
            )
        except RuleError as refusal:
            _form_error(form, refusal)
        else:
            messages.success(request, "Event saved.")
            return _back_to_timeline(session.pk)
    audit.read(request.actor, event)
    return render(
        request,
        "therapy/event_form.html",
        {
            "form": form,
            "event": event,
            "label": event_label(event, vocabulary.labels),
            "session": session,
            "client": session.client,
        },
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
@require_POST
def event_delete(request: PracticeRequest, session_id: int, event_id: int) -> HttpResponse:
    event = _event_for(request, session_id, event_id)
    session = event.session
    try:
        services.delete_event(request.actor, event)
    except RuleError as refusal:
        if wants_json(request):
            return JsonResponse({"error": str(refusal)}, status=409)
        messages.info(request, str(refusal))
        return redirect("session_detail", session_id=session.pk)
    if wants_json(request):
        return JsonResponse({"deleted": event_id})
    messages.success(request, "Event deleted; the audit log keeps a record that it existed.")
    return _back_to_timeline(session.pk)
