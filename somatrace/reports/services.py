"""Progress reports made in the background (ReportJob): asked for by a member, prepared by
the task (tasks.py) as the system, downloaded by clinical staff who see the client.

Audit: the task reads the client's records as Actor.system ("reports: progress report"),
audited as a read by the system; the PDF leaving Somatrace is audited when it is downloaded,
as an EXPORT by the member who downloads it, naming the records in it. So the export row
always names a person, the one who took the file, not the worker.

Expiry: a job and its PDF are deleted EXPIRY after it was asked for, by delete_expired(),
which runs each time a new job is asked for (no scheduler needed)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.reports import pdf
from somatrace.reports.forms import SECTIONS
from somatrace.reports.models import ReportJob
from somatrace.reports.queries import progress_report

logger = logging.getLogger(__name__)

REFUSAL = "Reports are made by practitioners and owners."
# Above this many sessions in the period, the charts and body maps take long enough (several
# seconds to a minute) that a browser request could time out: the PDF is made in the
# background instead, and the page shows its progress.
BACKGROUND_SESSIONS = 20
EXPIRY = timedelta(hours=24)  # a prepared PDF is kept this long, then deleted
TASK = "reports: progress report"
# What the job page says while each section is read; the sections share 10-70 % in turn.
STEP_LABELS = {
    "sessions": "Gathering sessions",
    "measures": "Drawing charts",
    "heart": "Drawing charts",
    "bodymaps": "Drawing body maps",
}
PDF_STEP = ("Making the PDF", 75)
FAILURE = "The report could not be made. Try again, or choose a shorter period."


def delete_expired(now: Any = None) -> int:
    """Delete jobs asked for more than EXPIRY ago, with their PDFs. Returns how many."""
    cutoff = (now or timezone.now()) - EXPIRY
    old = list(ReportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.pdf:
            job.pdf.delete(save=False)
        job.delete()
    return len(old)


def start_job(
    actor: Actor,
    client: Client,
    start: date,
    end: date,
    sections: list[str],
    enqueue: Callable[[int], Any],
) -> ReportJob:
    """Queue a progress report of `client`; `enqueue(job id)` runs it after the commit."""
    actor.require_clinical_staff(REFUSAL)
    delete_expired()
    keys = [key for key, _ in SECTIONS if key in sections]
    with transaction.atomic():
        job = ReportJob.objects.create(
            client=client,
            requested_by=actor.user,
            options={"start": start.isoformat(), "end": end.isoformat(), "sections": keys},
            step="Waiting to start",
        )
        audit.created(actor, job, ["options"])
        pk = job.pk
        transaction.on_commit(lambda: enqueue(pk))
    return job


def _set(job: ReportJob, step: str, progress: int, **fields: Any) -> None:
    job.step, job.progress = step, progress
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["step", "progress", *fields])


def run_job(job_id: int) -> None:
    """Make the PDF of a queued job, recording each step; a failure is kept on the job."""
    job = ReportJob.objects.select_related("client__practice").filter(pk=job_id).first()
    if job is None or job.status != ReportJob.Status.QUEUED:
        return  # deleted (expired) meanwhile, or already run
    client = job.client
    actor = Actor.system(client.practice_id, TASK)
    _set(job, "Gathering sessions", 5, status=ReportJob.Status.RUNNING)
    sections = list(job.options["sections"])

    def on_section(key: str) -> None:
        _set(job, STEP_LABELS[key], 10 + 60 * sections.index(key) // len(sections))

    try:
        with timezone.override(client.practice.zone):
            report = progress_report(
                actor,
                client,
                date.fromisoformat(job.options["start"]),
                date.fromisoformat(job.options["end"]),
                sections,
                on_section=on_section,
            )
            _set(job, *PDF_STEP)
            html = render_to_string(
                "reports/progress_document.html",
                {"client": client, "report": report},
            )
            body = pdf.html_to_pdf(html)
    except Exception as error:  # any failure is shown on the job page, without details
        logger.error("report job %s failed: %s", job.pk, type(error).__name__)
        _set(
            job,
            "Failed",
            job.progress,
            status=ReportJob.Status.FAILED,
            error=FAILURE,
            finished_at=timezone.now(),
        )
        return
    with transaction.atomic():
        audit.read(actor, client, shown=report.shown)
        job.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(body), save=False)
        _set(
            job,
            "Ready",
            100,
            status=ReportJob.Status.DONE,
            shown=report.shown,
            pdf=job.pdf.name,
            finished_at=timezone.now(),
        )


def download(actor: Actor, job: ReportJob) -> bytes:
    """The finished PDF, audited as an export by `actor` naming the records in it."""
    actor.require_clinical_staff(REFUSAL)
    with job.pdf.open("rb") as stored:
        body = stored.read()
    audit.exported(actor, job.client, job.options.get("sections", []), shown=job.shown)
    return body
