"""Upload views: sync analysis, clear errors, nothing half-imported, ownership, audit."""

from datetime import timedelta

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.physio.models import Recording
from somatrace.physio.testing import rr_file, settling_rr
from somatrace.testing import make_session

from .helpers import DATA, data_bytes


@pytest.fixture
def session(client_record):
    return make_session(client_record, duration_minutes=30)


def _upload(browser, url, content, name="rr.txt", **extra):
    data = {"file": SimpleUploadedFile(name, content), **extra}
    return browser.post(url, data)


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.django_db
def test_it_reads_an_rr_file_for_a_session_and_shows_the_shift(login, practitioner, session):
    browser = login(practitioner)
    start = session.starts_at - timedelta(minutes=5)
    response = _upload(
        browser,
        f"/physio/sessions/{session.pk}/recordings/new/",
        rr_file(settling_rr(300, 1800, 300)),
        started_at=_local(start),
    )
    assert response.status_code == 302
    recording = Recording.objects.get()
    assert recording.status == "done" and recording.format == "plain-rr"
    assert recording.session == session and recording.uploaded_by == practitioner
    windows = recording.results["windows"]
    # settling_rr goes from 72 to 67 bpm over the session
    assert windows["segments"]["baseline"]["mean_hr_bpm"] == pytest.approx(72, abs=1)
    assert windows["shift"]["end"]["hr_bpm"][0] < -2
    assert recording.results["artifacts"]["missed"] >= 3  # the three injected missed beats
    assert AuditEvent.objects.filter(action="create", object_type="physio.recording").exists()
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "Heart rate variability" in page and "lower at the end of the session" in page
    assert "does not show the session caused it" in page
    assert "Corrected beats" in page


@pytest.mark.django_db
def test_a_bad_file_gives_the_line_and_problem_and_keeps_nothing(login, practitioner, session):
    response = _upload(
        login(practitioner),
        f"/physio/sessions/{session.pk}/recordings/new/",
        b"800\n810\n820\nabc\n",
    )
    assert response.status_code == 400
    assert "line 4: &#x27;abc&#x27; is not a number" in response.content.decode()
    assert not Recording.objects.exists()
    assert not AuditEvent.objects.filter(object_type="physio.recording").exists()


@pytest.mark.django_db
def test_an_ecg_csv_without_a_rate_asks_for_it(login, practitioner, session):
    url = f"/physio/sessions/{session.pk}/recordings/new/"
    browser = login(practitioner)
    response = _upload(browser, url, data_bytes("mitbih208_ecg_360hz_5min.csv"), "ecg.csv")
    assert response.status_code == 400 and "sampling rate" in response.content.decode()
    response = _upload(
        browser,
        url,
        data_bytes("mitbih208_ecg_360hz_5min.csv"),
        "ecg.csv",
        sampling_rate_hz="360",
        started_at=_local(session.starts_at),
    )
    assert response.status_code == 302
    recording = Recording.objects.get()
    # 502 R peaks (the detector consensus, test_peaks); the iterative artefact correction
    # then splits pauses after premature beats it reads as missed beats (it does the same to
    # the consensus beats: 508), so the corrected series has a few more.
    assert recording.kind == "ecg" and 495 <= recording.results["n_beats"] <= 520
    # the RR series begins at the first R peak, a fraction of a second into the ECG
    from somatrace.physio import peaks

    ecg = np.loadtxt(DATA / "mitbih208_ecg_360hz_5min.csv", skiprows=1)
    first = peaks.detect_r_peaks(ecg, 360)[0] / 360
    entered = session.starts_at.replace(second=0, microsecond=0)
    assert (recording.started_at - entered).total_seconds() == pytest.approx(first, abs=1e-3)


@pytest.mark.django_db
def test_a_file_with_timestamps_sets_the_start_and_the_format_is_shown(
    login, practitioner, session
):
    start = timezone.localtime(session.starts_at - timedelta(minutes=5)).replace(tzinfo=None)
    rr = settling_rr(300, 600, 0)
    lines = ["Phone timestamp;RR-interval [ms]"]
    t = start
    for v in rr:
        t += timedelta(milliseconds=float(v))
        lines.append(f"{t.isoformat(timespec='milliseconds')};{v:.0f}")
    browser = login(practitioner)
    _upload(browser, f"/physio/sessions/{session.pk}/recordings/new/", "\n".join(lines).encode())
    recording = Recording.objects.get()
    assert recording.format == "polar-rr"
    # the first line stamps the end of the first interval; the series starts rr[0] earlier
    expected = session.starts_at - timedelta(minutes=5)
    assert abs((recording.started_at - expected).total_seconds()) < 0.01
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "Polar Sensor Logger RR" in page


@pytest.mark.django_db
def test_client_upload_can_attach_to_a_session_or_not(login, practitioner, client_record, session):
    browser = login(practitioner)
    url = f"/physio/clients/{client_record.pk}/recordings/new/"
    assert browser.get(url).status_code == 200
    response = _upload(browser, url, data_bytes("nsrdb_rr_5min.txt"))
    recording = Recording.objects.get()
    assert recording.session is None
    assert response.url == f"/physio/recordings/{recording.pk}/"
    page = browser.get(response.url).content.decode()
    assert "Not attached to a session" in page
    _upload(browser, url, data_bytes("nsrdb_rr_5min.txt"), session=str(session.pk))
    assert Recording.objects.filter(session=session).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, session, client_record, who):
    user = request.getfixturevalue(who)
    browser = login(user)
    for url in (
        f"/physio/sessions/{session.pk}/recordings/new/",
        f"/physio/clients/{client_record.pk}/recordings/new/",
    ):
        assert browser.get(url).status_code in (403, 404)
        response = _upload(browser, url, data_bytes("nsrdb_rr_5min.txt"))
        assert response.status_code in (403, 404)
    assert not Recording.objects.exists()
    assert not AuditEvent.objects.filter(object_type="physio.recording").exists()


@pytest.mark.django_db
def test_a_session_of_another_client_cannot_be_chosen(login, practitioner, practice, client_record):
    from somatrace.testing import make_client

    other = make_client(practice, practitioner)
    other_session = make_session(other)
    response = _upload(
        login(practitioner),
        f"/physio/clients/{client_record.pk}/recordings/new/",
        data_bytes("nsrdb_rr_5min.txt"),
        session=str(other_session.pk),
    )
    assert response.status_code == 400
    assert not Recording.objects.exists()


@pytest.mark.django_db
def test_stored_series_is_compact_float32(login, practitioner, session):
    _upload(
        login(practitioner),
        f"/physio/sessions/{session.pk}/recordings/new/",
        data_bytes("nsrdb_rr_5min.txt"),
    )
    recording = Recording.objects.get()
    rr = recording.rr_array()
    assert len(bytes(recording.rr_ms)) == 4 * rr.size
    assert np.isclose(rr.mean(), 888.96, atol=0.5)


@pytest.mark.django_db
def test_without_a_start_the_recording_is_assumed_to_start_with_the_session(
    login, practitioner, session
):
    browser = login(practitioner)
    _upload(
        browser, f"/physio/sessions/{session.pk}/recordings/new/", data_bytes("nsrdb_rr_5min.txt")
    )
    recording = Recording.objects.get()
    assert recording.started_at is None
    assert recording.results["windows"]["t0_s"] == 0
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "assumed to start when the session started" in page
    # no baseline, so no shift is claimed
    assert "no shift can be given" in page
