"""Client record pages: list, add, the client page (built with the other apps' panels), edit,
intake, clearance, consent. Thin: check access, parse the form, call clients.services, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from somatrace.audit import services as audit
from somatrace.clients import services
from somatrace.clients.documents import BY_CONTENT_TYPE, PDF
from somatrace.clients.forms import (
    AttachmentForm,
    ClearanceForm,
    ClientFilterForm,
    ClientForm,
    ConsentSignForm,
    ConsentVersionForm,
    ConsentWithdrawForm,
    IntakeForm,
)
from somatrace.clients.models import Attachment, Client, ConsentForm, ConsentRecord, Intake
from somatrace.core.decorators import (
    PracticeRequest,
    clinical_required,
    member_required,
    owner_required,
)
from somatrace.core.errors import RuleError
from somatrace.core.panels import render_panels

PAGE_SIZE = 25


def _client_for(request: PracticeRequest, client_id: int, *, clinical: bool = True) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.actor, clinical=clinical).select_related(
            "assigned_practitioner", "practice"
        ),
        pk=client_id,
    )


@member_required
def client_list(request: PracticeRequest) -> HttpResponse:
    form = ClientFilterForm(
        request.POST if request.method == "POST" else None,
        practice_id=request.actor.practice_id,
    )
    clients = Client.objects.visible_to(request.actor, clinical=False)
    filters: dict[str, Any] = (
        form.cleaned_data if form.is_bound and form.is_valid() else {"status": "active"}
    )
    if filters.get("q"):
        clients = clients.matching(filters["q"])
    if filters.get("status"):
        clients = clients.filter(status=filters["status"])
    if filters.get("practitioner"):
        clients = clients.filter(assigned_practitioner_id=filters["practitioner"])
    if filters.get("tag"):
        clients = clients.filter(tags__id=filters["tag"])
    # The practitioners of the 25 clients shown come in a query of their own: joined into a
    # search, PostgreSQL misjudges how many clients match and joins every match with every
    # user before sorting (13 ms at 10,000 clients, against 5 ms; docs/performance.md).
    clients = clients.prefetch_related("assigned_practitioner", "tags")
    page = Paginator(clients, PAGE_SIZE).get_page(filters.get("page") or 1)
    audit.listed(request.actor, "clients.client", [c.pk for c in page])
    template = "clients/_results.html" if request.headers.get("HX-Request") else "clients/list.html"
    return render(request, template, {"form": form, "page": page})


@member_required
def client_create(request: PracticeRequest) -> HttpResponse:
    form = ClientForm(request.POST or None, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.create_client(
                request.actor,
                form.details(),
                tag_names=form.cleaned_data["tag_names"],
                practitioner=form.cleaned_data.get("practitioner"),
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Client added. Next: intake and consent.")
            return redirect("client_detail", client_id=client.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/form.html", {"form": form, "creating": True}, status=status)


@member_required
def client_detail(request: PracticeRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = _client_for(request, client_id, clinical=False)
    context: dict[str, Any] = {"client": client, "tags": list(client.tags.all())}
    if actor.sees_clinical_data:
        intake = Intake.objects.filter(client=client).first()
        consent = services.consent_status(client)
        allowed, reason = services.can_start_session(client, consent)
        context |= {
            "clinical": True,
            "intake": intake,
            "screen": intake.screen_result if intake else None,
            "consent": consent,
            "clearances": list(client.clearances.select_related("cleared_by")),
            "can_start": allowed,
            "cannot_start_reason": reason,
            "clearance_form": ClearanceForm(),
        }
    panels = render_panels(request, "client", client)
    audit.read(actor, client, shown=panels.shown)
    return render(request, "clients/detail.html", {**context, "panels": panels})


@member_required
def client_edit(request: PracticeRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = _client_for(request, client_id, clinical=False)
    form = ClientForm(request.POST or None, instance=client, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_client(
                    actor,
                    client,
                    form.changed_details(),
                    tag_names=form.cleaned_data["tag_names"],
                )
                holder = form.cleaned_data.get("practitioner")
                if holder is not None:
                    services.assign_practitioner(actor, client, holder)
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Client details saved.")
            return redirect("client_detail", client_id=client.pk)
    audit.read(actor, client)
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/form.html", {"form": form, "client": client}, status=status)


@clinical_required
def intake_edit(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    intake = Intake.objects.filter(client=client).first() or Intake(client=client)
    form = IntakeForm(request.POST or None, instance=intake)
    if request.method == "POST" and form.is_valid():
        outcome = services.save_intake(request.actor, client, form.answers(), form.screen())
        if outcome.on_hold:
            messages.warning(
                request,
                "Intake saved. The client is on hold until a practitioner records a clearance "
                "for: " + "; ".join(item.question for item in outcome.result.holds) + ".",
            )
        else:
            messages.success(request, "Intake saved.")
        if outcome.alerts:
            messages.error(
                request,
                "The safety screen was positive. A safety alert is on the dashboard until "
                "a practitioner acknowledges it.",
            )
        return redirect("client_detail", client_id=client.pk)
    audit.read(request.actor, intake if intake.pk else client)
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/intake.html", {"form": form, "client": client}, status=status)


@clinical_required
@require_POST
def clearance_create(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    form = ClearanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A clearance needs a note saying who cleared the client and why.")
        return redirect("client_detail", client_id=client.pk)
    try:
        services.record_clearance(request.actor, client, form.cleaned_data["note"])
    except RuleError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, "Clearance recorded; the hold is lifted.")
    return redirect("client_detail", client_id=client.pk)


@clinical_required
def consent_sign(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    status = services.consent_status(client)
    if status.current_form is None:
        messages.error(request, status.message)
        return redirect("client_detail", client_id=client.pk)
    form = ConsentSignForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        record = services.sign_consent(
            request.actor,
            client,
            signed_name=form.cleaned_data["signed_name"],
            research_use=form.cleaned_data["research_use"],
        )
        messages.success(request, f"Consent recorded (version {record.form.version}).")
        return redirect("client_detail", client_id=client.pk)
    audit.read(request.actor, client, shown={"clients.consentform": [status.current_form.pk]})
    return render(
        request,
        "clients/consent.html",
        {"form": form, "client": client, "status": status},
        status=400 if request.method == "POST" else 200,
    )


@clinical_required
def consent_withdraw(request: PracticeRequest, client_id: int, record_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    record = get_object_or_404(
        ConsentRecord.objects.filter(client=client, withdrawn_at__isnull=True), pk=record_id
    )
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw_consent(request.actor, record, form.cleaned_data["note"])
        messages.warning(request, "Consent withdrawn. No new session can be started.")
        return redirect("client_detail", client_id=client.pk)
    audit.read(request.actor, record)
    return render(
        request,
        "clients/consent_withdraw.html",
        {"form": form, "client": client, "record": record},
        status=400 if request.method == "POST" else 200,
    )


@owner_required
def consent_versions(request: PracticeRequest) -> HttpResponse:
    """The practice's consent text: every published version, and publishing a new one."""
    versions = list(
        ConsentForm.objects.filter(practice_id=request.actor.practice_id).select_related(
            "created_by"
        )
    )
    current = versions[0] if versions else None
    initial = {"title": current.title, "body": current.body} if current else {}
    form = ConsentVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish_consent_version(
                request.actor, form.cleaned_data["title"], form.cleaned_data["body"]
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"Version {version.version} published. Clients who agreed to an earlier "
                "version must agree again before their next session.",
            )
            return redirect("consent_versions")
    return render(
        request,
        "clients/consent_versions.html",
        {"form": form, "versions": versions},
        status=400 if request.method == "POST" else 200,
    )


# --- Attachments ----------------------------------------------------------------------------

# The inline view shows a file someone uploaded: nothing in it may run, load or be framed.
# An image is shown in a sandboxed document. Chromium refuses to open its PDF viewer in a
# sandboxed document, and the viewer embeds the PDF itself (object-src 'self'), so a PDF
# (checked to be one by its first bytes) gets no sandbox; its own scripts still cannot run.
ATTACHMENT_CSP = (
    "default-src 'none'; img-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'none'"
)
PDF_CSP = f"{ATTACHMENT_CSP}; object-src 'self'"
IMAGE_CSP = f"{ATTACHMENT_CSP}; sandbox"


def _attachment_for(request: PracticeRequest, client: Client, attachment_id: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.visible_to(request.actor).select_related("client"),
        pk=attachment_id,
        client=client,
    )


@clinical_required
@require_POST
def attachment_upload(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return _upload_refused(request, client, " ".join(problems))
    try:
        services.add_attachment(
            request.actor,
            client,
            form.cleaned_data["file"],
            form.cleaned_data["title"],
            form.cleaned_data["kind"],
        )
    except RuleError as refusal:
        return _upload_refused(request, client, str(refusal))
    messages.success(request, "Document attached.")
    return redirect(f"{reverse('client_detail', args=[client.pk])}#attachments")


def _upload_refused(request: PracticeRequest, client: Client, message: str) -> HttpResponse:
    """Nothing was stored: say why, with the way back (no client data on this page)."""
    return render(
        request,
        "clients/attachment_refused.html",
        {"message": message, "client_id": client.pk},
        status=400,
    )


@clinical_required
def attachment_view(request: PracticeRequest, client_id: int, attachment_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    attachment = _attachment_for(request, client, attachment_id)
    try:
        data = services.read_attachment(request.actor, attachment)
    except RuleError as refusal:  # the stored file no longer matches its checksum
        return HttpResponse(str(refusal), content_type="text/plain", status=409)
    document = BY_CONTENT_TYPE[attachment.content_type]
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="attachment-{attachment.pk}{document.extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = PDF_CSP if document is PDF else IMAGE_CSP
    return response


@clinical_required
@require_POST
def attachment_delete(request: PracticeRequest, client_id: int, attachment_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    attachment = _attachment_for(request, client, attachment_id)
    services.remove_attachment(request.actor, attachment)
    messages.success(request, "Document removed.")
    return redirect(f"{reverse('client_detail', args=[client.pk])}#attachments")
