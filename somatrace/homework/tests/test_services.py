"""Home practice services: who may assign, stop and record, and what each writes and audits."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.core.errors import RuleError
from somatrace.homework import services
from somatrace.homework.models import Completion, Exercise, ExerciseAssignment
from somatrace.homework.testing import client_actor, make_completion, make_home_practice
from somatrace.testing import make_client, staff_actor

pytestmark = pytest.mark.django_db


def _new(code: str = "feet-on-floor", **fields: Any) -> services.NewAssignment:
    exercise = Exercise.objects.get(practice=None, code=code)
    fields.setdefault("per_week", 4)
    fields.setdefault("minutes", 2)
    return services.NewAssignment(exercise_id=exercise.pk, **fields)


def test_every_builtin_exercise_is_installed_with_its_instructions() -> None:
    builtins = Exercise.objects.filter(practice=None)
    assert {"orienting", "slow-exhale", "feet-on-floor", "five-things"} <= {
        e.code for e in builtins
    }
    assert all(len(e.instructions) > 40 for e in builtins)


def test_the_practitioner_assigns_an_exercise_and_it_is_audited(practitioner, client_record):
    actor = staff_actor(practitioner)
    until = timezone.localdate() + timedelta(days=14)
    assignment = services.assign_exercise(
        actor, client_record, _new(until=until, instructions="  After dinner.  ")
    )
    assert assignment.label == "Feet on the floor"
    assert assignment.exercise_code == "feet-on-floor"
    assert "floor holding you" in assignment.exercise_instructions
    assert (assignment.per_week, assignment.minutes, assignment.until) == (4, 2, until)
    assert assignment.instructions == "After dinner."
    assert assignment.starts_on == timezone.localdate()
    row = AuditEvent.objects.get(object_type="homework.exerciseassignment")
    assert (row.action, row.actor_id, row.client_id) == (
        "create",
        practitioner.pk,
        client_record.pk,
    )


def test_the_copy_stays_as_assigned_when_the_practice_list_changes(practitioner, client_record):
    assignment = services.assign_exercise(staff_actor(practitioner), client_record, _new())
    Exercise.objects.filter(code="feet-on-floor").update(label="Renamed")
    assignment.refresh_from_db()
    assert assignment.label == "Feet on the floor"


@pytest.mark.parametrize("who", ["colleague", "assistant", "outsider"])
def test_only_the_clients_practitioners_assign(request, client_record, who) -> None:
    actor = staff_actor(request.getfixturevalue(who))
    with pytest.raises(PermissionDenied):
        services.assign_exercise(actor, client_record, _new())
    assert not ExerciseAssignment.objects.exists()


def test_a_client_cannot_assign_themselves_an_exercise(client_record) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_exercise(client_actor(client_record), client_record, _new())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"per_week": 0}, "How often"),
        ({"per_week": 22}, "How often"),
        ({"minutes": 61}, "How long"),
        ({"until": timezone.localdate() - timedelta(days=1)}, "in the past"),
        ({"instructions": "x" * 2001}, "2000"),
    ],
)
def test_bad_input_is_refused_with_a_message(practitioner, client_record, fields, message):
    with pytest.raises(RuleError, match=message):
        services.assign_exercise(staff_actor(practitioner), client_record, _new(**fields))


def test_another_practices_own_exercise_cannot_be_assigned(
    practitioner, client_record, other_practice
) -> None:
    theirs = Exercise.objects.create(
        practice=other_practice, code="theirs", label="Theirs", instructions="Do it."
    )
    with pytest.raises(RuleError, match="practice's list"):
        services.assign_exercise(
            staff_actor(practitioner),
            client_record,
            services.NewAssignment(exercise_id=theirs.pk, per_week=1, minutes=1),
        )


def test_the_client_records_a_completion_once_per_uuid(client_record) -> None:
    assignment = make_home_practice(client_record)
    actor = client_actor(client_record)
    key = uuid.uuid4()
    first = services.record_completion(actor, assignment, client_uuid=key, duration_seconds=185)
    again = services.record_completion(actor, assignment, client_uuid=key, duration_seconds=185)
    assert first.pk == again.pk
    assert Completion.objects.get().duration_seconds == 185
    row = AuditEvent.objects.get(object_type="homework.completion")
    assert (row.actor_kind, row.channel, row.client_id) == ("client", "portal", client_record.pk)


def test_nobody_else_records_a_clients_practice(practice, practitioner, client_record) -> None:
    assignment = make_home_practice(client_record)
    someone_else = make_client(practice, practitioner)
    for actor in (staff_actor(practitioner), client_actor(someone_else)):
        with pytest.raises(PermissionDenied):
            services.record_completion(
                actor, assignment, client_uuid=uuid.uuid4(), duration_seconds=60
            )
    assert not Completion.objects.exists()


@pytest.mark.parametrize("seconds", [0, 4 * 3600 + 1])
def test_a_duration_out_of_range_is_refused(client_record, seconds) -> None:
    assignment = make_home_practice(client_record)
    with pytest.raises(RuleError, match="four hours"):
        services.record_completion(
            client_actor(client_record),
            assignment,
            client_uuid=uuid.uuid4(),
            duration_seconds=seconds,
        )


def test_a_stopped_exercise_takes_no_more_completions(practitioner, client_record) -> None:
    assignment = make_home_practice(client_record)
    make_completion(assignment)
    services.end_assignment(staff_actor(practitioner), assignment)
    services.end_assignment(staff_actor(practitioner), assignment)  # once is enough
    assert AuditEvent.objects.filter(action="update").count() == 1
    with pytest.raises(RuleError, match="no longer on your list"):
        services.record_completion(
            client_actor(client_record),
            assignment,
            client_uuid=uuid.uuid4(),
            duration_seconds=60,
        )
    assert Completion.objects.count() == 1  # what was done stays


def test_the_colleague_cannot_stop_an_exercise(colleague, client_record) -> None:
    assignment = make_home_practice(client_record)
    with pytest.raises(PermissionDenied):
        services.end_assignment(staff_actor(colleague), assignment)


def test_each_sees_only_the_home_practice_they_may(
    practice, practitioner, colleague, owner, assistant, outsider, client_record
) -> None:
    mine = make_home_practice(client_record)
    done = make_completion(mine)
    theirs = make_home_practice(make_client(practice, practitioner))
    make_completion(theirs)

    def seen(actor: Any) -> tuple[set[int], set[int]]:
        return (
            set(ExerciseAssignment.objects.visible_to(actor).values_list("pk", flat=True)),
            set(Completion.objects.visible_to(actor).values_list("pk", flat=True)),
        )

    assert seen(client_actor(client_record)) == ({mine.pk}, {done.pk})
    assert seen(staff_actor(practitioner))[0] == {mine.pk, theirs.pk}
    assert seen(staff_actor(owner))[0] == {mine.pk, theirs.pk}
    for nobody in (colleague, assistant, outsider):
        assert seen(staff_actor(nobody)) == (set(), set())
