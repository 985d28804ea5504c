from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from somatrace.accounts.access import clinical_required
from somatrace.audit import log as audit
from somatrace.clients.models import Client
from somatrace.clients.services import can_start_session
from somatrace.therapy.forms import AmendmentForm, SessionForm
from somatrace.therapy.models import Session
from somatrace.therapy.services import current_note, rating_rows, sign


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
