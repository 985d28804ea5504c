from __future__ import annotations

import json
import uuid
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from somatrace.accounts.access import clinical_required
from somatrace.audit import log as audit
from somatrace.bodymaps.models import TouchStatus
from somatrace.bodymaps.services import (
    TouchRefused,
    current_touch_map,
    marked_touch_by_group,
    record_work,
    touch_status,
)
from somatrace.bodyregions import COARSE_REGION_LABELS
from somatrace.clients.models import Client
from somatrace.clients.services import can_start_session
from somatrace.therapy import console
from somatrace.therapy.forms import (
    AftercareForm,
    AftercareTemplateForm,
    AmendmentForm,
    EndForm,
    EventAddForm,
    EventEditForm,
    EventForm,
    PrecheckForm,
    SessionForm,
    WordForm,
    local_time_on,
)
from somatrace.therapy.models import AftercareTemplate, Session, Technique, TimelineEvent, Word
from somatrace.therapy.services import current_note, rating_rows, sign
from somatrace.therapy.timeline_chart import Point, timeline_chart
from somatrace.therapy.vocabulary import DEFAULT_AFTERCARE


def _session_for(request: HttpRequest, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.user).select_related(
            "client", "practitioner", "signed_by", "client__practice"
        ),
        pk=session_id,
    )


@clinical_required
def session_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("practice"), pk=client_id
    )
    allowed, reason = can_start_session(client)
    form = SessionForm(request.POST or None, client=client)
    if request.method == "POST":
        if not allowed:
            form.add_error(None, reason)
        elif form.is_valid():
            with transaction.atomic():
                session = form.save()
                audit.created(request, session, form.changed_data)
            messages.success(request, "Session saved. Sign the note when it is complete.")
            return redirect("session_detail", session_id=session.pk)
    status = 200 if allowed or request.method == "GET" else 409
    return render(
        request,
        "therapy/session_form.html",
        {"form": form, "client": client, "allowed": allowed, "reason": reason},
        status=status,
    )


@clinical_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    amendments = list(session.amendments.select_related("author"))
    audit.read(request, session)
    return render(
        request,
        "therapy/session_detail.html",
        {
            **_timeline_context(session),
            "session": session,
            "client": session.client,
            "techniques": list(session.techniques.all()),
            "ratings": rating_rows(session),
            "note": current_note(session, amendments),
            "original": session.note,
            "amendments": amendments,
            "can_sign": not session.is_signed and session.practitioner_id == request.user.pk,
        },
    )


def _timeline_context(session: Session) -> dict[str, Any]:
    """The timeline list and chart for the session page (two queries)."""
    events = list(session.events.all())
    if not events:
        return {"timeline": [], "timeline_chart": None}
    labels = console.vocabulary_for(session.practice_id).labels
    start = session.started_at or events[0].at
    rows, points, timeline = [], [], []
    for event in events:
        seconds = max(0, int((event.at - start).total_seconds()))
        label = console.event_label(event, labels)
        kind = event.get_kind_display()
        region = COARSE_REGION_LABELS.get(event.region, "")
        timeline.append(
            {"event": event, "label": label, "region": region, "seconds": seconds, "kind": kind}
        )
        points.append(
            Point(
                minute=round(seconds / 60, 2),
                kind="SUDS" if event.kind == "suds" else kind,
                label=label,
                suds=event.suds if event.kind == "suds" else None,
            )
        )
        rows.append(
            {
                "minute": f"{seconds // 60}:{seconds % 60:02d}",
                "kind": kind,
                "event": label,
                "region": region,
                "intensity": event.intensity or "",
            }
        )
    client = session.client
    return {
        "timeline": timeline,
        "timeline_chart": timeline_chart(points, client.suds_window_low, client.suds_window_high),
        "timeline_rows": rows,
    }


@clinical_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    if session.is_signed:
        messages.info(request, "This note is signed and locked. Changes are made as amendments.")
        return redirect("session_amend", session_id=session.pk)
    form = SessionForm(request.POST or None, instance=session, client=session.client)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.updated(request, session, form.changed_data)
        messages.success(request, "Session saved.")
        return redirect("session_detail", session_id=session.pk)
    if request.method == "GET":
        audit.read(request, session)
    return render(
        request,
        "therapy/session_form.html",
        {"form": form, "client": session.client, "session": session, "allowed": True},
    )


@clinical_required
@require_POST
def session_sign(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    if session.practitioner_id != request.user.pk:
        messages.error(request, "Only the session's practitioner can sign its note.")
    elif session.is_signed:
        messages.info(request, "This note was already signed.")
    else:
        with transaction.atomic():
            sign(session, request.user)
            audit.updated(request, session, ["signed_at", "signed_by"])
        messages.success(
            request, f"Note signed and locked at {timezone.localtime(session.signed_at):%H:%M}."
        )
    return redirect("session_detail", session_id=session.pk)


@clinical_required
def session_amend(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    if not session.is_signed:
        return redirect("session_edit", session_id=session.pk)
    amendments = list(session.amendments.all())
    form = AmendmentForm(request.POST or None, initial=current_note(session, amendments))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            amendment = form.save(commit=False)
            amendment.session = session
            amendment.author = request.user
            amendment.save()
            audit.created(request, amendment, form.changed_data)
        messages.success(request, "Amendment saved; the signed original is kept.")
        return redirect("session_detail", session_id=session.pk)
    return render(
        request, "therapy/amend.html", {"form": form, "session": session, "client": session.client}
    )


# --- Live session console ----------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    )


def _console_context(request: HttpRequest, session: Session, **extra: Any) -> dict[str, Any]:
    vocabulary = console.vocabulary_for(session.practice_id)
    touch_map = current_touch_map(session.client)
    touch = marked_touch_by_group(touch_map)
    events = list(session.events.order_by("-at", "-id")[:12])
    start = session.started_at
    config = {
        "sessionId": session.pk,
        "state": session.state,
        "elapsed": session.elapsed_seconds(),
        "eventsUrl": reverse("event_create", args=[session.pk]),
        "pauseUrl": reverse("console_pause", args=[session.pk]),
        "resumeUrl": reverse("console_resume", args=[session.pk]),
        "deleteUrl": reverse("event_delete", args=[session.pk, 0]),
        "window": [session.client.suds_window_low, session.client.suds_window_high],
        "labels": vocabulary.labels,
        "regions": dict(vocabulary.regions),
        "touch": touch,
        "recent": [console.event_json(e, vocabulary.labels, start) for e in events],
    }
    minutes, seconds = divmod(session.elapsed_seconds(), 60)
    hours, minutes = divmod(minutes, 60)
    clock = f"{minutes:02d}:{seconds:02d}"
    return {
        "clock": f"{hours}:{clock}" if hours else clock,
        "session": session,
        "client": session.client,
        "vocabulary": vocabulary,
        "regions": [(code, label, touch.get(code, "")) for code, label in vocabulary.regions],
        "touch_map": touch_map,
        "not_welcome": [
            label for code, label in vocabulary.regions if touch.get(code) == "not_welcome"
        ],
        "check_in": [label for code, label in vocabulary.regions if touch.get(code) == "check_in"],
        "config": config,
        "shortcuts": [(key, label) for _, label, key, _ in vocabulary.cues if key],
        "precheck_form": extra.pop("precheck_form", None) or PrecheckForm(),
        "end_form": extra.pop("end_form", None) or EndForm(),
        "allowed": True,
        "reason": "",
        **extra,
    }


@clinical_required
def console_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    audit.read(request, session)
    context = _console_context(request, session)
    if session.state == "scheduled":
        context["allowed"], context["reason"] = can_start_session(session.client)
    return render(request, "therapy/console.html", context)


@clinical_required
@require_POST
def session_live(request: HttpRequest, client_id: int) -> HttpResponse:
    """Open a session for now and go to its console (consent and holds are checked there)."""
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("practice"), pk=client_id
    )
    allowed, reason = can_start_session(client)
    if not allowed:
        messages.error(request, reason)
        return redirect("client_detail", client_id=client.pk)
    with transaction.atomic():
        session = Session.objects.create(
            practice_id=client.practice_id,
            client=client,
            practitioner_id=cast(int, request.user.pk),
            starts_at=timezone.now().replace(second=0, microsecond=0),
        )
        audit.created(request, session, ["starts_at", "practitioner"])
    return redirect("console", session_id=session.pk)


@clinical_required
@require_POST
def console_start(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    allowed, reason = can_start_session(session.client)
    form = PrecheckForm(request.POST)
    if not allowed:
        context = _console_context(request, session, precheck_form=form)
        context.update(allowed=False, reason=reason)
        return render(request, "therapy/console.html", context, status=409)
    if not form.is_valid():
        return render(
            request,
            "therapy/console.html",
            _console_context(request, session, precheck_form=form),
            status=400,
        )
    try:
        with transaction.atomic():
            created = console.start(session, request.user, form.cleaned_data)
            audit.updated(request, session, ["started_at", *form.changed_data])
            for event in created:
                audit.created(request, event, ["suds"])
    except console.ConsoleError as error:
        messages.info(request, str(error))
    return redirect("console", session_id=session.pk)


def _state_change(request: HttpRequest, session_id: int, action: Any, field: str) -> HttpResponse:
    session = _session_for(request, session_id)
    try:
        with transaction.atomic():
            action(session)
            audit.updated(request, session, [field])
    except console.ConsoleError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error), "state": session.state}, status=409)
        messages.info(request, str(error))
        return redirect("console", session_id=session.pk)
    if _wants_json(request):
        return JsonResponse({"state": session.state, "elapsed": session.elapsed_seconds()})
    return redirect("console", session_id=session.pk)


@clinical_required
@require_POST
def console_pause(request: HttpRequest, session_id: int) -> HttpResponse:
    return _state_change(request, session_id, console.pause, "paused_at")


@clinical_required
@require_POST
def console_resume(request: HttpRequest, session_id: int) -> HttpResponse:
    return _state_change(request, session_id, console.resume, "paused_seconds")


@clinical_required
@require_POST
def console_end(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            drafted = console.end(session, request.user, form.cleaned_data)
        except console.ConsoleError as error:
            form.add_error(None, str(error))
        else:
            audit.updated(
                request,
                session,
                ["ended_at", "duration_minutes", *form.changed_data, *drafted],
            )
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


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@clinical_required
@require_POST
def event_create(request: HttpRequest, session_id: int) -> HttpResponse:
    """POST one event as JSON. 201 when stored, 200 when this uuid was already stored."""
    session = get_object_or_404(
        Session.objects.visible_to(request.user).select_related("client"), pk=session_id
    )
    data = _json_body(request)
    if data is None:
        return JsonResponse({"error": "Send one event as a JSON object."}, status=400)
    # Form fields would read a list or an object as its text; an event holds only plain values.
    nested = sorted(str(k) for k, v in data.items() if isinstance(v, (list, dict)))
    if nested:
        errors = {name: ["Expected a single value, not a list or an object."] for name in nested}
        return JsonResponse({"error": "The event was not valid.", "fields": errors}, status=400)
    form = EventForm(
        {k: v for k, v in data.items() if v is not None},
        known=lambda kind, code: console.is_known_code(session.practice_id, kind, code),
    )
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"error": "The event was not valid.", "fields": errors}, status=400)
    data = form.cleaned_data
    # Work on a region is checked against the client's touch consent before anything is stored.
    works_on_region = data["kind"] == "technique" and bool(data.get("region"))
    if (
        works_on_region
        and not data.get("override_reason")
        and touch_status(session.client, data["region"]) == TouchStatus.NOT_WELCOME
    ):
        return JsonResponse(
            {
                "error": "The client marked this region “not welcome” for touch. Log the "
                "technique with an override and its reason, or choose another region.",
                "touch": "not_welcome",
            },
            status=409,
        )

    def on_created(event: TimelineEvent) -> None:
        audit.created(request, event, ["kind", "code"])
        if works_on_region and event.kind == "technique":
            record_work(
                request,
                session.client,
                session,
                event.region,
                request.user,
                data.get("override_reason"),
            )

    try:
        posted = console.post_event(session, request.user, data, on_created=on_created)
    except console.ConsoleError as error:
        return JsonResponse({"error": str(error)}, status=409)
    except TouchRefused as refusal:  # the consent map changed between the check and the write
        return JsonResponse({"error": str(refusal), "touch": "not_welcome"}, status=409)
    event = posted.event
    return JsonResponse(
        {
            "id": event.pk,
            "uuid": str(event.client_uuid),
            "created": posted.created,
            "prompts": [console.prompt_json(p) for p in posted.prompts],
        },
        status=201 if posted.created else 200,
    )


def _event_for(request: HttpRequest, session_id: int, event_id: int) -> TimelineEvent:
    return get_object_or_404(
        TimelineEvent.objects.visible_to(request.user).select_related("session", "session__client"),
        pk=event_id,
        session_id=session_id,
    )


@clinical_required
def event_edit(request: HttpRequest, session_id: int, event_id: int) -> HttpResponse:
    event = _event_for(request, session_id, event_id)
    session = event.session
    if session.is_signed:
        messages.info(request, "This session's note is signed, so its timeline is locked.")
        return redirect("session_detail", session_id=session.pk)
    vocabulary = console.vocabulary_for(session.practice_id)
    form = EventEditForm(request.POST or None, instance=event, vocabulary=vocabulary)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.updated(request, event, form.changed_data)
            if event.kind in ("suds", "cue") and session.started_at is not None:
                # A corrected SUDS or time may call for a prompt the timeline did not have.
                prompts = console.new_prompts(session, request.user)
                for prompt in console.store_prompts(prompts):
                    audit.created(request, prompt, ["kind", "code"])
        messages.success(request, "Event saved.")
        return redirect(reverse("session_detail", args=[session.pk]) + "#timeline-heading")
    if request.method == "GET":
        audit.read(request, event)
    return render(
        request,
        "therapy/event_form.html",
        {
            "form": form,
            "event": event,
            "label": console.event_label(event, vocabulary.labels),
            "session": session,
            "client": session.client,
        },
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
def event_add(request: HttpRequest, session_id: int) -> HttpResponse:
    """Add an event afterwards (a tap that was forgotten), at a time on the session's day."""
    session = _session_for(request, session_id)
    if session.is_signed or session.started_at is None:
        messages.info(
            request,
            "Events can be added to a session that was run in the console and is not signed.",
        )
        return redirect("session_detail", session_id=session.pk)
    vocabulary = console.vocabulary_for(session.practice_id)
    form = EventAddForm(request.POST or None, vocabulary=vocabulary)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            event = TimelineEvent.objects.create(
                session=session,
                client_uuid=uuid.uuid4(),
                kind=data["kind"],
                code=data["word"],
                text=data["text"],
                region=data["region"],
                intensity=data["intensity"] if data["kind"] == "emotion" else None,
                suds=data["suds"] if data["kind"] == "suds" else None,
                at=local_time_on(session.started_at, data["at_time"]),
                created_by_id=cast(int, request.user.pk),
            )
            audit.created(request, event, [name for name in form.changed_data if data[name]])
            if event.kind in ("suds", "cue"):
                prompts = console.new_prompts(session, request.user)
                for prompt in console.store_prompts(prompts):
                    audit.created(request, prompt, ["kind", "code"])
        messages.success(request, "Event added to the timeline.")
        return redirect(reverse("session_detail", args=[session.pk]) + "#timeline-heading")
    if request.method == "GET":
        audit.read(request, session)
    return render(
        request,
        "therapy/event_add.html",
        {"form": form, "session": session, "client": session.client},
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
@require_POST
def event_delete(request: HttpRequest, session_id: int, event_id: int) -> HttpResponse:
    event = _event_for(request, session_id, event_id)
    session = event.session
    if session.is_signed:
        if _wants_json(request):
            return JsonResponse({"error": "The timeline is locked."}, status=409)
        messages.info(request, "This session's note is signed, so its timeline is locked.")
        return redirect("session_detail", session_id=session.pk)
    with transaction.atomic():
        audit.deleted(request, event)
        event.delete()
    if _wants_json(request):
        return JsonResponse({"deleted": event_id})
    messages.success(request, "Event deleted; the audit log keeps a record that it existed.")
    return redirect(reverse("session_detail", args=[session.pk]) + "#timeline-heading")


@clinical_required
def session_aftercare(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    templates = list(AftercareTemplate.objects.for_practice(session.practice_id))
    choices = [(t.title, t.body) for t in templates] or list(DEFAULT_AFTERCARE)
    initial = {"aftercare": session.aftercare or choices[0][1]}
    form = AftercareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        session.aftercare = form.cleaned_data["aftercare"]
        with transaction.atomic():
            session.save(update_fields=["aftercare", "updated_at"])
            audit.updated(request, session, ["aftercare"])
        messages.success(request, "Aftercare saved.")
        return redirect("session_detail", session_id=session.pk)
    if request.method == "GET":
        audit.read(request, session)
    return render(
        request,
        "therapy/aftercare.html",
        {"form": form, "session": session, "client": session.client, "choices": choices},
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
def vocabulary_page(request: HttpRequest) -> HttpResponse:
    """The practice's own cue, technique and emotion words, and aftercare templates."""
    practice_id = request.membership.practice_id  # type: ignore[attr-defined]
    word_form = WordForm(
        request.POST if "add_word" in request.POST else None, practice_id=practice_id
    )
    template_form = AftercareTemplateForm(request.POST if "add_template" in request.POST else None)
    if request.method == "POST":
        if "add_word" in request.POST and word_form.is_valid():
            word_form.save()
            messages.success(request, "Word added to the practice's vocabulary.")
            return redirect("vocabulary")
        if "add_template" in request.POST and template_form.is_valid():
            template = template_form.save(commit=False)
            template.practice_id = practice_id
            template.save()
            messages.success(request, "Aftercare template added.")
            return redirect("vocabulary")
    vocabulary = console.vocabulary_for(practice_id)
    return render(
        request,
        "therapy/vocabulary.html",
        {
            "vocabulary": vocabulary,
            "own_words": list(Word.objects.filter(practice_id=practice_id)),
            "own_techniques": list(Technique.objects.filter(practice_id=practice_id)),
            "templates": list(AftercareTemplate.objects.for_practice(practice_id)),
            "default_aftercare": DEFAULT_AFTERCARE,
            "word_form": word_form,
            "template_form": template_form,
        },
        status=400 if request.method == "POST" else 200,
    )
