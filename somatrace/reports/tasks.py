"""Background making of long progress reports (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from somatrace.reports.services import run_job


@task()
def make_progress_report(job_id: int) -> None:
    """Make the PDF of a queued ReportJob (services.run_job)."""
    run_job(job_id)
