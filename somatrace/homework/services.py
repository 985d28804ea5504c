"""Every change to home practice: assigning an exercise, stopping it, recording that the
client did it. Each function takes the Actor who acts, enforces the rule, writes and audits
in one transaction; the practitioner's pages and the portal both come through here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.errors import RuleError
from somatrace.homework.adherence import MAX_PER_WEEK
from somatrace.homework.exercises import BUILTIN_EXERCISES
from somatrace.homework.models import (
    MAX_MINUTES,
    MAX_SECONDS,
    Completion,
    Exercise,
    ExerciseAssignment,
)


def install_builtin_exercises(**kwargs: Any) -> None:
    """post_migrate: make sure every built-in exercise exists (also after a test flush)."""
    existing = set(Exercise.objects.filter(practice=None).values_list("code", flat=True))
    Exercise.objects.bulk_create(
        Exercise(
            practice=None,
            code=e.code,
            label=e.label,
            minutes=e.minutes,
            instructions=e.instructions,
        )
        for e in BUILTIN_EXERCISES
        if e.code not in existing
    )


@dataclass(frozen=True)
class NewAssignment:
    exercise_id: int
    per_week: int
    minutes: int
    until: date | None = None
    instructions: str = ""


def _require_practitioner_of(actor: Actor, client: Client) -> None:
    actor.require_clinical_staff("Only a practitioner or owner assigns home practice.")
    if not Client.objects.visible_to(actor).filter(pk=client.pk).exists():
        raise PermissionDenied("This client is not one of yours.")


@transaction.atomic
def assign_exercise(actor: Actor, client: Client, new: NewAssignment) -> ExerciseAssignment:
    """Ask the client to do an exercise `per_week` times a week, for `minutes`, until a day."""
    _require_practitioner_of(actor, client)
    exercise = Exercise.available_to(client.practice_id).filter(pk=new.exercise_id).first()
    if exercise is None:
        raise RuleError("Choose an exercise from the practice's list.")
    if not 1 <= new.per_week <= MAX_PER_WEEK:
        raise RuleError(f"How often: between 1 and {MAX_PER_WEEK} times a week.")
    if not 1 <= new.minutes <= MAX_MINUTES:
        raise RuleError(f"How long: between 1 and {MAX_MINUTES} minutes.")
    today = timezone.localdate()
    if new.until is not None and new.until < today:
        raise RuleError("The end date is in the past.")
    instructions = new.instructions.strip()
    if len(instructions) > 2000:
        raise RuleError("The instructions are longer than 2000 characters.")
    assignment = ExerciseAssignment.objects.create(
        client=client,
        exercise_code=exercise.code,
        label=exercise.label,
        exercise_instructions=exercise.instructions,
        per_week=new.per_week,
        minutes=new.minutes,
        until=new.until,
        instructions=instructions,
        starts_on=today,
        assigned_by=actor.user,
    )
    audit.created(
        actor, assignment, ["exercise_code", "per_week", "minutes", "until", "instructions"]
    )
    return assignment


@transaction.atomic
def end_assignment(actor: Actor, assignment: ExerciseAssignment) -> ExerciseAssignment:
    """Stop asking for the exercise; what the client did stays on the record."""
    _require_practitioner_of(actor, assignment.client)
    if assignment.ended_at is None:
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
        audit.updated(actor, assignment, ["ended_at"])
    return assignment


@transaction.atomic
def record_completion(
    actor: Actor,
    assignment: ExerciseAssignment,
    *,
    client_uuid: uuid.UUID,
    duration_seconds: int,
    done_at: datetime | None = None,
) -> Completion:
    """The client did the exercise once, for `duration_seconds`. Only the client themselves
    (in the portal) records this; sending the same uuid again returns the first record."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != assignment.client_id:
        raise PermissionDenied("Only the client records their own home practice.")
    if assignment.client.practice_id != actor.practice_id:
        raise PermissionDenied("This exercise belongs to another practice.")
    existing = Completion.objects.filter(assignment=assignment, client_uuid=client_uuid).first()
    if existing is not None:
        return existing
    if not assignment.is_current(timezone.localdate()):
        raise RuleError("This exercise is no longer on your list.")
    if not 1 <= duration_seconds <= MAX_SECONDS:
        raise RuleError("How long you practised: between one second and four hours.")
    completion = Completion.objects.create(
        assignment=assignment,
        client_id=assignment.client_id,
        client_uuid=client_uuid,
        duration_seconds=duration_seconds,
        done_at=done_at or timezone.now(),
    )
    audit.created(actor, completion, ["duration_seconds"])
    return completion


@transaction.atomic
def add_exercise(
    actor: Actor, *, code: str, label: str, minutes: int, instructions: str
) -> Exercise:
    """A practice's own exercise beside the built-ins (which never change)."""
    actor.require_clinical_staff("Only a practitioner or owner adds to the practice's list.")
    if Exercise.available_to(actor.practice_id).filter(code=code).exists():
        raise RuleError("An exercise with this code is already on the list.")
    exercise = Exercise(
        practice_id=actor.practice_id,
        code=code,
        label=label.strip(),
        minutes=minutes,
        instructions=instructions.strip(),
    )
    try:
        exercise.full_clean()
    except ValidationError as error:
        raise RuleError(" ".join(error.messages)) from None
    exercise.save()
    audit.created(actor, exercise, ["code", "label", "minutes", "instructions"])
    return exercise
