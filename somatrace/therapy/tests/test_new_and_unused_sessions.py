"""Services: a live session exists only once started (start_new_session), and a session that
was opened and never used can be removed (delete_unused_session)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.testing import make_painting
from somatrace.clients.models import ConsentRecord
from somatrace.core.errors import RuleError
from somatrace.measures.testing import make_administration
from somatrace.scheduling.models import Appointment, AppointmentType
from somatrace.testing import make_member, make_session, staff_actor
from somatrace.therapy import services
from somatrace.therapy.models import GuardState, Note, Session, Technique, TimelineEvent
from somatrace.therapy.testing import make_event, started_session

pytestmark = pytest.mark.django_db


# --- start_new_session ---------------------------------------------------------------------


def test_it_creates_and_starts_exactly_one_session_only_when_called(
    practitioner, client_record
) -> None:
    assert not Session.objects.exists()
    actor = staff_actor(practitioner)
    session = services.start_new_session(
        actor, client_record, {"pre_suds": 4, "client_words": "Tight jaw"}
    )
    assert Session.objects.count() == 1 and Note.objects.filter(session=session).exists()
    session.refresh_from_db()
    assert session.state == "running" and session.practitioner == practitioner
    assert (session.pre_suds, session.client_words, session.duration_minutes) == (
        4,
        "Tight jaw",
        60,
    )
    # The pre-check SUDS opens the timeline, as start() does for a session opened earlier.
    event = TimelineEvent.objects.get(session=session)
    assert (event.kind, event.code, event.suds) == ("suds", "pre", 4)
    created = AuditEvent.objects.get(action="create", object_type="therapy.session")
    assert created.object_id == session.pk and "starts_at" in created.fields
    started = AuditEvent.objects.get(action="update", object_type="therapy.session")
    assert "started_at" in started.fields and "pre_suds" in started.fields


def test_it_books_the_session_for_the_given_time_and_length(practitioner, client_record) -> None:
    at = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    session = services.start_new_session(
        staff_actor(practitioner), client_record, {}, starts_at=at, duration_minutes=45
    )
    session.refresh_from_db()
    assert (session.starts_at, session.duration_minutes) == (at, 45)
    assert session.started_at is not None and not TimelineEvent.objects.exists()


def test_it_refuses_a_client_on_hold_and_creates_nothing(practitioner, client_record) -> None:
    client_record.hold_since = timezone.now()
    client_record.save()
    with pytest.raises(RuleError, match="on hold"):
        services.start_new_session(staff_actor(practitioner), client_record, {"pre_suds": 3})
    assert not Session.objects.exists() and not Note.objects.exists()


def test_it_refuses_a_client_without_consent_and_creates_nothing(
    practitioner, client_record
) -> None:
    ConsentRecord.objects.filter(client=client_record).update(withdrawn_at=timezone.now())
    with pytest.raises(RuleError, match="withdrawn consent"):
        services.start_new_session(staff_actor(practitioner), client_record, {})
    assert not Session.objects.exists()
    assert not AuditEvent.objects.filter(object_type="therapy.session").exists()


def test_it_refuses_ratings_and_lengths_out_of_range(practitioner, client_record) -> None:
    actor = staff_actor(practitioner)
    with pytest.raises(RuleError, match="0 to 10"):
        services.start_new_session(actor, client_record, {"pre_suds": 11})
    with pytest.raises(RuleError, match="1 to 600"):
        services.start_new_session(actor, client_record, {}, duration_minutes=0)
    assert not Session.objects.exists()


def test_it_refuses_assistants_and_another_practices_staff(
    assistant, outsider, client_record
) -> None:
    for user in (assistant, outsider):
        with pytest.raises(PermissionDenied):
            services.start_new_session(staff_actor(user), client_record, {})
    assert not Session.objects.exists()


# --- delete_unused_session -----------------------------------------------------------------


@pytest.fixture
def draft(client_record):
    """A session opened and never used, as "Start a live session" left behind before."""
    session = make_session(client_record, days_ago=0)
    GuardState.objects.create(session=session, state=None)
    return session


def test_it_removes_an_unused_session_with_its_empty_note_and_audits_it(
    practitioner, draft
) -> None:
    session_id = draft.pk
    services.delete_unused_session(staff_actor(practitioner), draft)
    assert not Session.objects.filter(pk=session_id).exists()
    assert not Note.objects.filter(session_id=session_id).exists()
    assert not GuardState.objects.filter(session_id=session_id).exists()
    deleted = AuditEvent.objects.filter(action="delete", actor=practitioner)
    assert {(e.object_type, e.object_id) for e in deleted} == {
        ("therapy.session", session_id),
        ("therapy.note", session_id),  # the note's key is its session's
    }
    assert {e.client_id for e in deleted} == {draft.client_id}


def test_an_owner_may_remove_a_practitioners_unused_session(owner, draft) -> None:
    services.delete_unused_session(staff_actor(owner), draft)
    assert not Session.objects.exists()


def test_an_appointment_that_started_it_keeps_and_loses_only_its_link(
    practitioner, practice, client_record, draft
) -> None:
    kind = AppointmentType.objects.create(practice=practice, name="Session", duration_minutes=60)
    appointment = Appointment.objects.create(
        practice=practice,
        client=client_record,
        practitioner=practitioner,
        appointment_type=kind,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        session=draft,
    )
    services.delete_unused_session(staff_actor(practitioner), draft)
    appointment.refresh_from_db()
    assert appointment.session_id is None and not Session.objects.exists()


def _refusal(practitioner, session) -> str:
    with pytest.raises(RuleError) as refused:
        services.delete_unused_session(staff_actor(practitioner), session)
    assert Session.objects.filter(pk=session.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()
    return str(refused.value)


def test_it_refuses_a_started_session(practitioner, client_record) -> None:
    session = started_session(client_record)
    assert "it was started in the console" in _refusal(practitioner, session)


def test_it_refuses_a_signed_session(practitioner, client_record) -> None:
    session = make_session(client_record, signed_at=timezone.now(), signed_by=practitioner)
    assert "its note is signed" in _refusal(practitioner, session)


def test_it_refuses_a_session_whose_note_has_text(practitioner, client_record) -> None:
    session = make_session(client_record, plan="See again in a fortnight")
    assert "its note has text" in _refusal(practitioner, session)


def test_it_refuses_a_session_with_timeline_events(practitioner, draft) -> None:
    make_event(draft, "cue")
    # make_event starts the session's clock, so both say what holds it.
    message = _refusal(practitioner, draft)
    assert "it has timeline events" in message and "started" in message


def test_it_refuses_a_session_with_an_event_even_when_never_started(practitioner, draft) -> None:
    make_event(draft, "cue")
    Session.objects.filter(pk=draft.pk).update(started_at=None)
    draft.refresh_from_db()
    assert _refusal(practitioner, draft) == (
        "This session cannot be removed: it has timeline events. Only a session that was "
        "never started and holds nothing can be removed."
    )


def test_it_refuses_a_session_recorded_with_ratings_or_techniques(
    practitioner, client_record
) -> None:
    rated = make_session(client_record, pre_suds=5)
    assert "details were recorded in it" in _refusal(practitioner, rated)
    with_technique = make_session(client_record)
    with_technique.techniques.add(Technique.objects.get(code="unwinding"))
    assert "techniques were recorded in it" in _refusal(practitioner, with_technique)


def test_it_refuses_a_session_a_questionnaire_administration_is_linked_to(
    practitioner, client_record, draft
) -> None:
    make_administration(client_record, session=draft)
    assert "a questionnaire administration is linked to it" in _refusal(practitioner, draft)


def test_it_refuses_a_session_a_body_map_painting_is_linked_to(
    practitioner, client_record, draft
) -> None:
    make_painting(client_record, session=draft, moment="pre")
    assert "a body map painting is linked to it" in _refusal(practitioner, draft)


def test_it_refuses_another_practitioner_and_another_practice(
    practice, colleague, outsider, assistant, draft
) -> None:
    sees_all = make_member(practice, name="Grace Granted", sees_all_clients=True)
    for user in (colleague, sees_all, outsider, assistant):
        with pytest.raises(PermissionDenied):
            services.delete_unused_session(staff_actor(user), draft)
    assert Session.objects.filter(pk=draft.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()
