"""An event costs the same at any length of timeline: the pacing guard keeps its state
between events instead of re-reading the timeline, and prompts exactly as re-reading it did."""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.testing import make_session, staff_actor
from somatrace.therapy import guard, services
from somatrace.therapy.models import GuardState, TimelineEvent
from somatrace.therapy.testing import started_session
from somatrace.therapy.tests.guard_reference import whole_timeline

pytestmark = pytest.mark.django_db

# Reads: the login session, the user, the membership (3); the session with its visibility
# check (1). No read of the uuid: the unique (session, uuid) refuses a re-send's insert.
# One write transaction: begin (a savepoint in tests), the event, its audit row, the guard's
# state locked and written back, commit (6).
SUDS_QUERIES = 10
CUE_QUERIES = 9  # a cue that is no sign of dissociation leaves the guard's state as it is


def post(browser, session, **fields):
    body = {
        "uuid": str(uuid.uuid4()),
        "kind": "suds",
        "suds": 4,
        "at": timezone.now().isoformat(),
        **fields,
    }
    return browser.post(
        f"/sessions/{session.pk}/events/", json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def console_session(login, practitioner, client_record):
    """A session started in the console with a pre-check SUDS of 4 (inside the 3-7 window)."""
    session = make_session(client_record, days_ago=0)
    browser = login(practitioner)
    response = browser.post(f"/sessions/{session.pk}/console/start/", {"pre_suds": 4})
    assert response.status_code == 302
    session.refresh_from_db()
    return browser, session


def timeline_reads(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and '"therapy_timelineevent"' in q["sql"].split("WHERE")[0]
    ]


def test_the_1st_and_the_200th_event_take_the_same_queries(
    practitioner, console_session, django_assert_max_num_queries
) -> None:
    browser, session = console_session
    with django_assert_max_num_queries(SUDS_QUERIES) as first:
        assert post(browser, session, suds=5).status_code == 201
    actor = staff_actor(practitioner)
    rng = random.Random(7)
    for _ in range(198):
        kind = rng.choice(["suds", "cue"])
        services.add_event(
            actor,
            session,
            services.NewEvent(
                uuid=uuid.uuid4(),
                kind=kind,
                at=timezone.now().replace(microsecond=0),
                code="heat" if kind == "cue" else "",
                suds=rng.choice([4, 5]) if kind == "suds" else None,
            ),
        )
    assert session.events.count() == 200  # the pre-check, then 199 posted
    with django_assert_max_num_queries(SUDS_QUERIES) as last:
        assert post(browser, session, suds=5).status_code == 201
    assert len(first.captured_queries) == len(last.captured_queries) == SUDS_QUERIES
    with django_assert_max_num_queries(CUE_QUERIES):
        assert post(browser, session, kind="cue", code="tears", suds=None).status_code == 201
    # No read of the timeline at all: nothing grows with the session.
    assert timeline_reads(last.captured_queries) == []


def test_a_session_started_before_the_guard_kept_its_state_is_evaluated_once(
    login, practitioner, client_record, django_assert_max_num_queries
) -> None:
    """Without a kept state (a session started before this release, or made outside the
    console) the first event evaluates the whole timeline; the next ones fold in."""
    session = started_session(client_record)
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            session=session,
            client_uuid=uuid.uuid4(),
            kind="suds",
            suds=4 + i % 2,
            at=session.started_at + timedelta(seconds=i),
            created_by=practitioner,
        )
        for i in range(150)
    )
    browser = login(practitioner)
    # The same, plus making the state's row (2) and reading the timeline once (1).
    with django_assert_max_num_queries(SUDS_QUERIES + 3) as first:
        assert post(browser, session).status_code == 201
    assert len(timeline_reads(first.captured_queries)) == 1
    with django_assert_max_num_queries(SUDS_QUERIES):
        assert post(browser, session).status_code == 201
    state = guard.State.from_json(GuardState.objects.get(session=session).state)
    assert state.last_suds == 4


def stored_prompts(session) -> set[tuple[str, float]]:
    return {
        (code, (at - session.started_at).total_seconds())
        for code, at in session.events.filter(kind="guard").values_list("code", "at")
    }


def reference_prompts(session) -> set[tuple[str, float]]:
    """What the guard, re-reading the whole timeline, calls for now (built-in cues only)."""
    rows = session.events.exclude(kind="guard").order_by("at", "id")
    timeline = [
        guard.Event(
            (e.at - session.started_at).total_seconds(),
            e.kind,
            suds=e.suds,
            is_dissociation=e.kind == "cue" and e.code in ("glazed-eyes", "freezing"),
        )
        for e in rows
    ]
    low, high = session.client.suds_window_low, session.client.suds_window_high
    return {(p.rule, p.t) for p in whole_timeline(timeline, low, high)}


@pytest.mark.parametrize("seed", range(6))
def test_the_kept_state_prompts_as_re_reading_the_timeline_did(
    practitioner, client_record, seed
) -> None:
    """Random sessions, with late events (added afterwards, out of order), corrections and
    deletions: after each write every prompt the whole timeline calls for is stored, and no
    other (the prompts stored are those of the timeline as it stood after each write)."""
    rng = random.Random(seed)
    session = make_session(client_record, days_ago=0)
    actor = staff_actor(practitioner)
    services.start(actor, session, {"pre_suds": rng.randint(2, 6)})
    session.started_at = session.started_at - timedelta(hours=2)
    TimelineEvent.objects.filter(session=session).update(at=session.started_at)
    session.save(update_fields=["started_at"])
    expected = reference_prompts(session)
    t = 0
    for step in range(60):
        late = step > 5 and rng.random() < 0.15
        at = session.started_at + timedelta(
            seconds=rng.randint(0, t) if late else (t := t + rng.choice([0, 30, 100, 290, 301]))
        )
        roll = rng.random()
        if roll < 0.08 and step > 3:
            event = rng.choice(list(session.events.filter(kind__in=("suds", "cue"))))
            change = {"suds": rng.randint(0, 10)} if event.kind == "suds" else {"at": at}
            services.edit_event(actor, event, change)
            # A correction re-runs the guard at once (when it changed anything).
            if any(getattr(event, name) != value for name, value in change.items()):
                expected |= reference_prompts(session)
        elif roll < 0.12 and step > 3:  # the next guarded event sees it
            services.delete_event(actor, rng.choice(list(session.events.exclude(kind="guard"))))
        else:
            kind = rng.choice(["suds", "suds", "cue", "technique"])
            code = {"cue": rng.choice(["heat", "glazed-eyes", "freezing"]), "technique": "arcing"}
            services.add_event(
                actor,
                session,
                services.NewEvent(
                    uuid=uuid.uuid4(),
                    kind=kind,
                    at=at,
                    code=code.get(kind, ""),
                    suds=rng.randint(0, 10) if kind == "suds" else None,
                ),
            )
            # The old guard stored what the timeline called for after each guarded event.
            if kind in ("suds", "cue"):
                expected |= reference_prompts(session)
        assert stored_prompts(session) == expected, step


def test_deleting_a_prompt_has_the_next_event_store_it_again(
    login, practitioner, client_record
) -> None:
    session = make_session(client_record, days_ago=0)
    browser = login(practitioner)
    browser.post(f"/sessions/{session.pk}/console/start/", {"pre_suds": 6})
    # 6 -> 8: at the upper limit (7), and no fast rise (+2).
    assert [p["rule"] for p in post(browser, session, suds=8).json()["prompts"]] == [
        guard.AT_UPPER_LIMIT
    ]
    prompt = session.events.get(kind="guard")
    services.delete_event(staff_actor(practitioner), prompt)
    again = post(browser, session, suds=8).json()["prompts"]
    assert [p["rule"] for p in again] == [guard.AT_UPPER_LIMIT]
    assert session.events.get(kind="guard").client_uuid == prompt.client_uuid


def test_a_changed_window_is_used_from_the_next_event(
    login, practitioner, console_session, client_record
) -> None:
    browser, session = console_session
    assert post(browser, session, suds=6).json()["prompts"] == []
    client_record.suds_window_high = 6
    client_record.save(update_fields=["suds_window_high"])
    session.refresh_from_db()
    # 6 is now at the upper limit: the earlier 6 and this one are one episode, prompted once.
    rules = [p["rule"] for p in post(browser, session, suds=6).json()["prompts"]]
    assert rules == [guard.AT_UPPER_LIMIT]
    assert session.events.filter(kind="guard").count() == 1


def test_a_pre_check_at_the_limit_is_prompted_with_the_first_event(
    login, practitioner, client_record
) -> None:
    session = make_session(client_record, days_ago=0)
    browser = login(practitioner)
    browser.post(f"/sessions/{session.pk}/console/start/", {"pre_suds": 8})
    rules = [p["rule"] for p in post(browser, session, kind="cue", code="heat").json()["prompts"]]
    assert rules == [guard.AT_UPPER_LIMIT]
