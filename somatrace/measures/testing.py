"""Test builders for the measures app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from somatrace.core.actor import Actor
from somatrace.measures import instruments
from somatrace.measures.models import Administration, Assignment, Schedule, Status
from somatrace.measures.scoring import score

# URL names of this app that are reachable without logging in, on purpose: the kiosk page
# (only with a kiosk session started by a practitioner) and the single-use token link.
PUBLIC_URL_NAMES: set[str] = {"measures_kiosk", "measures_questionnaire"}


def make_administration(
    client: Any,
    code: str = "PHQ9",
    *,
    answers: list[int | None] | None = None,
    days_ago: int = 0,
    **fields: Any,
) -> Administration:
    """A pending administration, or a completed and scored one when answers are given."""
    defn = instruments.INSTRUMENTS[code]
    when = timezone.now() - timedelta(days=days_ago)
    fields.setdefault("assigned_by", client.assigned_practitioner)
    administration = Administration(
        client=client, instrument=code, version=defn.version, created_at=when, **fields
    )
    if answers is not None:
        result = score(defn, answers)
        administration.answers = answers
        administration.total = result.total
        administration.band = result.band or ""
        administration.subscales = result.subscales
        administration.details = result.details
        administration.valid = result.valid
        administration.reason = result.reason
        administration.status = Status.COMPLETED
        administration.channel = fields.get("channel") or "paper"
        administration.completed_at = when
    administration.save()
    return administration


def link_holder(administration: Administration) -> Actor:
    """Whoever holds the secure link to this administration (as the link page builds it)."""
    return Actor.link_holder(
        practice_id=administration.client.practice_id,
        client_id=administration.client_id,
        reference="link: test",
    )


def phq9_answers(total: int, item9: int = 0) -> list[int | None]:
    """PHQ-9 answers summing to ``total`` with item 9 = item9 (fills items 1-8 with 3s)."""
    rest = total - item9
    assert 0 <= rest <= 24
    answers: list[int | None] = []
    for _ in range(8):
        value = min(3, rest)
        answers.append(value)
        rest -= value
    return [*answers, item9]


def make_assignment(client: Any, code: str = "PHQ9", **fields: Any) -> Assignment:
    fields.setdefault("schedule", Schedule.ON_DEMAND)
    fields.setdefault("created_by", client.assigned_practitioner)
    return Assignment.objects.create(client=client, instrument=code, **fields)


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    administration = make_administration(client, "PHQ9")
    return {
        "administration_id": administration.pk,
        "assignment_id": make_assignment(client).pk,
    }
