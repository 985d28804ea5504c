"""The live session console: open, start, pause, resume, end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from somatrace.audit import services as audit
from somatrace.clients import touch
from somatrace.clients.models import Client
from somatrace.clients.services import can_start_session, current_touch_map
from somatrace.core.actor import Actor
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.core.panels import render_panels
from somatrace.therapy import guard, services
from somatrace.therapy.forms import EndForm, PrecheckForm
from somatrace.therapy.models import Session, TimelineEvent
from somatrace.therapy.queries import event_label, guard_title, vocabulary_for
from somatrace.therapy.views.common import session_for, wants_json

RECENT_SHOWN = 12  # events in the console's "recent" list (read here, shown by console.js)
STATE_LABELS = {
    "scheduled": "Not started",
    "running": "Running",
    "paused": "Paused",
    "ended": "Ended",
}


def event_json(event: TimelineEvent, labels: dict[str, str], start: datetime | None) -> dict:
    return {
        "id": event.pk,
        "uuid": str(event.client_uuid),
        "kind": event.kind,
        "code": event.code,
        "label": event_label(event, labels),
        "text": event.text,
        "region": event.region,
        "intensity": event.intensity,
        "suds": event.suds,
        "at": event.at.isoformat(),
        "seconds": int((event.at - start).total_seconds()) if start else None,
    }


def prompt_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "uuid": str(event.client_uuid),
        "rule": event.code,
        "title": guard_title(event.code),
        "message": event.text,
        "grounding": [list(option) for option in guard.GROUNDING_OPTIONS],
    }


def _console_context(request: PracticeRequest, session: Session, **extra: Any) -> dict[str, Any]:
    vocabulary = vocabulary_for(session.practice_id)
    touch_map = current_touch_map(session.client)
    marked = touch.marked_by_group(touch_map.regions if touch_map else {})
    events = list(session.events.order_by("-at", "-id")[:RECENT_SHOWN])
    start = session.started_at
    config = {
        "sessionId": session.pk,
        "state": session.state,
        "stateLabels": STATE_LABELS,
        "recentShown": RECENT_SHOWN,
        "elapsed": session.elapsed_seconds(),
        "eventsUrl": reverse("event_create", args=[session.pk]),
        "pauseUrl": reverse("console_pause", args=[session.pk]),
        "resumeUrl": reverse("console_resume", args=[session.pk]),
        "deleteUrl": reverse("event_delete", args=[session.pk, 0]),
        "window": [session.client.suds_window_low, session.client.suds_window_high],
        "labels": vocabulary.labels,
        "regions": dict(vocabulary.regions),
        "touch": marked,
        "recent": [event_json(e, vocabulary.labels, start) for e in events],
    }
    minutes, seconds = divmod(session.elapsed_seconds(), 60)
    hours, minutes = divmod(minutes, 60)
    clock = f"{minutes:02d}:{seconds:02d}"
    panels = render_panels(request, "console", session)
    audit.read(
        request.actor,
        session,
        shown={"therapy.timelineevent": [e.pk for e in events], **panels.shown},
    )
    return {
        "clock": f"{hours}:{clock}" if hours else clock,
        "session": session,
        "state_label": STATE_LABELS[session.state],
        "client": session.client,
        "vocabulary": vocabulary,
        "regions": [(code, label, marked.get(code, "")) for code, label in vocabulary.regions],
        "touch_map": touch_map,
        "not_welcome": [
            label for code, label in vocabulary.regions if marked.get(code) == touch.NOT_WELCOME
        ],
        "check_in": [
            label for code, label in vocabulary.regions if marked.get(code) == touch.CHECK_IN
        ],
        "config": config,
        "shortcuts": [(key, label) for _, label, key, _ in vocabulary.cues if key],
        "precheck_form": extra.pop("precheck_form", None) or PrecheckForm(),
        "end_form": extra.pop("end_form", None) or EndForm(),
        "allowed": True,
        "reason": "",
        "panels": panels,
        **extra,
    }


@clinical_required
def console_page(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    context = _console_context(request, session)
    if session.state == "scheduled":
        context["allowed"], context["reason"] = can_start_session(session.client)
    return render(request, "therapy/console.html", context)


def render_precheck(
    request: PracticeRequest,
    client: Client,
    *,
    start_url: str,
    back_url: str,
    form: PrecheckForm | None = None,
    duration_minutes: int = 60,
) -> HttpResponse:
    """The console's before-start page (the pre-check) for a client with no session yet.

    Its form POSTs the pre-check fields to `start_url`, whose view creates and starts the
    session in one step (services.start_new_session); `back_url` leaves without creating
    anything. A bound form with errors comes back with status 400; a client who may not
    start a session gets the reason instead of the form (409 when it was posted). The caller
    has found `client` through Client.objects.visible_to(request.actor).
    """
    allowed, reason = can_start_session(client)
    touch_map = current_touch_map(client)
    vocabulary = vocabulary_for(client.practice_id)
    marked = touch.marked_by_group(touch_map.regions if touch_map else {})
    audit.read(request.actor, client)
    if not allowed and request.method == "POST":
        status = 409
    elif form is not None and form.is_bound and form.errors:
        status = 400
    else:
        status = 200
    context = {
        "client": client,
        "precheck_form": form or PrecheckForm(),
        "start_url": start_url,
        "back_url": back_url,
        "duration_minutes": duration_minutes,
        "allowed": allowed,
        "reason": reason,
        "touch_map": touch_map,
        "not_welcome": [
            label for code, label in vocabulary.regions if marked.get(code) == touch.NOT_WELCOME
        ],
        "check_in": [
            label for code, label in vocabulary.regions if marked.get(code) == touch.CHECK_IN
        ],
    }
    return render(request, "therapy/precheck.html", context, status=status)


@clinical_required
@require_http_methods(["GET", "POST"])
def session_start(request: PracticeRequest, client_id: int) -> HttpResponse:
    """GET: the pre-check for a new live session, with nothing created yet. POST: create the
    session, start it with the pre-check and go to its console."""
    client = get_object_or_404(
        Client.objects.visible_to(request.actor).select_related("practice"), pk=client_id
    )
    start_url = reverse("session_start", args=[client.pk])
    back_url = reverse("client_detail", args=[client.pk])
    if request.method == "GET":
        return render_precheck(request, client, start_url=start_url, back_url=back_url)
    form = PrecheckForm(request.POST)
    if form.is_valid():
        try:
            session = services.start_new_session(request.actor, client, form.cleaned_data)
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("console", session_id=session.pk)
    return render_precheck(request, client, start_url=start_url, back_url=back_url, form=form)


@clinical_required
@require_POST
def console_start(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    form = PrecheckForm(request.POST)
    allowed, reason = can_start_session(session.client)
    if not allowed:
        context = _console_context(request, session, precheck_form=form)
        context.update(allowed=False, reason=reason)
        return render(request, "therapy/console.html", context, status=409)
    if not form.is_valid():
        context = _console_context(request, session, precheck_form=form)
        return render(request, "therapy/console.html", context, status=400)
    try:
        services.start(request.actor, session, form.cleaned_data)
    except RuleError as refusal:
        messages.info(request, str(refusal))
    return redirect("console", session_id=session.pk)


def _state_change(
    request: PracticeRequest, session_id: int, action: Callable[[Actor, Session], None]
) -> HttpResponse:
    session = session_for(request, session_id)
    try:
        action(request.actor, session)
    except RuleError as refusal:
        if wants_json(request):
            return JsonResponse({"error": str(refusal), "state": session.state}, status=409)
        messages.info(request, str(refusal))
        return redirect("console", session_id=session.pk)
    if wants_json(request):
        return JsonResponse({"state": session.state, "elapsed": session.elapsed_seconds()})
    return redirect("console", session_id=session.pk)


@clinical_required
@require_POST
def console_pause(request: PracticeRequest, session_id: int) -> HttpResponse:
    return _state_change(request, session_id, services.pause)


@clinical_required
@require_POST
def console_resume(request: PracticeRequest, session_id: int) -> HttpResponse:
    return _state_change(request, session_id, services.resume)


@clinical_required
@require_POST
def console_end(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            drafted = services.end(request.actor, session, form.cleaned_data)
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            if drafted:
                messages.success(
                    request,
                    "Session ended. The note is drafted from the timeline: "
                    "read and edit it, then sign.",
                )
            else:
                messages.success(request, "Session ended.")
            return redirect("session_aftercare", session_id=session.pk)
    context = _console_context(request, session, end_form=form)
    return render(request, "therapy/console.html", context, status=400)
