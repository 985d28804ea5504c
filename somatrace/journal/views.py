"""Journal pages. Staff: the image of a SHARED journal entry, and the owner's check-in
times. The client, in their portal: the journal (new entries arrive as JSON from the phone's
queue), sharing an entry or taking it back, and answering a check-in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, raster
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import VIEW_LABELS
from somatrace.bodymaps.models import Moment
from somatrace.bodymaps.payload import MAX_BODY_BYTES, PayloadError
from somatrace.bodymaps.views.paint import painter_context
from somatrace.core.actor import Actor
from somatrace.core.decorators import (
    PortalRequest,
    PracticeRequest,
    client_portal_required,
    clinical_required,
    owner_required,
)
from somatrace.core.errors import RuleError
from somatrace.core.jsonbody import BadJSON, read_json
from somatrace.journal import services
from somatrace.journal import support as support_text
from somatrace.journal.entry import EMOTION_MAX, EMOTION_MIN, validate_entry
from somatrace.journal.forms import CheckInForm, CheckInHoursForm
from somatrace.journal.models import CheckIn, JournalEntry, JournalSettings
from somatrace.journal.panels import emotion_rows

ENTRIES_SHOWN = 50


def entry_png_bytes(entry: JournalEntry) -> bytes:
    """The entry's body map as a PNG, drawn as bodymaps draws a painting."""
    record = entry.strokes or {}
    grid = raster.rasterise(record.get("strokes", []), entry.body_shape, record.get("regions", []))
    overlays = figures.painting_overlays(grid, figures.display_scale(grid, entry.body_shape))
    views = raster.views_of(entry.body_shape)
    return draw.png(
        entry.body_shape, overlays, [VIEW_LABELS[v] for v in views], views, legend=draw.LEGEND
    )


def png_response(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def visible_entry(actor: Actor, entry_id: int) -> JournalEntry:
    """An entry the actor may see (staff: shared entries of their clients only), else 404."""
    return get_object_or_404(JournalEntry.objects.visible_to(actor), pk=entry_id)


@clinical_required
def entry_png(request: PracticeRequest, entry_id: int) -> HttpResponse:
    entry = visible_entry(request.actor, entry_id)
    audit.read(request.actor, entry)
    return png_response(entry_png_bytes(entry))


@owner_required
def settings_view(request: PracticeRequest) -> HttpResponse:
    hours = JournalSettings.hours_for(request.actor.practice_id)
    form = CheckInHoursForm(
        request.POST or None, initial={"hours": ", ".join(str(h) for h in hours)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_checkin_hours(request.actor, form.cleaned_data["hours"])
        except RuleError as refusal:
            form.add_error("hours", str(refusal))
        else:
            messages.success(request, "Check-in times saved.")
            return redirect("journal_settings")
    return render(request, "journal/settings.html", {"form": form})


# --- The client's own pages, in the portal ---------------------------------------------------


def _portal_entry(request: PortalRequest, entry_id: int) -> JournalEntry:
    """One of the signed-in client's own entries (any other: 404)."""
    return get_object_or_404(JournalEntry.objects.visible_to(request.actor), pk=entry_id)


def _writer_context(request: PortalRequest) -> dict[str, Any]:
    """What the writer needs: the painter and the practice's emotion words, no client record."""
    client = request.portal_client
    labels = services.emotion_labels(client.practice_id)
    return {
        **painter_context(request.actor, client, Moment.CHECKIN, request.GET.get("shape")),
        "journal_emotions": list(labels.items()),
        "levels": range(EMOTION_MIN, EMOTION_MAX + 1),
        "journal_config": {
            "createUrl": reverse("portal_journal_create"),
            # One queue per client on a shared phone; the key holds an id, never a name.
            "queueKey": f"somatrace.journal.queue.{client.pk}",
            # The writer alone, which the service worker keeps for writing offline.
            "writeUrl": reverse("portal_journal_write"),
        },
    }


def _journal_context(request: PortalRequest) -> dict[str, Any]:
    labels = services.emotion_labels(request.portal_client.practice_id)
    entries = list(
        JournalEntry.objects.visible_to(request.actor).order_by("-created_at", "-id")[
            :ENTRIES_SHOWN
        ]
    )
    for entry in entries:
        entry.emotion_rows = emotion_rows(entry.emotions, labels)  # type: ignore[attr-defined]
    return {**_writer_context(request), "entries": entries}


@client_portal_required
@require_GET
def portal_journal(request: PortalRequest) -> HttpResponse:
    context = _journal_context(request)
    audit.read(
        request.actor,
        request.portal_client,
        shown={"journal.journalentry": [e.pk for e in context["entries"]]},
    )
    return render(request, "journal/portal_journal.html", context)


@client_portal_required
@require_GET
def portal_journal_write(request: PortalRequest) -> HttpResponse:
    """The writer alone: it shows no entry, so the service worker may keep it for offline use
    (nothing of the client's is read, so nothing is audited)."""
    return render(request, "journal/portal_journal_write.html", _writer_context(request))


@client_portal_required
@require_POST
def portal_journal_create(request: PortalRequest) -> HttpResponse:
    """A new entry as JSON, sent by the phone's queue (journal.js); 201 new, 200 known key."""
    try:
        data = read_json(request, max_bytes=MAX_BODY_BYTES)
    except BadJSON as bad:
        return bad.response()
    client = request.portal_client
    try:
        clean = validate_entry(data, services.emotion_labels(client.practice_id))
    except PayloadError as error:
        return JsonResponse({"error": str(error)}, status=400)
    stored = services.create_entry(request.actor, client, clean)
    return JsonResponse(
        {"id": stored.entry.pk, "created": stored.created}, status=201 if stored.created else 200
    )


@client_portal_required
@require_POST
def portal_journal_share(request: PortalRequest, entry_id: int) -> HttpResponse:
    entry = _portal_entry(request, entry_id)
    shared = request.POST.get("shared") == "1"
    services.set_shared(request.actor, entry, shared)
    messages.success(
        request,
        "Shared with your practitioner." if shared else "This entry is private again.",
    )
    return redirect(f"{reverse('portal_journal')}#entry-{entry.pk}")


@client_portal_required
@require_GET
def portal_journal_entry_png(request: PortalRequest, entry_id: int) -> HttpResponse:
    entry = _portal_entry(request, entry_id)
    audit.read(request.actor, entry)
    return png_response(entry_png_bytes(entry))


@client_portal_required
@require_http_methods(["GET", "POST"])
def portal_checkin(request: PortalRequest, checkin_id: int) -> HttpResponse:
    """The client's answer to a check-in. Above their window of tolerance, the practice's
    crisis resources and grounding exercises are shown at once, and the practitioner is
    alerted (services.answer_checkin)."""
    checkin = get_object_or_404(
        CheckIn.objects.visible_to(request.actor).select_related("client__practice"), pk=checkin_id
    )
    form = CheckInForm(request.POST or None)
    support = False
    if request.method == "POST" and checkin.is_open and form.is_valid():
        try:
            answered = services.answer_checkin(
                request.actor,
                checkin,
                suds=form.cleaned_data["suds"],
                calm=form.cleaned_data["calm"],
                tension=form.cleaned_data["tension"],
                note=form.cleaned_data["note"],
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            checkin = answered.checkin
            support = bool(answered.above)
            if not support:
                messages.success(request, "Thank you: your answers were sent to your practitioner.")
    elif request.method == "GET":
        audit.read(request.actor, checkin)
    practice = checkin.client.practice
    return render(
        request,
        "journal/portal_checkin.html",
        {
            "checkin": checkin,
            "form": form,
            "support": support,
            "crisis_resources": support_text.crisis_text(practice.crisis_resources),
            "grounding": support_text.grounding_for_client(),
        },
    )
