"""Editing and deleting timeline events afterwards, with the change in the audit log."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.therapy.models import TimelineEvent
from somatrace.therapy.testing import make_event, started_session

pytestmark = pytest.mark.django_db


def in_practice_zone(moment):
    """Times on the forms are in the practice's zone (the `practice` fixture: London)."""
    return moment.astimezone(ZoneInfo("Europe/London"))


@pytest.fixture
def event(client_record):
    session = started_session(client_record)
    return make_event(session, "emotion", seconds=90, code="grief", intensity=2, text="old words")


def test_it_edits_an_event_and_audits_the_fields(login, practitioner, event) -> None:
    browser = login(practitioner)
    url = f"/sessions/{event.session_id}/events/{event.pk}/"
    page = browser.get(url).content.decode()
    assert "Edit event: Grief" in page and "old words" in page
    local = in_practice_zone(event.at)
    data = {
        "at_time": local.strftime("%H:%M:%S"),
        "code": "grief",
        "text": "It is grief for my father",
        "region": "chest_heart",
        "intensity": 4,
    }
    response = browser.post(url, data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.text, event.region, event.intensity) == (
        "It is grief for my father",
        "chest_heart",
        4,
    )
    update = AuditEvent.objects.get(action="update", object_type="therapy.timelineevent")
    assert set(update.fields) == {"text", "region", "intensity"}
    assert update.client_id == event.session.client_id
    assert AuditEvent.objects.filter(action="read", object_id=event.pk).exists()


def test_it_validates_input(login, practitioner, event) -> None:
    response = login(practitioner).post(
        f"/sessions/{event.session_id}/events/{event.pk}/",
        {"at_time": "25:99", "intensity": 9, "region": "nowhere"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid time." in page and "Select a valid choice" in page
    event.refresh_from_db()
    assert event.intensity == 2


def test_deleting_is_real_and_the_audit_log_keeps_the_trail(login, practitioner, event) -> None:
    session_id, event_id = event.session_id, event.pk
    response = login(practitioner).post(f"/sessions/{session_id}/events/{event_id}/delete/")
    assert response.status_code == 302
    assert not TimelineEvent.objects.filter(pk=event_id).exists()
    trail = AuditEvent.objects.get(action="delete", object_type="therapy.timelineevent")
    assert trail.object_id == event_id and trail.client_id == event.session.client_id


def test_undo_from_the_console_deletes_with_a_json_answer(login, practitioner, event) -> None:
    response = login(practitioner).post(
        f"/sessions/{event.session_id}/events/{event.pk}/delete/", HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"deleted": event.pk}


def test_events_of_a_signed_session_are_locked(login, practitioner, event) -> None:
    session = event.session
    session.signed_at = timezone.now()
    session.signed_by = practitioner
    session.save()
    browser = login(practitioner)
    url = f"/sessions/{session.pk}/events/{event.pk}/"
    assert browser.post(url, {"at_time": "10:00:00", "text": "changed"}).status_code == 302
    response = browser.post(url + "delete/", HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    event.refresh_from_db()
    assert event.text == "old words"


def test_the_event_must_belong_to_the_session_in_the_url(
    login, practitioner, event, client_record
) -> None:
    other = started_session(client_record)
    response = login(practitioner).get(f"/sessions/{other.pk}/events/{event.pk}/")
    assert response.status_code == 404


def test_it_validates_ownership(
    login, outsider, colleague, assistant, event, client_record
) -> None:
    for user in (outsider, colleague, assistant):
        browser = login(user)
        url = f"/sessions/{event.session_id}/events/{event.pk}/"
        for response in (
            browser.get(url),
            browser.post(url, {"at_time": "10:00:00", "text": "x"}),
            browser.post(url + "delete/"),
        ):
            assert response.status_code in (403, 404)
            assert b"old words" not in response.content
    event.refresh_from_db()
    assert event.text == "old words"
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


def test_correcting_a_suds_value_runs_the_guard(login, practitioner, client_record) -> None:
    session = started_session(client_record)
    make_event(session, "suds", seconds=0, suds=4)
    checkin = make_event(session, "suds", seconds=120, suds=5)
    local = in_practice_zone(checkin.at)
    response = login(practitioner).post(
        f"/sessions/{session.pk}/events/{checkin.pk}/",
        {"at_time": local.strftime("%H:%M:%S"), "suds": 8, "region": "", "text": ""},
    )
    assert response.status_code == 302
    # 4 -> 8 within two minutes: at the upper limit of 3-7 and a rise of 4.
    assert sorted(session.events.filter(kind="guard").values_list("code", flat=True)) == [
        "at-upper-limit",
        "fast-rise",
    ]


def test_a_mis_tapped_word_is_corrected(login, practitioner, client_record) -> None:
    session = started_session(client_record)
    event = make_event(session, "cue", seconds=30, code="heat")
    local = in_practice_zone(event.at)
    browser = login(practitioner)
    url = f"/sessions/{session.pk}/events/{event.pk}/"
    data = {"at_time": local.strftime("%H:%M:%S"), "code": "cold", "region": "", "text": ""}
    assert browser.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.code == "cold"
    response = browser.post(url, {**data, "code": "not-a-word"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = browser.post(url, {**data, "code": "other"})
    assert "Type the word for" in response.content.decode()


def test_a_forgotten_event_is_added_afterwards(login, practitioner, client_record) -> None:
    session = started_session(client_record)
    make_event(session, "suds", seconds=0, suds=4)
    browser = login(practitioner)
    url = f"/sessions/{session.pk}/events/new/"
    assert "Add an event to the timeline" in browser.get(url).content.decode()
    at = in_practice_zone(session.started_at + timedelta(minutes=3))
    response = browser.post(
        url,
        {"kind": "emotion", "code": "emotion:grief", "intensity": 4, "region": "chest_heart",
         "at_time": at.strftime("%H:%M:%S"), "text": ""},
    )  # fmt: skip
    assert response.status_code == 302
    added = TimelineEvent.objects.get(kind="emotion")
    assert (added.code, added.intensity, added.region) == ("grief", 4, "chest_heart")
    assert added.at == session.started_at + timedelta(minutes=3)
    assert AuditEvent.objects.filter(action="create", object_id=added.pk).exists()
    # A SUDS of 8 two minutes after the 4 calls for prompts, as if it had been tapped.
    at = in_practice_zone(session.started_at + timedelta(minutes=2))
    browser.post(url, {"kind": "suds", "suds": 8, "at_time": at.strftime("%H:%M:%S")})
    assert set(session.events.filter(kind="guard").values_list("code", flat=True)) == {
        "at-upper-limit",
        "fast-rise",
    }


def test_adding_validates_input(login, practitioner, client_record) -> None:
    session = started_session(client_record)
    browser = login(practitioner)
    url = f"/sessions/{session.pk}/events/new/"
    for data, message in (
        ({"kind": "cue", "code": "emotion:grief"}, "same kind as the event"),
        ({"kind": "suds"}, "needs a value from 0 to 10"),
        ({"kind": "note", "code": "cue:heat"}, "have no word"),
        ({"kind": "cue", "code": "cue:other"}, "Type the word for"),
        ({"kind": "cue", "code": "cue:heat", "at_time": "99:00"}, "Enter a valid time."),
    ):
        response = browser.post(url, {"at_time": "10:00:00", **data})
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not TimelineEvent.objects.exists()


def test_adding_validates_ownership(login, outsider, colleague, assistant, client_record) -> None:
    session = started_session(client_record)
    for user in (outsider, colleague, assistant):
        browser = login(user)
        url = f"/sessions/{session.pk}/events/new/"
        assert browser.get(url).status_code in (403, 404)
        response = browser.post(url, {"kind": "cue", "code": "cue:heat", "at_time": "10:00:00"})
        assert response.status_code in (403, 404)
    assert not TimelineEvent.objects.exists()
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()
