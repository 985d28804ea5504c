"""POST sessions/<id>/events/: one event as JSON, idempotent by its client uuid."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.therapy.models import TimelineEvent, Word
from somatrace.therapy.testing import started_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(client_record):
    return started_session(client_record)


def post(browser, session, **fields):
    body = {
        "uuid": str(uuid.uuid4()),
        "kind": "cue",
        "code": "heat",
        "at": (timezone.now() - timedelta(seconds=5)).isoformat(),
        **fields,
    }
    return browser.post(
        f"/sessions/{session.pk}/events/", json.dumps(body), content_type="application/json"
    )


def test_it_stores_an_event_to_the_second_and_audits_it(login, practitioner, session) -> None:
    at = timezone.now().replace(microsecond=654321) - timedelta(seconds=30)
    response = post(
        login(practitioner), session, at=at.isoformat(), region="belly", text="warm belly"
    )
    assert response.status_code == 201
    event = TimelineEvent.objects.get()
    assert response.json()["id"] == event.pk and response.json()["created"] is True
    assert event.at == at.replace(microsecond=0)
    assert (event.kind, event.code, event.region, event.text) == (
        "cue",
        "heat",
        "belly",
        "warm belly",
    )
    assert event.created_by == practitioner and event.received_at >= event.at
    audit = AuditEvent.objects.get(action="create", object_type="therapy.timelineevent")
    assert audit.object_id == event.pk and audit.client_id == session.client_id


def test_resending_the_same_uuid_returns_the_stored_event(login, practitioner, session) -> None:
    browser = login(practitioner)
    same = str(uuid.uuid4())
    first = post(browser, session, uuid=same)
    again = post(browser, session, uuid=same, code="cold")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False
    assert TimelineEvent.objects.count() == 1
    assert TimelineEvent.objects.get().code == "heat"  # the first version is kept
    assert AuditEvent.objects.filter(object_type="therapy.timelineevent").count() == 1


def test_a_resend_after_its_word_was_removed_still_returns_the_stored_event(
    login, practitioner, session, practice
) -> None:
    word = Word.objects.create(practice=practice, kind="cue", code="far-away", label="Far away")
    browser = login(practitioner)
    same = str(uuid.uuid4())
    first = post(browser, session, uuid=same, code="far-away")
    word.delete()
    again = post(browser, session, uuid=same, code="far-away")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    fresh = post(browser, session, code="far-away")  # a new event with it is refused
    assert fresh.status_code == 400 and "code" in fresh.json()["fields"]


def test_a_suds_rise_records_a_guard_prompt_once(login, practitioner, session) -> None:
    browser = login(practitioner)
    start = session.started_at
    assert (
        post(browser, session, kind="suds", code="", suds=4, at=start.isoformat()).json()["prompts"]
        == []
    )
    # 4 -> 7 after 2 minutes: at the upper limit (7 of the 3-7 window) and a rise of 3.
    rise = post(
        browser, session, kind="suds", suds=7, at=(start + timedelta(minutes=2)).isoformat()
    )
    rules = sorted(p["rule"] for p in rise.json()["prompts"])
    assert rules == ["at-upper-limit", "fast-rise"]
    assert rise.json()["prompts"][0]["grounding"][0] == ["orienting", "Orienting to the room"]
    # Another event does not repeat the prompts already recorded.
    again = post(
        browser, session, kind="cue", code="tears", at=(start + timedelta(minutes=3)).isoformat()
    )
    assert again.json()["prompts"] == []
    guard = TimelineEvent.objects.filter(kind="guard")
    assert sorted(guard.values_list("code", flat=True)) == ["at-upper-limit", "fast-rise"]
    assert {e.at for e in guard} == {start + timedelta(minutes=2)}
    # The prompts are written by the server, and audited like any other write.
    audited = set(
        AuditEvent.objects.filter(action="create", object_type="therapy.timelineevent").values_list(
            "object_id", flat=True
        )
    )
    assert {e.pk for e in guard} <= audited


def test_grounding_links_to_the_prompt_it_answers(login, practitioner, session) -> None:
    browser = login(practitioner)
    prompt = post(browser, session, kind="cue", code="freezing").json()["prompts"][0]
    response = post(
        browser, session, kind="grounding", code="slow-exhale", responds_to=prompt["uuid"]
    )
    assert response.status_code == 201
    grounding = TimelineEvent.objects.get(kind="grounding")
    assert grounding.responds_to == TimelineEvent.objects.get(kind="guard")


def test_a_practice_word_is_accepted_and_can_mark_dissociation(
    login, practitioner, session, practice
) -> None:
    Word.objects.create(
        practice=practice, kind="cue", code="far-away", label="Far away", dissociation=True
    )
    response = post(login(practitioner), session, code="far-away")
    assert response.status_code == 201
    assert [p["rule"] for p in response.json()["prompts"]] == ["dissociation"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "guard"}, "kind"),
        ({"kind": "suds", "suds": None}, "suds"),
        ({"kind": "suds", "suds": 11}, "suds"),
        ({"kind": "emotion", "code": "joy", "intensity": 6}, "intensity"),
        ({"code": "not-a-word"}, "code"),
        ({"code": "other", "text": ""}, "text"),
        ({"region": "elbow-of-nowhere"}, "region"),
        ({"uuid": "not-a-uuid"}, "uuid"),
        ({"at": "yesterday"}, "at"),
        ({"at": "2026-01-01T10:00:00"}, "at"),  # no time zone
        ({"at": (timezone.now() + timedelta(hours=2)).isoformat()}, "at"),
    ],
)
def test_it_validates_input_with_clear_messages(
    login, practitioner, session, fields, field
) -> None:
    response = post(login(practitioner), session, **fields)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not TimelineEvent.objects.exists()


def test_it_refuses_a_body_that_is_not_json(login, practitioner, session) -> None:
    browser = login(practitioner)
    for body in ("{not json", "[1, 2]", "\xff"):
        response = browser.post(
            f"/sessions/{session.pk}/events/", body, content_type="application/json"
        )
        assert response.status_code == 400 and "JSON" in response.json()["error"]


def test_a_session_not_started_or_signed_takes_no_events(login, practitioner, session) -> None:
    browser = login(practitioner)
    session.started_at = None
    session.save()
    response = post(browser, session)
    assert response.status_code == 409 and "Start the session" in response.json()["error"]
    session.started_at = timezone.now() - timedelta(minutes=5)
    session.signed_at = timezone.now()
    session.save()
    response = post(browser, session)
    assert response.status_code == 409 and "locked" in response.json()["error"]
    assert not TimelineEvent.objects.exists()


def test_it_validates_ownership(
    login, outsider, colleague, assistant, session, client_record
) -> None:
    for user in (outsider, colleague, assistant):
        response = post(login(user), session)
        assert response.status_code in (403, 404)
        assert client_record.name.encode() not in response.content
    assert not TimelineEvent.objects.exists()
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


@pytest.mark.parametrize("existing", [1, 60])
def test_posting_takes_a_bounded_number_of_queries(
    login, practitioner, session, existing, django_assert_max_num_queries
) -> None:
    browser = login(practitioner)
    start = session.started_at
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            session=session,
            client_uuid=uuid.uuid4(),
            kind="suds" if i % 2 else "cue",
            code="" if i % 2 else "heat",
            suds=5 if i % 2 else None,
            at=start + timedelta(seconds=i),
            created_by=practitioner,
        )
        for i in range(existing)
    )
    # Reads: login session, user, membership (3); the session with its visibility check
    # (1); uuid lookup (1). Then one short write transaction: begin (a savepoint in tests),
    # the event, the audit row, the guard's state locked (1), and as this session has none
    # yet, its row made and locked (2), the timeline read once and the state written (2),
    # commit = 14, whether the timeline holds 1 or 60 events. Later events fold into the
    # kept state (test_event_cost.py).
    with django_assert_max_num_queries(14):
        response = post(browser, session, kind="suds", code="", suds=5)
    assert response.status_code == 201
    with django_assert_max_num_queries(10):  # a built-in cue is checked without a query
        assert post(browser, session, kind="cue", code="tears").status_code == 201
