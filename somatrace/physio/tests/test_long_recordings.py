"""Long recordings: the documented maximum length, and pages whose size and queries do not
grow with the recording (charts downsampled, the windows table paged)."""

import re
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from somatrace.physio import formats, report, services
from somatrace.physio.models import Recording
from somatrace.physio.testing import make_recording, rr_file
from somatrace.testing import make_session

from .helpers import synthetic_rr

LIMIT_WORDS = "Somatrace reads recordings of at most 48 hours (576,000 beats)"


def _lines(values: np.ndarray) -> bytes:
    return ("\n".join(f"{v:g}" for v in values) + "\n").encode()


def test_the_documented_maximum_is_48_hours_and_576000_beats():
    # 48 h x 60 min x 200 bpm = 576,000; the line screen is twice that.
    assert formats.MAX_DURATION_S == 48 * 3600
    assert formats.MAX_BEATS == 576_000
    assert formats.MAX_RR_LINES == 1_152_000


def test_a_recording_of_48_hours_is_read_and_a_longer_one_is_refused_naming_the_limit():
    exactly = formats.read_recording(_lines(np.full(172_800, 1000.0)), format="plain-rr")
    assert exactly.duration_s == 48 * 3600
    with pytest.raises(formats.FormatError) as refused:
        formats.read_recording(_lines(np.full(180_000, 1000.0)), format="plain-rr")
    # 180,000 s = 50 hours
    assert str(refused.value) == (
        f"the recording lasts 50 hours; {LIMIT_WORDS}: split it into parts of at most 48 "
        "hours and add each part as its own recording"
    )
    # Two seconds over: said so, not rounded down to the limit.
    just_over = np.concatenate((np.full(172_800, 1000.0), [2000.0]))
    with pytest.raises(formats.FormatError, match=r"lasts 48 hours and 2 seconds; Somatrace"):
        formats.read_recording(_lines(just_over), format="plain-rr")


def test_more_beats_than_the_limit_are_refused_even_within_48_hours():
    # 576,001 beats of 250 ms (240 bpm) last 40 hours: too many beats, not too long.
    with pytest.raises(formats.FormatError, match=r"has 576,001 beats; Somatrace reads"):
        formats.read_recording(_lines(np.full(576_001, 250.0)), format="plain-rr")
    read = formats.read_recording(_lines(np.full(576_000, 250.0)), format="plain-rr")
    assert read.rr_ms is not None and read.rr_ms.size == 576_000


def test_lines_are_counted_with_any_line_ending():
    assert formats.count_lines(b"800\n810\n820") == 3  # the last line has no line feed
    assert formats.count_lines(b"800\r\n810\r\n") == 2
    assert formats.count_lines(b"800\r810\r") == 2  # old Mac
    assert formats.count_lines(b"") == 0


def test_a_file_with_too_many_lines_is_refused_before_its_lines_are_read():
    # The last line is not a number: had any line been parsed, the error would name it.
    data = b"800\n" * formats.MAX_RR_LINES + b"not a number\n"
    with pytest.raises(formats.FormatError) as refused:
        formats.read_recording(data, filename="holter.txt")
    assert refused.value.line is None
    assert str(refused.value).startswith("the file has 1,152,001 lines, too many for one")
    assert LIMIT_WORDS in str(refused.value)


def test_hrv_analyze_gives_the_same_message(tmp_path, capsys):
    path = tmp_path / "week.txt"
    path.write_bytes(b"800\n" * (formats.MAX_RR_LINES + 1))
    assert report.main(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("CommandError: week.txt: the file has 1,152,001 lines")
    assert LIMIT_WORDS in err and err.count("\n") == 1


@pytest.fixture
def session(client_record):
    return make_session(client_record, duration_minutes=60)


@pytest.mark.django_db
def test_a_huge_rr_upload_is_refused_at_once_and_nothing_is_kept(
    login, practitioner, session, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    data = b"800\n" * (formats.MAX_RR_LINES + 1)  # 4.6 MB: analysed in the background
    assert len(data) > services.SYNC_LIMIT_BYTES
    response = login(practitioner).post(
        f"/physio/sessions/{session.pk}/recordings/new/",
        {"file": SimpleUploadedFile("holter.txt", data)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "the file has 1,152,001 lines, too many for one recording" in page
    assert "at most 48 hours (576,000 beats)" in page
    assert not Recording.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.upload"))


@pytest.mark.django_db
def test_the_worker_fails_an_overlong_recording_with_the_limit(client_record, session):
    # Within the line screen, over the beat limit: read, then refused, and nothing kept.
    recording = Recording.objects.create(
        client=client_record, session=session, original_filename="long.txt"
    )
    done = services.finish_upload(recording.pk, _lines(np.full(600_000, 250.0)), "plain-rr", None)
    assert done.status == Recording.Status.FAILED
    assert done.error.startswith("the recording has 600,000 beats; Somatrace reads")
    assert done.rr_array().size == 0


def _day_recording(client, session) -> Recording:
    """A 24-hour recording (100,000 beats at 70 bpm) that starts an hour before the session."""
    recording = Recording(client=client, session=session, original_filename="holter.txt")
    recording.started_at = services.session_clock_start(session) - timedelta(hours=1)
    data = rr_file(synthetic_rr(100_000, hr=70.0))
    services.process_bytes(recording, data, format_name="plain-rr", sampling_rate_hz=None)
    recording.save()
    return recording


def _get(browser, url):
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.django_db
def test_pages_of_a_24_hour_recording_stay_small_with_the_same_queries(
    login, practitioner, client_record, session
):
    other = make_session(client_record, duration_minutes=60, days_ago=2)
    short = make_recording(client_record, other)
    day = _day_recording(client_record, session)
    assert day.results["n_beats"] == 100_000
    browser = login(practitioner)
    _, short_queries = _get(browser, f"/physio/recordings/{short.pk}/")
    day_page, day_queries = _get(browser, f"/physio/recordings/{day.pk}/")
    assert day_queries == short_queries
    assert len(day_page.encode()) < 500_000  # was 776 kB; 57 MB for 13 million beats
    assert re.search(r"Downsampled: [\d,]+ of 100,000 beats drawn", day_page)
    _, short_session_queries = _get(browser, f"/sessions/{other.pk}/")
    day_session, day_session_queries = _get(browser, f"/sessions/{session.pk}/")
    assert day_session_queries == short_session_queries
    assert len(day_session.encode()) < 500_000
    # The session page: summary and charts, no windows table (a link to it instead).
    assert "One-minute windows" not in day_session
    assert f"/physio/recordings/{day.pk}/#physio-windows-{day.pk}" in day_session


@pytest.mark.django_db
def test_the_windows_table_is_paged_by_the_query_string(
    login, practitioner, client_record, session
):
    day = _day_recording(client_record, session)
    n_windows = (len(day.results["windows"]["short"]) + 1) // 2
    pages = -(-n_windows // 50)
    browser = login(practitioner)
    url = f"/physio/recordings/{day.pk}/"
    first, _ = _get(browser, url)
    table = first.split('<section class="physio-windows"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 50  # the header and 50 windows
    assert f"Page 1 of {pages} ({n_windows} windows)" in first
    assert f'href="?windows=2#physio-windows-{day.pk}"' in first
    second, _ = _get(browser, url + "?windows=2")
    assert f"Page 2 of {pages}" in second and 'href="?windows=1#' in second
    for odd in ("abc", "0", "-3", "99999"):  # never an error: the nearest page
        page, _ = _get(browser, f"{url}?windows={odd}")
        assert "Page " in page
