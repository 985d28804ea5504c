"""Long progress reports made in the background: queued, prepared by the task with its
progress shown, downloaded by clinical staff who see the client, audited, and expired."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from somatrace.audit.models import AuditEvent
from somatrace.reports import services
from somatrace.reports.models import ReportJob
from somatrace.reports.tasks import make_progress_report
from somatrace.reports.testing import make_job
from somatrace.testing import make_session

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def many_sessions(client_record: Any) -> list[Any]:
    """One more session than is made while you wait: 21 in the last 30 days."""
    return [
        make_session(client_record, days_ago=days, pre_suds=7, post_suds=3)
        for days in range(1, services.BACKGROUND_SESSIONS + 2)
    ]


def _ask(browser: Any, client_id: int) -> Any:
    today = timezone.localdate()
    return browser.post(
        reverse("reports_progress", args=[client_id]),
        {
            "start": (today - timedelta(days=60)).isoformat(),
            "end": today.isoformat(),
            "sections": ["sessions", "measures"],
            "pdf": "1",
        },
    )


@pytest.mark.django_db
def test_a_report_of_many_sessions_is_queued_not_made_while_you_wait(
    login, practitioner, client_record, many_sessions, media, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _ask(login(practitioner), client_record.pk)
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports_job", args=[job.pk])
    assert len(callbacks) == 1  # the task, enqueued once the job is committed
    assert job.status == "queued" and job.requested_by == practitioner
    assert job.options["sections"] == ["sessions", "measures"]
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_a_small_report_is_still_made_while_you_wait(
    login, practitioner, client_record, media
) -> None:
    make_session(client_record, days_ago=3)
    response = _ask(login(practitioner), client_record.pk)
    assert response["Content-Type"] == "application/pdf"
    assert not ReportJob.objects.exists()


@pytest.mark.django_db
def test_the_task_makes_the_pdf_and_the_download_is_the_members_export(
    login,
    practitioner,
    client_record,
    many_sessions,
    media,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.TASKS = IMMEDIATE  # the enqueued task really runs, after the job commits
    browser = login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(browser, client_record.pk)
    job = ReportJob.objects.get()
    assert job.status == "done" and job.progress == 100 and job.finished_at is not None
    stored = job.pdf.name
    assert re.fullmatch(r"reports/[0-9a-f]{32}\.pdf", stored)  # random: nothing of the client

    status = browser.get(reverse("reports_job_status", args=[job.pk]))
    assert "The report is ready" in status.content.decode()
    assert "hx-get" not in status.content.decode()  # finished: no more polling

    response = browser.get(reverse("reports_job_pdf", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert client_record.name not in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Quinn Example" in text and "Progress report" in text
    assert "7 → 3" in text

    export = AuditEvent.objects.get(action="export")
    assert export.actor == practitioner and export.client_id == client_record.pk
    assert export.fields == ["measures", "sessions"]
    assert sorted(export.shown["therapy.session"]) == sorted(s.pk for s in many_sessions)
    # The worker's reading is audited too, as the system, not as a person.
    system_read = AuditEvent.objects.get(action="read", actor=None, client_id=client_record.pk)
    assert len(system_read.shown["therapy.session"]) == 21


@pytest.mark.django_db
def test_the_status_shows_the_step_and_progress_while_the_report_is_prepared(
    login, practitioner, client_record, media
) -> None:
    job = make_job(client_record, practitioner, status="running", progress=55)
    job.step = "Drawing body maps"
    job.save()
    browser = login(practitioner)
    page = browser.get(reverse("reports_job", args=[job.pk])).content.decode()
    assert "Drawing body maps" in page
    status = browser.get(reverse("reports_job_status", args=[job.pk])).content.decode()
    assert 'value="55"' in status and "55 %" in status
    assert f'hx-get="/reports/{job.pk}/status/"' in status
    # Before it is ready, the download leads back to the progress page.
    pdf = browser.get(reverse("reports_job_pdf", args=[job.pk]))
    assert pdf.status_code == 302 and pdf.url == reverse("reports_job", args=[job.pk])


@pytest.mark.django_db
def test_the_steps_are_recorded_in_order(client_record, many_sessions, media, monkeypatch):
    job = make_job(client_record)
    job.options["sections"] = ["sessions", "measures", "bodymaps", "heart"]  # as the form
    job.save()
    seen: list[tuple[str, int]] = []
    original = services._set

    def spy(job: ReportJob, step: str, progress: int, **fields: Any) -> None:
        seen.append((step, progress))
        original(job, step, progress, **fields)

    monkeypatch.setattr(services, "_set", spy)  # records each step, then saves it as usual
    make_progress_report.func(job.pk)
    assert [step for step, _ in seen] == [
        "Gathering sessions",
        "Gathering sessions",
        "Drawing charts",
        "Drawing body maps",
        "Drawing charts",
        "Making the PDF",
        "Ready",
    ]
    assert [p for _, p in seen] == [5, 10, 25, 40, 55, 75, 100]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague", "assistant"])
def test_the_wrong_user_gets_nothing_of_a_prepared_report(
    request, login, practitioner, client_record, many_sessions, media, who
) -> None:
    job = make_job(client_record, practitioner)
    make_progress_report.func(job.pk)
    browser = login(request.getfixturevalue(who))
    for name in ("reports_job", "reports_job_status", "reports_job_pdf"):
        response = browser.get(reverse(name, args=[job.pk]))
        assert response.status_code in (403, 404), (name, response.status_code)
        assert client_record.name.encode() not in response.content
        assert b"%PDF" not in response.content
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_a_report_older_than_a_day_is_gone_and_deleted_on_the_next_request(
    login, practitioner, client_record, many_sessions, media
) -> None:
    job = make_job(client_record, practitioner)
    make_progress_report.func(job.pk)
    job.refresh_from_db()
    path = media / job.pdf.name
    assert path.exists()
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    browser = login(practitioner)
    assert browser.get(reverse("reports_job_pdf", args=[job.pk])).status_code == 404
    _ask(browser, client_record.pk)  # the next report asked for clears expired ones
    assert not ReportJob.objects.filter(pk=job.pk).exists()
    assert not path.exists()


@pytest.mark.django_db
def test_a_failed_report_says_so_without_client_data(
    login, practitioner, client_record, media
) -> None:
    job = make_job(client_record, practitioner)
    job.options["sections"] = ["no-such-section"]
    job.save()
    make_progress_report.func(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error == services.FAILURE
    status = login(practitioner).get(reverse("reports_job_status", args=[job.pk]))
    assert services.FAILURE in status.content.decode()
