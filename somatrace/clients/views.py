from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from somatrace.accounts.access import clinical_required, member_required
from somatrace.alerts.models import Alert
from somatrace.audit import log as audit
from somatrace.charts import ratings_chart, ratings_rows
from somatrace.clients.forms import (
    ClearanceForm,
    ClientFilterForm,
    ClientForm,
    ConsentSignForm,
    ConsentWithdrawForm,
    IntakeForm,
)
from somatrace.clients.models import Client, ConsentRecord, Intake
from somatrace.clients.services import (
    apply_screen,
    can_start_session,
    consent_status,
    record_clearance,
    withdraw_consent,
)
from somatrace.therapy.models import RATING_FIELDS, Session

PAGE_SIZE = 25


@member_required
def client_list(request: HttpRequest) -> HttpResponse:
    practice = request.membership.practice  # type: ignore[attr-defined]
    form = ClientFilterForm(request.POST if request.method == "POST" else None, practice=practice)
    clients = Client.objects.visible_to(request.user, clinical=False)
    filters: dict[str, Any] = (
        form.cleaned_data if form.is_bound and form.is_valid() else {"status": "active"}
    )
    if filters.get("q"):
        term = filters["q"]
        clients = clients.filter(
            Q(name__icontains=term) | Q(preferred_name__icontains=term) | Q(email__icontains=term)
        )
    if filters.get("status"):
        clients = clients.filter(status=filters["status"])
    if filters.get("practitioner"):
        clients = clients.filter(assigned_practitioner_id=filters["practitioner"])
    if filters.get("tag"):
        clients = clients.filter(tags__id=filters["tag"])
    clients = clients.select_related("assigned_practitioner").prefetch_related("tags")
    page = Paginator(clients, PAGE_SIZE).get_page(filters.get("page") or 1)
    audit.listed(request, "clients.client", [c.pk for c in page])
    template = "clients/_results.html" if request.headers.get("HX-Request") else "clients/list.html"
    return render(request, template, {"form": form, "page": page})


@member_required
def client_create(request: HttpRequest) -> HttpResponse:
    practice = request.membership.practice  # type: ignore[attr-defined]
    initial = {"assigned_practitioner": request.user.pk}
    form = ClientForm(
        request.POST or None,
        practice=practice,
        initial=initial,
        clinical=request.membership.sees_clinical_data,  # type: ignore[attr-defined]
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            client = form.save()
            audit.created(request, client, form.changed_data)
        messages.success(request, "Client added. Next: intake and consent.")
        return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/form.html", {"form": form, "creating": True})


def _client_for(request: HttpRequest, client_id: int, *, clinical: bool = True) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.user, clinical=clinical).select_related(
            "assigned_practitioner", "practice"
        ),
        pk=client_id,
    )


@member_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    client = _client_for(request, client_id, clinical=False)
    context: dict[str, object] = {"client": client, "tags": list(client.tags.all())}
    if membership.sees_clinical_data:
        sessions = list(
            Session.objects.filter(client=client)
            .select_related("practitioner")
            .prefetch_related("techniques")
            .order_by("-starts_at")
        )
        intake = Intake.objects.filter(client=client).first()
        rows = ratings_rows(
            {"date": s.starts_at.date(), **{f: getattr(s, f) for f in RATING_FIELDS}}
            for s in sorted(sessions, key=lambda s: s.starts_at)
        )
        allowed, reason = can_start_session(client)
        context |= {
            "clinical": True,
            "sessions": sessions,
            "intake": intake,
            "screen": intake.screen_result if intake else None,
            "consent": consent_status(client),
            "alerts": list(Alert.objects.filter(client=client).open()),
            "clearances": list(client.clearances.select_related("cleared_by")),
            "chart": ratings_chart(rows) if rows else None,
            "chart_rows": rows,
            "can_start": allowed,
            "cannot_start_reason": reason,
            "clearance_form": ClearanceForm(),
        }
    else:
        context["upcoming"] = list(
            Session.objects.filter(client=client)
            .select_related("practitioner")
            .order_by("-starts_at")[:10]
        )
    audit.read(request, client)
    return render(request, "clients/detail.html", context)


@member_required
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id, clinical=False)
    form = ClientForm(
        request.POST or None,
        instance=client,
        practice=client.practice,
        clinical=request.membership.sees_clinical_data,  # type: ignore[attr-defined]
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.updated(request, client, form.changed_data)
        messages.success(request, "Client details saved.")
        return redirect("client_detail", client_id=client.pk)
    if request.method == "GET":
        audit.read(request, client)
    return render(request, "clients/form.html", {"form": form, "client": client})


@clinical_required
def intake_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    intake = Intake.objects.filter(client=client).first() or Intake(client=client)
    form = IntakeForm(request.POST or None, instance=intake)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            creating = intake.pk is None
            intake = form.save()
            result, alerts = apply_screen(client, intake)
            (audit.created if creating else audit.updated)(request, intake, form.changed_data)
        if result.needs_clearance and client.on_hold:
            messages.warning(
                request,
                "Intake saved. The client is on hold until a practitioner records a clearance "
                "for: " + "; ".join(item.question for item in result.holds) + ".",
            )
        else:
            messages.success(request, "Intake saved.")
        if alerts:
            messages.error(
                request,
                "The safety screen was positive. A safety alert is on the dashboard until "
                "a practitioner acknowledges it.",
            )
        return redirect("client_detail", client_id=client.pk)
    if request.method == "GET" and intake.pk:
        audit.read(request, intake)
    return render(request, "clients/intake.html", {"form": form, "client": client})


@clinical_required
@require_POST
def clearance_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    form = ClearanceForm(request.POST)
    if not client.on_hold:
        messages.info(request, "This client is not on hold.")
        return redirect("client_detail", client_id=client.pk)
    if not form.is_valid():
        messages.error(request, "A clearance needs a note saying who cleared the client and why.")
        return redirect("client_detail", client_id=client.pk)
    with transaction.atomic():
        clearance = record_clearance(client, request.user, form.cleaned_data["note"])
        audit.created(request, clearance, ["note", "items"])
    messages.success(request, "Clearance recorded; the hold is lifted.")
    return redirect("client_detail", client_id=client.pk)


@clinical_required
def consent_sign(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    status = consent_status(client)
    if status.current_form is None:
        messages.error(request, status.message)
        return redirect("client_detail", client_id=client.pk)
    form = ConsentSignForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            record = form.save(commit=False)
            record.client = client
            record.form = status.current_form
            record.recorded_by = request.user
            record.save()
            audit.created(request, record, ["signed_name", "form"])
        messages.success(request, f"Consent recorded (version {status.current_form.version}).")
        return redirect("client_detail", client_id=client.pk)
    return render(
        request, "clients/consent.html", {"form": form, "client": client, "status": status}
    )


@clinical_required
def consent_withdraw(request: HttpRequest, client_id: int, record_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    record = get_object_or_404(
        ConsentRecord.objects.filter(client=client, withdrawn_at__isnull=True), pk=record_id
    )
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            withdraw_consent(record, form.cleaned_data["note"])
            audit.updated(request, record, ["withdrawn_at", "withdrawal_note"])
        messages.warning(request, "Consent withdrawn. No new session can be started.")
        return redirect("client_detail", client_id=client.pk)
    return render(
        request, "clients/consent_withdraw.html", {"form": form, "client": client, "record": record}
    )
