"""What happens when answers come in: score, store, raise alerts. Views call these."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from somatrace.alerts.models import Priority
from somatrace.alerts.services import raise_alert
from somatrace.clients.models import Client
from somatrace.measures import instruments
from somatrace.measures.change import Change, reliable_change
from somatrace.measures.models import (
    AccessLink,
    Administration,
    Assignment,
    Channel,
    Schedule,
    Status,
    hash_token,
)
from somatrace.measures.scoring import Score, score

LINK_DAYS = 7  # a secure link expires after a week unless the practitioner chooses otherwise


class AlreadyAnswered(Exception):
    """The administration was completed or cancelled meanwhile: the answers are refused."""


@dataclass(frozen=True)
class Outcome:
    score: Score
    risk: bool  # a risk answer: show the practice's crisis resources now
    change: Change | None


def new_administration(
    client: Client,
    code: str,
    user: Any,
    *,
    assignment: Assignment | None = None,
    due: Any = None,
) -> Administration:
    defn = instruments.INSTRUMENTS[code]
    return Administration.objects.create(
        client=client,
        instrument=code,
        version=defn.version,
        assignment=assignment,
        assigned_by=user,
        due=due,
    )


def assign(client: Client, code: str, schedule: str, n: int | None, user: Any) -> Assignment:
    """Record the schedule; intake and on-demand assignments are due now."""
    assignment = Assignment.objects.create(
        client=client, instrument=code, schedule=schedule, n=n, created_by=user
    )
    if schedule != Schedule.DISCHARGE:
        # Intake and on-demand are due now; repeating schedules start with a baseline.
        new_administration(client, code, user, assignment=assignment, due=timezone.localdate())
    return assignment


def schedule_after_session(client_id: int) -> list[Administration]:
    """Create the administrations that a new session makes due (every N sessions / weeks)."""
    created = []
    assignments = Assignment.objects.filter(
        client_id=client_id,
        active=True,
        schedule__in=[Schedule.EVERY_N_SESSIONS, Schedule.EVERY_N_WEEKS],
    ).select_related("client")
    for assignment in assignments:
        last = (
            Administration.objects.filter(client_id=client_id, instrument=assignment.instrument)
            .exclude(status=Status.CANCELLED)
            .order_by("-created_at")
            .first()
        )
        if last is not None and last.status == Status.PENDING:
            continue  # one waiting is enough
        n = assignment.n or 1
        if assignment.schedule == Schedule.EVERY_N_SESSIONS:
            since = assignment.client.sessions.filter(
                starts_at__gt=last.created_at if last else assignment.created_at
            ).count()
            due = since >= n
        else:
            start = last.created_at if last else assignment.created_at
            due = timezone.now() - start >= timedelta(weeks=n)
        if due:
            created.append(
                new_administration(
                    assignment.client,
                    assignment.instrument,
                    assignment.created_by,
                    assignment=assignment,
                    due=timezone.localdate(),
                )
            )
    return created


def schedule_at_discharge(client: Client) -> list[Administration]:
    created = []
    for assignment in Assignment.objects.filter(
        client=client, active=True, schedule=Schedule.DISCHARGE
    ):
        if not Administration.objects.filter(assignment=assignment).exists():
            created.append(
                new_administration(
                    client, assignment.instrument, assignment.created_by, assignment=assignment
                )
            )
    return created


def create_link(administration: Administration, user: Any, days: int = LINK_DAYS) -> str:
    """A new single-use link for the administration; earlier unused links stop working.

    Returns the token (shown once; only its SHA-256 is stored)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        AccessLink.objects.filter(
            administration=administration, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        AccessLink.objects.create(
            administration=administration,
            token_hash=hash_token(token),
            created_by=user,
            expires_at=now + timedelta(days=days),
        )
    return token


def link_for_token(token: str) -> AccessLink | None:
    """The usable link for this token, or None (unknown, used, expired, revoked, done)."""
    if not token or len(token) > 100:
        return None
    link = (
        AccessLink.objects.select_related("administration__client__practice")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not link.usable:
        return None
    return link


def first_valid(client_id: int, code: str, exclude: int | None = None) -> Administration | None:
    query = Administration.objects.filter(
        client_id=client_id, instrument=code, status=Status.COMPLETED, valid=True
    )
    if exclude is not None:
        query = query.exclude(pk=exclude)
    return query.order_by("completed_at", "pk").first()


def record_answers(
    administration: Administration,
    answers: Sequence[int | None],
    channel: str,
    extras: dict[str, str] | None = None,
) -> Outcome:
    """Score and store the answers, then raise any alerts. Raises AnswerError for bad answers.

    Risk answers raise an alert even when the questionnaire is incomplete. Reliable
    deterioration against the client's first valid score raises a lower-priority alert.
    """
    defn = administration.definition
    result = score(defn, answers)
    now = timezone.now()
    change: Change | None = None
    with transaction.atomic():
        # Claim it: only one submission can turn a pending administration into a completed one
        # (two tabs, a double tap, or a link used twice at the same moment).
        claimed = Administration.objects.filter(pk=administration.pk, status=Status.PENDING).update(
            status=Status.COMPLETED, completed_at=now
        )
        if not claimed:
            raise AlreadyAnswered("this questionnaire is no longer waiting for answers")
        administration.answers = list(answers)
        administration.total = result.total
        administration.band = result.band or ""
        administration.subscales = result.subscales
        administration.details = {**result.details, **(extras or {})}
        administration.valid = result.valid
        administration.reason = result.reason[:300]
        administration.status = Status.COMPLETED
        administration.channel = channel
        administration.completed_at = now
        administration.save()
        AccessLink.objects.filter(administration=administration, used_at__isnull=True).update(
            used_at=now
        )
        client = administration.client
        for risk in result.alerts:
            raise_alert(
                client,
                risk.kind,
                risk.title,
                Priority.HIGH if risk.priority == "high" else Priority.LOWER,
            )
        if result.valid and result.total is not None and defn.change is not None:
            baseline = first_valid(client.pk, defn.code, exclude=administration.pk)
            if baseline is not None and baseline.total is not None:
                change = reliable_change(defn, baseline.total, result.total)
                if change.category == "deteriorated":
                    raise_alert(
                        client,
                        f"measures.deterioration.{defn.code.lower()}",
                        f"{defn.short_title}: reliable deterioration since the first score "
                        f"({baseline.total:g} → {result.total:g})",
                        Priority.LOWER,
                    )
    return Outcome(score=result, risk=bool(result.alerts), change=change)


__all__ = ["Channel", "Outcome", "assign", "create_link", "link_for_token", "record_answers"]
