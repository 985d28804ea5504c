"""A long progress report in a real browser: asked for, its progress shown while the worker
prepares it, then a download link, without reloading the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from somatrace.reports import services
from somatrace.reports.models import ReportJob
from somatrace.reports.tasks import make_progress_report
from somatrace.testing import make_session

from .axe import serious_violations

pytestmark = pytest.mark.browser

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_long_report_shows_its_progress_then_a_download_link(
    signed_in_page, practitioner, client_record, live_server, settings, tmp_path
) -> None:
    settings.TASKS = DATABASE_QUEUE  # queued for a worker: this test plays the worker
    settings.MEDIA_ROOT = tmp_path
    for days in range(1, services.BACKGROUND_SESSIONS + 2):
        make_session(client_record, days_ago=days, pre_suds=6, post_suds=2)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/reports/progress/")
    page.get_by_role("button", name="Download PDF").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Waiting to start")
    expect(status.locator("progress")).to_be_visible()
    assert serious_violations(page) == []

    make_progress_report.func(ReportJob.objects.get().pk)  # the worker's turn

    link = status.get_by_role("link", name="Download PDF")
    expect(link).to_be_visible(timeout=10_000)  # the status is polled every 2 s
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "progress-report.pdf"
    assert ReportJob.objects.get().status == "done"
