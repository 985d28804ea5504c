"""Test builders for home practice, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from somatrace.core.actor import Actor, ActorKind, Channel
from somatrace.homework.models import Completion, Exercise, ExerciseAssignment

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()


def make_home_practice(
    client: Any, code: str = "slow-exhale", *, days_ago: int = 0, **fields: Any
) -> ExerciseAssignment:
    """An exercise assigned `days_ago` days ago by the client's practitioner."""
    exercise = Exercise.objects.get(practice=None, code=code)
    fields.setdefault("assigned_by", client.assigned_practitioner)
    fields.setdefault("per_week", 3)
    fields.setdefault("minutes", exercise.minutes)
    return ExerciseAssignment.objects.create(
        client=client,
        exercise_code=exercise.code,
        label=exercise.label,
        exercise_instructions=exercise.instructions,
        starts_on=timezone.localdate() - timedelta(days=days_ago),
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def make_completion(
    assignment: ExerciseAssignment, *, on: date | None = None, seconds: int = 180
) -> Completion:
    done_at = timezone.now()
    if on is not None:
        done_at = timezone.make_aware(datetime.combine(on, time(12, 0)))
    return Completion.objects.create(
        assignment=assignment,
        client_id=assignment.client_id,
        client_uuid=uuid.uuid4(),
        duration_seconds=seconds,
        done_at=done_at,
    )


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    return {"assignment_id": make_home_practice(client).pk}


def client_actor(client: Any) -> Actor:
    """The actor the portal builds for a client signed in to their own portal."""
    return Actor(
        kind=ActorKind.CLIENT,
        practice_id=client.practice_id,
        channel=Channel.PORTAL,
        client_id=client.pk,
        reference="client: test",
    )
