"""Views of the outcome measures app. Thin: check access, call a service, render."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from somatrace.accounts.middleware import client_ip
from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.actor import Actor, token_reference
from somatrace.core.decorators import PracticeRequest, clinical_required, owner_required
from somatrace.core.errors import RuleError
from somatrace.core.redact import safe_path
from somatrace.measures import instruments, queries, services, summary
from somatrace.measures.forms import AnswersForm, AssignForm, GiveForm, SettingsForm
from somatrace.measures.models import (
    Administration,
    Assignment,
    Channel,
    PracticeMeasures,
    Status,
)

KIOSK_KEY = "measures_kiosk_administration"


def _administration(request: PracticeRequest, administration_id: int) -> Administration:
    return get_object_or_404(
        Administration.objects.visible_to(request.actor).select_related("client__practice"),
        pk=administration_id,
    )


def _client(request: PracticeRequest, client_id: int) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.actor, clinical=True).select_related("practice"),
        pk=client_id,
    )


def _back_to_client(client_id: int) -> str:
    return reverse("client_detail", kwargs={"client_id": client_id}) + "#measures-heading"


# --- Practitioner: assign, give, paper, link, kiosk, cancel ---------------------------------


@clinical_required
@require_POST
def assign_view(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    form = AssignForm(request.POST, enabled=PracticeMeasures.enabled_for(client.practice_id))
    if not form.is_valid():
        return render(request, "measures/assign.html", {"form": form, "client": client}, status=400)
    assignment = services.assign(
        request.actor,
        client,
        form.cleaned_data["instrument"],
        form.cleaned_data["schedule"],
        form.cleaned_data["n"],
    )
    messages.success(
        request, f"{assignment.definition.short_title} assigned ({assignment.schedule_text})."
    )
    return redirect(_back_to_client(client.pk))


@clinical_required
@require_POST
def give_view(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    form = GiveForm(request.POST, enabled=PracticeMeasures.enabled_for(client.practice_id))
    if not form.is_valid():
        return render(
            request, "measures/assign.html", {"give_form": form, "client": client}, status=400
        )
    administration = services.give(request.actor, client, form.cleaned_data["instrument"])
    channel = form.cleaned_data["channel"]
    if channel == Channel.PAPER:
        return redirect("measures_paper", administration_id=administration.pk)
    if channel == Channel.LINK:
        return _show_new_link(request, administration)
    return redirect("measures_administration", administration_id=administration.pk)


@clinical_required
@require_GET
def administration_detail(request: PracticeRequest, administration_id: int) -> HttpResponse:
    administration = _administration(request, administration_id)
    audit.read(request.actor, administration)
    answered = []
    if administration.status == Status.COMPLETED:
        options = {o.value: o.label for o in administration.definition.options}
        for item, value in zip(
            administration.definition.items, administration.answers, strict=False
        ):
            answered.append(
                {
                    "item": item,
                    "value": value,
                    "label": options.get(value, "") if value is not None else "",
                    "reversed": item.number in administration.definition.reverse_items,
                }
            )
    links = list(administration.links.all()[:5])
    return render(
        request,
        "measures/administration.html",
        {
            "administration": administration,
            "defn": administration.definition,
            "client": administration.client,
            "answered": answered,
            "links": links,
            "subscales": _subscale_rows(administration),
        },
    )


def _subscale_rows(administration: Administration) -> list[dict[str, Any]]:
    titles = {s.key: s.title for s in administration.definition.subscales}
    titles["percentage"] = "Percentage (raw × 4)"
    return [
        {"title": titles.get(key, key), "value": value}
        for key, value in (administration.subscales or {}).items()
    ]


@clinical_required
def paper_view(request: PracticeRequest, administration_id: int) -> HttpResponse:
    administration = _administration(request, administration_id)
    if not administration.is_pending:
        messages.info(request, "This questionnaire is no longer waiting for answers.")
        return redirect("measures_administration", administration_id=administration.pk)
    form = AnswersForm(request.POST or None, definition=administration.definition, required=False)
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = services.record_answers(
                    request.actor, administration, form.answers(), Channel.PAPER, form.extras()
                )
            except services.AlreadyAnswered:
                messages.info(request, "This questionnaire is no longer waiting for answers.")
                return redirect("measures_administration", administration_id=administration.pk)
            if outcome.score.prorated:
                messages.warning(request, f"Answers saved and scored. {outcome.score.note}")
            elif outcome.score.valid:
                messages.success(request, "Answers saved and scored.")
            else:
                messages.warning(request, f"Answers saved but not scored: {outcome.score.reason}")
            if outcome.risk:
                messages.error(
                    request, "A risk answer was given: a safety alert is waiting for you."
                )
            return redirect("measures_administration", administration_id=administration.pk)
        status = 400
    else:
        status = 200
    audit.read(request.actor, administration)
    return render(
        request,
        "measures/paper.html",
        {
            "form": form,
            "administration": administration,
            "defn": administration.definition,
            "client": administration.client,
        },
        status=status,
    )


def _show_new_link(request: PracticeRequest, administration: Administration) -> HttpResponse:
    token = services.create_link(request.actor, administration)
    url = request.build_absolute_uri(reverse("measures_questionnaire", kwargs={"token": token}))
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#1d2521", light="#ffffff")
    return render(
        request,
        "measures/link.html",
        {
            "administration": administration,
            "client": administration.client,
            "defn": administration.definition,
            "url": url,
            "qr": qr,
            "days": services.LINK_DAYS,
        },
    )


@clinical_required
@require_POST
def link_view(request: PracticeRequest, administration_id: int) -> HttpResponse:
    administration = _administration(request, administration_id)
    if not administration.is_pending:
        messages.info(request, "This questionnaire is no longer waiting for answers.")
        return redirect("measures_administration", administration_id=administration.pk)
    return _show_new_link(request, administration)


@clinical_required
@require_POST
def kiosk_start(request: PracticeRequest, administration_id: int) -> HttpResponse:
    """Hand the tablet over: log the practitioner out and lock this browser session to one
    questionnaire. Everything else needs the practitioner's login again."""
    administration = _administration(request, administration_id)
    try:
        services.hand_over(request.actor, administration)
    except RuleError as refusal:
        messages.info(request, str(refusal))
        return redirect("measures_administration", administration_id=administration.pk)
    logout(request)  # flushes the session: nothing of the practitioner's stays in it
    request.session[KIOSK_KEY] = administration.pk
    return redirect("measures_kiosk")


@clinical_required
@require_POST
def cancel_view(request: PracticeRequest, administration_id: int) -> HttpResponse:
    administration = _administration(request, administration_id)
    if administration.is_pending:
        services.cancel(request.actor, administration)
        messages.success(request, "Questionnaire cancelled; its links no longer work.")
    return redirect(_back_to_client(administration.client_id))


@clinical_required
@require_POST
def assignment_stop(request: PracticeRequest, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.visible_to(request.actor), pk=assignment_id)
    if assignment.active:
        services.stop_assignment(request.actor, assignment)
        messages.success(request, f"{assignment.definition.short_title} schedule stopped.")
    return redirect(_back_to_client(assignment.client_id))


# --- The client's side: kiosk and secure link ------------------------------------------------


def _holder(request: HttpRequest, administration: Administration, reference: str) -> Actor:
    """Whoever holds the link or the handed-over tablet: they act for this client only."""
    return Actor.link_holder(
        practice_id=administration.client.practice_id,
        client_id=administration.client_id,
        reference=reference,
        ip=client_ip(request),
        path=safe_path(request.path),
    )


def _questionnaire(
    request: HttpRequest, actor: Actor, administration: Administration, channel: str, action: str
) -> HttpResponse:
    """Show the questionnaire or take its answers. Returns the thank-you page when done."""
    form = AnswersForm(request.POST or None, definition=administration.definition)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = services.record_answers(
                    actor, administration, form.answers(), channel, form.extras()
                )
            except services.AlreadyAnswered:
                request.session.pop(KIOSK_KEY, None)
                return render(request, "measures/link_dead.html", status=404)
            if channel == Channel.KIOSK:
                request.session.pop(KIOSK_KEY, None)
            return render(
                request,
                "measures/thanks.html",
                {
                    "kiosk": channel == Channel.KIOSK,
                    "risk": outcome.risk,
                    "practice": administration.client.practice,
                    "storage_key": f"measures-{administration.pk}",
                },
            )
        status = 400
    audit.read(actor, administration)
    return render(
        request,
        "measures/questionnaire.html",
        {
            "form": form,
            "defn": administration.definition,
            "action": action,
            "kiosk": channel == Channel.KIOSK,
            "storage_key": f"measures-{administration.pk}",
            "practice": administration.client.practice,
        },
        status=status,
    )


@login_not_required
@never_cache
def kiosk_view(request: HttpRequest) -> HttpResponse:
    administration_id = request.session.get(KIOSK_KEY)
    if request.user.is_authenticated or not isinstance(administration_id, int):
        return redirect("login")
    administration = (
        Administration.objects.select_related("client__practice")
        .filter(pk=administration_id, status=Status.PENDING)
        .first()
    )
    if administration is None:
        request.session.pop(KIOSK_KEY, None)
        return redirect("login")
    actor = _holder(request, administration, f"kiosk: questionnaire {administration.pk}")
    return _questionnaire(request, actor, administration, Channel.KIOSK, reverse("measures_kiosk"))


@login_not_required
@never_cache
def questionnaire_view(request: HttpRequest, token: str) -> HttpResponse:
    link = services.link_for_token(token)
    if link is None:
        return render(request, "measures/link_dead.html", status=404)
    administration = link.administration
    actor = _holder(request, administration, f"link: ~{token_reference(token)}")
    return _questionnaire(request, actor, administration, Channel.LINK, request.path)


# --- Caseload and settings ------------------------------------------------------------------


@clinical_required
@require_GET
def caseload_view(request: PracticeRequest) -> HttpResponse:
    per_client = queries.caseload_points(request.actor)
    table = summary.caseload(per_client)
    audit.listed(request.actor, "measures.caseload", sorted({c for c, _ in per_client}))
    return render(
        request,
        "measures/caseload.html",
        {
            "rows": table,
            "min_group": summary.MIN_GROUP,
            "whole_practice": request.actor.sees_whole_practice,
        },
    )


@owner_required
def settings_view(request: PracticeRequest) -> HttpResponse:
    enabled = PracticeMeasures.enabled_for(request.actor.practice_id)
    form = SettingsForm(request.POST or None, initial={"enabled": sorted(enabled)})
    if request.method == "POST" and form.is_valid():
        services.update_settings(request.actor, form.cleaned_data["enabled"])
        messages.success(request, "Instruments updated.")
        return redirect("measures_settings")
    return render(
        request,
        "measures/settings.html",
        {
            "form": form,
            "instruments": [instruments.INSTRUMENTS[c] for c in instruments.ORDER],
            "enabled": enabled,
        },
        status=400 if request.method == "POST" else 200,
    )
