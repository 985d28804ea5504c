"""Reports: a client's progress report (preview, then PDF), a session's note and its
aftercare sheet as PDF. Every PDF made is audited as an export naming what it holds."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.reports import pdf, services
from somatrace.reports.forms import SECTIONS, ProgressForm
from somatrace.reports.models import ReportJob
from somatrace.reports.queries import progress_report, session_count
from somatrace.reports.tasks import make_progress_report
from somatrace.therapy.models import Note, NoteAmendment
from somatrace.therapy.views.common import session_for


def _pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    # A generic name: no client data in a file name that lands in a downloads folder's list.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@clinical_required
@require_http_methods(["GET", "POST"])
def progress(request: PracticeRequest, client_id: int) -> HttpResponse:
    """GET: the form with the last three months previewed. POST: the preview of what was
    chosen, or with "pdf" the PDF made from the very same HTML. (POST, so that nothing of
    the choice lands in a URL.)"""
    client = get_object_or_404(
        Client.objects.visible_to(request.actor).select_related("practice"), pk=client_id
    )
    defaults = ProgressForm.defaults(timezone.localdate())
    form = ProgressForm(request.POST if request.method == "POST" else defaults)
    report = None
    wants_pdf = request.method == "POST" and bool(request.POST.get("pdf"))
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        sections = [key for key, _ in SECTIONS if key in form.cleaned_data["sections"]]
        if (
            wants_pdf
            and session_count(request.actor, client, start, end) > services.BACKGROUND_SESSIONS
        ):
            job = services.start_job(
                request.actor, client, start, end, sections, make_progress_report.enqueue
            )
            return redirect("reports_job", job.pk)
        report = progress_report(request.actor, client, start, end, sections)
    jobs = list(
        ReportJob.objects.visible_to(request.actor)
        .filter(client_id=client.pk, created_at__gte=timezone.now() - services.EXPIRY)
        .only("pk", "status", "created_at", "client_id")[:10]
    )
    context: dict[str, Any] = {"client": client, "form": form, "report": report, "jobs": jobs}
    context["background_sessions"] = services.BACKGROUND_SESSIONS
    if wants_pdf and report is not None:
        html = render_to_string("reports/progress_document.html", context, request=request)
        body = pdf.html_to_pdf(html)
        audit.exported(request.actor, client, report.sections, shown=report.shown)
        return _pdf_response(body, "progress-report.pdf")
    audit.read(request.actor, client, shown=report.shown if report else None)
    return render(
        request, "reports/progress.html", context, status=200 if report is not None else 400
    )


@clinical_required
@require_GET
def note_pdf(request: PracticeRequest, session_id: int) -> HttpResponse:
    """The session's note: signed (with its amendments listed, oldest first) or DRAFT."""
    session = session_for(request, session_id)
    note = Note.objects.visible_to(request.actor).filter(session_id=session.pk).first()
    amendments = (
        list(NoteAmendment.objects.filter(note_id=note.pk).select_related("author"))
        if note is not None
        else []
    )
    html = render_to_string(
        "reports/note_document.html",
        {
            "session": session,
            "client": session.client,
            "note": note,
            "amendments": amendments,
            "made_at": timezone.localtime(),
        },
        request=request,
    )
    body = pdf.html_to_pdf(html)
    audit.exported(
        request.actor,
        note if note is not None else session,
        ["note", "amendments"] if amendments else ["note"],
        shown={"therapy.noteamendment": [a.pk for a in amendments]},
    )
    return _pdf_response(body, "session-note.pdf")


@clinical_required
@require_GET
def aftercare_pdf(request: PracticeRequest, session_id: int) -> HttpResponse:
    """The aftercare sheet to give the client: the practice, the day and the aftercare text."""
    session = session_for(request, session_id)
    html = render_to_string(
        "reports/aftercare_document.html",
        {"session": session, "client": session.client, "made_at": timezone.localtime()},
        request=request,
    )
    body = pdf.html_to_pdf(html)
    audit.exported(request.actor, session, ["aftercare"])
    return _pdf_response(body, "aftercare.pdf")


def _job_for(request: PracticeRequest, job_id: int) -> ReportJob:
    """A job of a client this member sees (404 otherwise), not yet expired."""
    job = get_object_or_404(
        ReportJob.objects.visible_to(request.actor).select_related("client"), pk=job_id
    )
    if job.created_at < timezone.now() - services.EXPIRY:
        raise Http404
    return job


@clinical_required
@require_GET
def job(request: PracticeRequest, job_id: int) -> HttpResponse:
    """A progress report being prepared: its progress, then its download."""
    found = _job_for(request, job_id)
    audit.read(request.actor, found)
    return render(
        request,
        "reports/job.html",
        {"job": found, "client": found.client, "expiry_hours": _expiry_hours()},
    )


@clinical_required
@require_GET
def job_status(request: PracticeRequest, job_id: int) -> HttpResponse:
    """The progress fragment, polled by htmx every 2 s until the job is finished."""
    found = _job_for(request, job_id)
    audit.read(request.actor, found)
    return render(
        request, "reports/_job_status.html", {"job": found, "expiry_hours": _expiry_hours()}
    )


@clinical_required
@require_GET
def job_pdf(request: PracticeRequest, job_id: int) -> HttpResponse:
    """The finished PDF (an export by whoever downloads it); before that, the job page."""
    found = _job_for(request, job_id)
    if found.status != ReportJob.Status.DONE or not found.pdf:
        return redirect("reports_job", found.pk)
    try:
        body = services.download(request.actor, found)
    except FileNotFoundError:
        raise Http404 from None
    return _pdf_response(body, "progress-report.pdf")


def _expiry_hours() -> int:
    return int(services.EXPIRY.total_seconds() // 3600)
