"""The session record: record one afterwards, its page, edit, sign, amend, aftercare."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from somatrace.audit import services as audit
from somatrace.bodyregions import COARSE_REGION_LABELS
from somatrace.charts import RATING_MEASURES
from somatrace.clients.models import Client
from somatrace.clients.services import can_start_session
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.core.panels import render_panels
from somatrace.therapy import services
from somatrace.therapy.forms import AftercareForm, AmendmentForm, NoteForm, SessionForm
from somatrace.therapy.models import AftercareTemplate, Session
from somatrace.therapy.queries import client_sessions, event_label, vocabulary_for
from somatrace.therapy.services import RECORDED_DETAILS
from somatrace.therapy.timeline_chart import Point, timeline_chart
from somatrace.therapy.views.common import session_for
from somatrace.therapy.vocabulary import DEFAULT_AFTERCARE


@clinical_required
def session_create(request: PracticeRequest, client_id: int) -> HttpResponse:
    """Record a session that was not run in the console."""
    client = get_object_or_404(
        Client.objects.visible_to(request.actor).select_related("practice"), pk=client_id
    )
    allowed, reason = can_start_session(client)
    form = SessionForm(request.POST or None, client=client)
    note_form = NoteForm(request.POST or None)
    if request.method == "POST":
        if not allowed:
            form.add_error(None, reason)
        elif form.is_valid() and note_form.is_valid():
            try:
                session = services.record_session(
                    request.actor,
                    client,
                    form.details(),
                    techniques=form.cleaned_data["techniques"],
                    note=note_form.text(),
                )
            except RuleError as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Session saved. Sign the note when it is complete.")
                return redirect("session_detail", session_id=session.pk)
    audit.read(request.actor, client)
    status = 200 if request.method == "GET" else (409 if not allowed else 400)
    return render(
        request,
        "therapy/session_form.html",
        {
            "form": form,
            "note_form": note_form,
            "client": client,
            "allowed": allowed,
            "reason": reason,
        },
        status=status,
    )


def rating_rows(session: Session) -> list[tuple[str, int | None, int | None, int | None]]:
    """(label, before, after, after - before) per rating; the change is None if either is."""
    rows = []
    for key, label, _ in RATING_MEASURES:
        before, after = getattr(session, f"pre_{key}"), getattr(session, f"post_{key}")
        delta = None if before is None or after is None else after - before
        rows.append((label, before, after, delta))
    return rows


def _timeline_context(session: Session) -> dict[str, Any]:
    """The timeline list and chart for the session page (two queries)."""
    events = list(session.events.all())
    if not events:
        return {"timeline": [], "timeline_chart": None}
    labels = vocabulary_for(session.practice_id).labels
    start = session.started_at or events[0].at
    rows, points, timeline = [], [], []
    for event in events:
        seconds = max(0, int((event.at - start).total_seconds()))
        label = event_label(event, labels)
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
def session_detail(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    note = services.note_of(session)
    amendments = list(note.amendments.select_related("author")) if note.pk else []
    panels = render_panels(request, "session", session)
    audit.read(
        request.actor, session, shown={"therapy.note": [note.pk] if note.pk else [], **panels.shown}
    )
    timeline = _timeline_context(session)
    techniques = list(session.techniques.all())
    actor = request.actor
    # Offered for a session that looks unused from what this page already read; the
    # confirmation page checks everything else that could hold it (unused_session_holds).
    removable = (
        session.started_at is None
        and not session.is_signed
        and not timeline["timeline"]
        and not techniques
        and not any(text.strip() for text in note.text.values())
        and not any(getattr(session, name) not in (None, "") for name in RECORDED_DETAILS)
        and (actor.is_owner or session.practitioner_id == actor.user_id)
    )
    return render(
        request,
        "therapy/session_detail.html",
        {
            **timeline,
            "session": session,
            "client": session.client,
            "techniques": techniques,
            "ratings": rating_rows(session),
            "note": services.current_note(note, amendments),
            "original": note.text,
            "amendments": amendments,
            "can_sign": not session.is_signed and session.practitioner_id == request.actor.user_id,
            "removable": removable,
            "panels": panels,
        },
    )


@clinical_required
def session_edit(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    if session.is_signed:
        messages.info(request, "This note is signed and locked. Changes are made as amendments.")
        return redirect("session_amend", session_id=session.pk)
    note = services.note_of(session)
    form = SessionForm(request.POST or None, instance=session, client=session.client)
    note_form = NoteForm(request.POST or None, initial=note.text)
    if request.method == "POST" and form.is_valid() and note_form.is_valid():
        try:
            services.update_session(
                request.actor,
                session,
                form.changed_details(),
                techniques=form.cleaned_data["techniques"],
                note=note_form.text(),
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Session saved.")
            return redirect("session_detail", session_id=session.pk)
    audit.read(request.actor, session, shown={"therapy.note": [note.pk] if note.pk else []})
    return render(
        request,
        "therapy/session_form.html",
        {
            "form": form,
            "note_form": note_form,
            "client": session.client,
            "session": session,
            "allowed": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def session_sign(request: PracticeRequest, session_id: int) -> HttpResponse:
    """GET: what signing means, with the note to read once more. POST: sign and lock it."""
    session = session_for(request, session_id)
    if request.method == "POST":
        try:
            services.sign_note(request.actor, session)
        except RuleError as refusal:
            messages.info(request, str(refusal))
        else:
            signed_at = timezone.localtime(session.signed_at)
            messages.success(request, f"Note signed and locked at {signed_at:%H:%M}.")
        return redirect("session_detail", session_id=session.pk)
    if session.is_signed or session.practitioner_id != request.actor.user_id:
        messages.info(request, "Only the session's practitioner signs its note, once.")
        return redirect("session_detail", session_id=session.pk)
    note = services.note_of(session)
    audit.read(request.actor, note if note.pk else session)
    return render(
        request,
        "therapy/sign.html",
        {"session": session, "client": session.client, "note": note.text},
    )


@clinical_required
def session_amend(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    if not session.is_signed:
        return redirect("session_edit", session_id=session.pk)
    note = services.note_of(session)
    amendments = list(note.amendments.all()) if note.pk else []
    form = AmendmentForm(request.POST or None, initial=services.current_note(note, amendments))
    if request.method == "POST" and form.is_valid():
        services.amend_note(
            request.actor,
            session,
            reason=form.cleaned_data["reason"],
            text={name: form.cleaned_data[name] for name in note.text},
        )
        messages.success(request, "Amendment saved; the signed original is kept.")
        return redirect("session_detail", session_id=session.pk)
    # The form shows the whole signed note (or its latest amendment).
    audit.read(request.actor, note if note.pk else session)
    return render(
        request,
        "therapy/amend.html",
        {"form": form, "session": session, "client": session.client},
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
def session_aftercare(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    templates = list(AftercareTemplate.objects.for_practice(session.practice_id))
    choices = [(t.title, t.body) for t in templates] or list(DEFAULT_AFTERCARE)
    initial = {"aftercare": session.aftercare or choices[0][1]}
    form = AftercareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_aftercare(request.actor, session, form.cleaned_data["aftercare"])
        messages.success(request, "Aftercare saved.")
        return redirect("session_detail", session_id=session.pk)
    audit.read(request.actor, session)
    return render(
        request,
        "therapy/aftercare.html",
        {"form": form, "session": session, "client": session.client, "choices": choices},
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def session_remove(request: PracticeRequest, session_id: int) -> HttpResponse:
    """GET: confirm removing a session that was opened and never used, or say what holds it.
    POST: remove it (services.delete_unused_session) and go back to the client's page."""
    session = session_for(request, session_id)
    actor = request.actor
    if not actor.is_owner and session.practitioner_id != actor.user_id:
        raise PermissionDenied("Only the session's practitioner or an owner can remove it.")
    refusal = ""
    if request.method == "POST":
        try:
            services.delete_unused_session(actor, session)
        except RuleError as error:
            refusal = str(error)
        else:
            day = timezone.localtime(session.starts_at)
            messages.success(
                request, f"The unused session of {day.day} {day:%B %Y, %H:%M} was removed."
            )
            return redirect("client_detail", client_id=session.client_id)
    holds = services.unused_session_holds(session)
    audit.read(actor, session)
    return render(
        request,
        "therapy/remove.html",
        {"session": session, "client": session.client, "holds": holds, "refusal": refusal},
        status=409 if refusal else 200,
    )


SESSIONS_PER_PAGE = 50


@clinical_required
def client_sessions_page(request: PracticeRequest, client_id: int) -> HttpResponse:
    """Every session of one client, newest first, a page at a time (the client page shows only
    the latest ones)."""
    client = get_object_or_404(Client.objects.visible_to(request.actor), pk=client_id)
    page = Paginator(client_sessions(request.actor, client.pk), SESSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    audit.read(request.actor, client, shown={"therapy.session": [s.pk for s in page]})
    return render(
        request,
        "therapy/client_sessions.html",
        {
            "client": client,
            "page": page,
            "first_number": page.paginator.count - page.start_index() + 1,
        },
    )
