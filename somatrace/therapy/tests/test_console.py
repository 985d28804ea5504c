"""The console page and the session's lifecycle: the pre-check, start, pause, resume, end."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import ConsentRecord
from somatrace.testing import make_client, make_session
from somatrace.therapy.models import Session, TimelineEvent
from somatrace.therapy.testing import make_event, started_session
from somatrace.therapy.views.console import RECENT_SHOWN, STATE_LABELS

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(client_record):
    return make_session(client_record, days_ago=0)


def test_the_console_of_a_scheduled_session_offers_the_pre_check(
    login, practitioner, scheduled
) -> None:
    page = login(practitioner).get(f"/sessions/{scheduled.pk}/console/").content.decode()
    assert "Before you start: pre-check" in page and "Where do you feel it?" in page
    assert "Start the session" in page
    assert AuditEvent.objects.filter(
        action="read", object_type="therapy.session", object_id=scheduled.pk
    ).exists()


def test_starting_keeps_the_pre_check_and_opens_the_timeline(
    login, practitioner, scheduled
) -> None:
    data = {
        "pre_suds": 6,
        "pre_calm": 3,
        "pre_tension": 8,
        "client_words": "Tight band across my chest",
        "felt_region": "chest_heart",
    }
    response = login(practitioner).post(f"/sessions/{scheduled.pk}/console/start/", data)
    assert response.status_code == 302 and response.url == f"/sessions/{scheduled.pk}/console/"
    scheduled.refresh_from_db()
    assert scheduled.state == "running" and scheduled.started_at is not None
    assert (scheduled.pre_suds, scheduled.pre_calm, scheduled.pre_tension) == (6, 3, 8)
    assert scheduled.felt_region == "chest_heart"
    event = TimelineEvent.objects.get()
    assert (event.kind, event.suds, event.at) == ("suds", 6, scheduled.started_at)
    update = AuditEvent.objects.get(action="update", object_id=scheduled.pk)
    assert "started_at" in update.fields and "pre_suds" in update.fields


def test_starting_without_consent_is_refused_with_a_clear_message(
    login, practitioner, scheduled, client_record
) -> None:
    ConsentRecord.objects.filter(client=client_record).update(withdrawn_at=timezone.now())
    browser = login(practitioner)
    page = browser.get(f"/sessions/{scheduled.pk}/console/").content.decode()
    assert "cannot be started without current consent" in page
    assert "Start the session" not in page
    response = browser.post(f"/sessions/{scheduled.pk}/console/start/", {"pre_suds": 5})
    assert response.status_code == 409
    assert "The client has withdrawn consent." in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.started_at is None and not TimelineEvent.objects.exists()


def test_starting_with_a_hold_is_refused_with_a_clear_message(
    login, practitioner, scheduled, client_record
) -> None:
    client_record.hold_since = timezone.now()
    client_record.save()
    response = login(practitioner).post(f"/sessions/{scheduled.pk}/console/start/", {})
    assert response.status_code == 409
    assert "on hold for a contraindication" in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.started_at is None


def test_the_pre_check_for_a_new_session_creates_nothing(
    login, practitioner, client_record
) -> None:
    page = login(practitioner).get(f"/clients/{client_record.pk}/sessions/start/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Before you start: pre-check" in text and "Start the session" in text
    assert f'action="/clients/{client_record.pk}/sessions/start/"' in text
    assert f'href="/clients/{client_record.pk}/"' in text  # back, without starting
    assert not Session.objects.exists()
    assert AuditEvent.objects.filter(
        action="read", object_type="clients.client", object_id=client_record.pk
    ).exists()


def test_starting_a_new_session_creates_it_running_and_goes_to_its_console(
    login, practitioner, client_record
) -> None:
    data = {"pre_suds": 5, "pre_calm": 4, "client_words": "Heavy shoulders"}
    response = login(practitioner).post(f"/clients/{client_record.pk}/sessions/start/", data)
    session = Session.objects.get()
    assert response.status_code == 302 and response.url == f"/sessions/{session.pk}/console/"
    assert session.practitioner == practitioner and session.state == "running"
    assert (session.pre_suds, session.pre_calm, session.client_words) == (5, 4, "Heavy shoulders")


def test_a_new_session_is_started_only_with_consent(login, practitioner, practice) -> None:
    without = make_client(practice, practitioner)
    browser = login(practitioner)
    page = browser.get(f"/clients/{without.pk}/sessions/start/").content.decode()
    assert "without current consent" in page and "Start the session" not in page
    response = browser.post(f"/clients/{without.pk}/sessions/start/", {"pre_suds": 2})
    assert response.status_code == 409
    assert "without current consent" in response.content.decode()
    assert not Session.objects.exists()


def test_a_bad_pre_check_for_a_new_session_comes_back_with_errors(
    login, practitioner, client_record
) -> None:
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/sessions/start/",
        {"pre_suds": 14, "felt_region": "moon", "client_words": "Still here"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ratings are whole numbers from 0 to 10." in page and "Select a valid choice" in page
    assert "Still here" in page  # what was typed comes back
    assert not Session.objects.exists()


def test_the_pre_check_is_validated(login, practitioner, scheduled) -> None:
    response = login(practitioner).post(
        f"/sessions/{scheduled.pk}/console/start/", {"pre_suds": 14, "felt_region": "moon"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ratings are whole numbers from 0 to 10." in page and "Select a valid choice" in page
    scheduled.refresh_from_db()
    assert scheduled.started_at is None


def test_pause_and_resume_stop_the_clock(login, practitioner, client_record) -> None:
    session = started_session(client_record)
    browser = login(practitioner)
    json_headers = {"HTTP_ACCEPT": "application/json"}
    paused = browser.post(f"/sessions/{session.pk}/console/pause/", **json_headers)
    assert paused.json()["state"] == "paused"
    # Ten minutes since the start, about 600 s on the clock.
    assert 598 <= paused.json()["elapsed"] <= 602
    session.refresh_from_db()
    # As if the session had started 14 minutes ago and the pause had lasted four minutes.
    session.started_at -= timedelta(minutes=4)
    session.paused_at -= timedelta(minutes=4)
    session.save()
    resumed = browser.post(f"/sessions/{session.pk}/console/resume/", **json_headers)
    assert resumed.json()["state"] == "running"
    # 14 min of wall time less a 4 min pause: about 600 s still.
    assert 598 <= resumed.json()["elapsed"] <= 602
    session.refresh_from_db()
    assert 239 <= session.paused_seconds <= 241
    again = browser.post(f"/sessions/{session.pk}/console/resume/", **json_headers)
    assert again.status_code == 409 and "paused" in again.json()["error"]


def test_ending_drafts_the_note_and_keeps_the_ratings(login, practitioner, client_record) -> None:
    session = started_session(client_record, pre_suds=6, client_words="Heavy chest")
    make_event(session, "suds", seconds=0, suds=6)
    make_event(session, "cue", seconds=120, code="trembling", region="leg_left")
    make_event(session, "technique", seconds=180, code="unwinding")
    make_event(session, "emotion", seconds=300, code="grief", intensity=4)
    make_event(session, "suds", seconds=400, suds=4)
    response = login(practitioner).post(
        f"/sessions/{session.pk}/console/end/",
        {"post_suds": 3, "post_calm": 7, "post_tension": 4},
    )
    assert response.status_code == 302
    assert response.url == f"/sessions/{session.pk}/aftercare/"
    session.refresh_from_db()
    assert session.state == "ended" and session.post_suds == 3
    assert session.duration_minutes == 10
    assert (
        "Heavy chest" in session.note.subjective and "SUDS 6 → 3 (-3)." in session.note.subjective
    )
    assert "2 min: Trembling / shaking — Left leg." in session.note.objective
    assert "Grief (intensity 4/5)" in session.note.subjective
    assert [t.code for t in session.techniques.all()] == ["unwinding"]
    closing = TimelineEvent.objects.get(code="post")
    assert closing.suds == 3


def test_ending_keeps_what_the_practitioner_already_wrote(
    login, practitioner, client_record
) -> None:
    session = started_session(client_record, subjective="My own words")
    login(practitioner).post(f"/sessions/{session.pk}/console/end/", {"post_suds": 2})
    session.refresh_from_db()
    assert session.note.subjective == "My own words"
    assert "SUDS check-in 2." in session.note.objective


def test_ending_above_the_window_needs_a_closing_check_or_a_reason(
    login, practitioner, client_record
) -> None:
    session = started_session(client_record)
    make_event(session, "suds", seconds=300, suds=8)  # above the 3-7 window
    browser = login(practitioner)
    response = browser.post(f"/sessions/{session.pk}/console/end/", {})
    assert response.status_code == 400
    assert "The last SUDS (8) is above the client&#x27;s window" in response.content.decode()
    # A closing check still above the window needs a reason too.
    response = browser.post(f"/sessions/{session.pk}/console/end/", {"post_suds": 8})
    assert response.status_code == 400 and "still above" in response.content.decode()
    session.refresh_from_db()
    assert session.ended_at is None
    # A check back inside the window is enough.
    assert browser.post(f"/sessions/{session.pk}/console/end/", {"post_suds": 6}).status_code == 302


def test_a_documented_reason_lets_the_session_end_above_the_window(
    login, practitioner, client_record
) -> None:
    session = started_session(client_record)
    make_event(session, "suds", seconds=300, suds=9)
    response = login(practitioner).post(
        f"/sessions/{session.pk}/console/end/",
        {"end_reason": "Client chose to stop; grounded and walked out steady."},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.end_reason.startswith("Client chose to stop")
    assert "Ended above the window: Client chose to stop" in session.note.assessment


def test_a_signed_session_cannot_be_restarted_or_ended(login, practitioner, client_record) -> None:
    session = started_session(client_record, signed_at=timezone.now(), signed_by=practitioner)
    browser = login(practitioner)
    for action in ("pause", "end"):
        browser.post(f"/sessions/{session.pk}/console/{action}/", {"post_suds": 2})
    session.refresh_from_db()
    assert session.paused_at is None and session.ended_at is None


def test_it_validates_ownership(login, outsider, colleague, assistant, client_record) -> None:
    session = started_session(client_record)
    for user in (outsider, colleague, assistant):
        browser = login(user)
        assert browser.get(f"/sessions/{session.pk}/console/").status_code in (403, 404)
        for action in ("start", "pause", "resume", "end"):
            response = browser.post(f"/sessions/{session.pk}/console/{action}/", {"post_suds": 1})
            assert response.status_code in (403, 404)
            assert client_record.name.encode() not in response.content
        for method in (browser.get, browser.post):
            response = method(f"/clients/{client_record.pk}/sessions/start/", {"pre_suds": 1})
            assert response.status_code in (403, 404)
            assert client_record.name.encode() not in response.content
    session.refresh_from_db()
    assert session.state == "running" and Session.objects.count() == 1
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


@pytest.mark.parametrize("events", [2, 80])
def test_the_console_page_takes_a_bounded_number_of_queries(
    login, practitioner, client_record, events, django_assert_max_num_queries
) -> None:
    session = started_session(client_record)
    for i in range(events):
        make_event(session, "cue", seconds=i)
    browser = login(practitioner)
    # Login session, user, membership, the session, the audit row, the practice's words,
    # techniques, the client's touch-consent map, the last 12 events, the live strap
    # recording = 10, however long the timeline.
    with django_assert_max_num_queries(10):
        assert browser.get(f"/sessions/{session.pk}/console/").status_code == 200


def test_the_console_of_a_signed_session_says_it_is_locked(
    login, practitioner, client_record
) -> None:
    session = make_session(client_record, signed_at=timezone.now(), signed_by=practitioner)
    page = login(practitioner).get(f"/sessions/{session.pk}/console/").content.decode()
    assert "Its timeline is locked." in page and "Start the session" not in page
    response = login(practitioner).post(f"/sessions/{session.pk}/console/start/", {})
    session.refresh_from_db()
    assert response.status_code == 302 and session.started_at is None


def test_the_console_script_is_given_the_state_labels_and_the_recent_count(
    login, practitioner, client_record
) -> None:
    session = started_session(client_record)
    page = login(practitioner).get(f"/sessions/{session.pk}/console/").content.decode()
    match = re.search(r'<script id="console-config" type="application/json">(.*?)</script>', page)
    assert match
    config = json.loads(match.group(1))
    assert config["stateLabels"] == STATE_LABELS and config["recentShown"] == RECENT_SHOWN
    assert '<span class="badge" id="console-state">Running</span>' in page
