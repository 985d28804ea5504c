"""Reads of home practice shared by the practitioner's panel and the portal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from somatrace.core.actor import Actor
from somatrace.homework.adherence import Adherence, adherence
from somatrace.homework.models import Completion, ExerciseAssignment


@dataclass
class Practice:
    assignment: ExerciseAssignment
    adherence: Adherence
    current: bool


def home_practice(actor: Actor, client_id: int, *, current_only: bool = False) -> list[Practice]:
    """The client's assignments with how often each was done (two queries)."""
    today: date = timezone.localdate()
    assignments = list(
        ExerciseAssignment.objects.visible_to(actor)
        .filter(client_id=client_id)
        .select_related("client")
        .order_by("-created_at", "-id")
    )
    if current_only:
        assignments = [a for a in assignments if a.is_current(today)]
    days: dict[int, list[date]] = defaultdict(list)
    for assignment_id, done_at in (
        Completion.objects.visible_to(actor)
        .filter(assignment__in=[a.pk for a in assignments])
        .values_list("assignment_id", "done_at")
    ):
        days[assignment_id].append(timezone.localdate(done_at))
    return [
        Practice(
            a,
            adherence(a.per_week, a.starts_on, a.until, today, days[a.pk]),
            a.is_current(today),
        )
        for a in assignments
    ]
