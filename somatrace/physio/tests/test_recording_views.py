"""Recording page, status polling, offset nudge, delete, background processing, panels."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from somatrace.audit.models import AuditEvent
from somatrace.physio import services
from somatrace.physio.models import Recording
from somatrace.physio.testing import make_recording, rr_file, settling_rr
from somatrace.testing import make_client, make_session

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def session(client_record):
    return make_session(client_record, duration_minutes=30)


@pytest.fixture
def recording(client_record, session):
    return make_recording(client_record, session)


@pytest.mark.django_db
def test_recording_page_shows_charts_and_audits_the_read(login, practitioner, recording):
    page = login(practitioner).get(f"/physio/recordings/{recording.pk}/").content.decode()
    assert "vega-chart" in page and "Corrected beats" in page
    assert AuditEvent.objects.filter(
        action="read", object_type="physio.recording", object_id=recording.pk
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, recording, session, who):
    browser = login(request.getfixturevalue(who))
    pk = recording.pk
    assert browser.get(f"/physio/recordings/{pk}/").status_code in (403, 404)
    assert browser.get(f"/physio/recordings/{pk}/status/").status_code in (403, 404)
    assert browser.post(f"/physio/recordings/{pk}/offset/", {"offset_seconds": 5}).status_code in (
        403,
        404,
    )
    assert browser.post(f"/physio/recordings/{pk}/delete/").status_code in (403, 404)
    assert browser.post(f"/physio/recordings/{pk}/method/", {"method": "kubios"}).status_code in (
        403,
        404,
    )
    assert browser.get(f"/physio/sessions/{session.pk}/live/").status_code in (403, 404)
    assert Recording.objects.filter(pk=pk, offset_seconds=0).exists()
    assert Recording.objects.get(pk=pk).method == "welch-300"
    assert not AuditEvent.objects.filter(object_type="physio.recording").exists()


@pytest.mark.django_db
def test_offset_nudge_moves_the_recording_on_the_session_clock(login, practitioner, recording):
    before = recording.results["windows"]["t0_s"]
    browser = login(practitioner)
    response = browser.post(
        f"/physio/recordings/{recording.pk}/offset/", {"offset_seconds": "-12.5"}
    )
    assert response.status_code == 302
    recording.refresh_from_db()
    assert recording.offset_seconds == -12.5
    assert recording.results["windows"]["t0_s"] == pytest.approx(before - 12.5)
    assert AuditEvent.objects.filter(action="update", fields=["offset_seconds"]).exists()


@pytest.mark.django_db
def test_offset_nudge_validates_input(login, practitioner, recording):
    browser = login(practitioner)
    response = browser.post(
        f"/physio/recordings/{recording.pk}/offset/", {"offset_seconds": "soon"}, follow=True
    )
    assert response.status_code == 200 and "Enter a shift in seconds" in response.content.decode()
    recording.refresh_from_db()
    assert recording.offset_seconds == 0


@pytest.mark.django_db
def test_delete_removes_the_recording_and_audits_it(login, practitioner, recording):
    pk = recording.pk
    assert login(practitioner).post(f"/physio/recordings/{pk}/delete/").status_code == 302
    assert not Recording.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=pk).exists()


@pytest.mark.django_db
def test_a_large_file_is_processed_in_the_background_with_progress(
    login,
    practitioner,
    session,
    settings,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.DATA_DIR = tmp_path
    settings.TASKS = IMMEDIATE  # the enqueued task really runs, after the upload commits
    monkeypatch.setattr(services, "SYNC_LIMIT_BYTES", 1000)
    browser = login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/physio/sessions/{session.pk}/recordings/new/",
            {"file": SimpleUploadedFile("big.txt", rr_file(settling_rr(300, 1800, 300)))},
        )
    recording = Recording.objects.get()
    assert response.url == f"/physio/recordings/{recording.pk}/"
    assert recording.status == "done" and recording.progress == 100
    assert recording.upload_path == ""
    assert not list((Path(settings.MEDIA_ROOT) / "uploads").iterdir())  # read, then deleted
    status = browser.get(f"/physio/recordings/{recording.pk}/status/")
    assert status["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_the_background_task_reports_a_bad_file_and_keeps_no_data(client_record, session, tmp_path):
    from somatrace.physio.tasks import process_upload

    path = tmp_path / "bad.upload"
    path.write_bytes(b"800\n810\n820\nabc\n")
    recording = Recording.objects.create(
        client=client_record, session=session, upload_path=str(path)
    )
    process_upload.func(recording.pk, None, None)
    recording.refresh_from_db()
    assert recording.status == "failed"
    assert recording.error == "line 4: 'abc' is not a number"
    assert bytes(recording.rr_ms) == b"" and not path.exists()


@pytest.mark.django_db
def test_status_polls_while_processing(login, practitioner, client_record, session):
    recording = Recording.objects.create(
        client=client_record, session=session, status="processing", progress=40
    )
    response = login(practitioner).get(f"/physio/recordings/{recording.pk}/status/")
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body and "40 %" in body
    assert "HX-Refresh" not in response


@pytest.mark.django_db
def test_session_panel_queries_are_bounded(
    login, practitioner, client_record, session, django_assert_max_num_queries
):
    browser = login(practitioner)
    make_recording(client_record, session)
    with django_assert_max_num_queries(40) as small:
        browser.get(f"/sessions/{session.pk}/")
    for _ in range(4):
        make_recording(client_record, session)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert page.count('class="physio-recording"') == 5
    import re

    ids = re.findall(r'\sid="([^"]+)"', page)
    dupes = [i for i, n in __import__("collections").Counter(ids).items() if n > 1]
    assert dupes == [], dupes


@pytest.mark.django_db
def test_client_panel_shows_the_shift_across_sessions_in_bounded_queries(
    login, practitioner, client_record, django_assert_max_num_queries
):
    browser = login(practitioner)
    first = make_session(client_record, days_ago=9, duration_minutes=20)
    make_recording(client_record, first)
    with django_assert_max_num_queries(60) as small:
        browser.get(f"/clients/{client_record.pk}/")
    for days in (7, 5, 3):
        make_recording(
            client_record, make_session(client_record, days_ago=days, duration_minutes=20)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = browser.get(f"/clients/{client_record.pk}/").content.decode()
    assert "Heart rate variability across sessions" in page
    assert page.count("RMSSD (ms)") >= 4  # one table row per session in the data table
    # The page's one audit row names the recordings its panel showed.
    read = AuditEvent.objects.filter(object_type="clients.client", action="read").first()
    assert len(read.shown["physio.recording"]) == 4


@pytest.mark.django_db
def test_client_panel_is_hidden_from_an_assistant(login, assistant, client_record):
    page = login(assistant).get(f"/clients/{client_record.pk}/").content.decode()
    assert "Heart rate variability" not in page


@pytest.mark.django_db
def test_recordings_of_other_clients_are_not_in_the_panel(
    login, practitioner, practice, client_record, session
):
    other = make_client(practice, practitioner)
    make_recording(other, make_session(other))
    page = login(practitioner).get(f"/sessions/{session.pk}/").content.decode()
    assert 'class="physio-recording"' not in page


@pytest.mark.django_db
def test_a_large_file_that_is_not_a_recording_is_refused_at_once(
    login, practitioner, session, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(services, "SYNC_LIMIT_BYTES", 1000)
    response = login(practitioner).post(
        f"/physio/sessions/{session.pk}/recordings/new/",
        {"file": SimpleUploadedFile("notes.txt", b"Dear diary, today I felt calm\n" * 100)},
    )
    assert response.status_code == 400
    assert "format is not recognised" in response.content.decode()
    assert not Recording.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.upload"))
