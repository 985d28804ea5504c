"""Every change to a client's questionnaires: schedules, administrations, secure links and
kiosk hand-overs, answers and their scores, and the alerts answers raise.

Each function takes the Actor who acts (a practitioner, the holder of a secure link or of the
handed-over tablet, the system when a schedule makes a questionnaire due) and audits.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import dateformat, timezone

from somatrace.alerts.models import Priority
from somatrace.alerts.services import raise_alert
from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.clients.models import Status as ClientStatus
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.errors import RuleError
from somatrace.measures import instruments
from somatrace.measures.change import Change, reliable_change
from somatrace.measures.due import weeks_due_on
from somatrace.measures.models import (
    AccessLink,
    Administration,
    Assignment,
    PracticeMeasures,
    Schedule,
    Status,
    hash_token,
)
from somatrace.measures.scoring import Score, score

LINK_DAYS = 7  # a secure link expires after a week unless the practitioner chooses otherwise
REFUSAL = "Questionnaires are given by practitioners and owners."
SCORE_FIELDS = ["answers", "total", "band", "subscales", "valid", "reason", "status", "channel"]


class AlreadyAnswered(RuleError):
    """The administration was completed or cancelled meanwhile: the answers are refused."""


@dataclass(frozen=True)
class Outcome:
    score: Score
    risk: bool  # a risk answer: show the practice's crisis resources now
    change: Change | None


def new_administration(
    actor: Actor,
    client: Client,
    code: str,
    *,
    assignment: Assignment | None = None,
    due: Any = None,
    assigned_by: Any = None,
    now: datetime | None = None,
) -> Administration:
    """One questionnaire waiting for answers. assigned_by: who asked for it (defaults to the
    actor; the system passes the practitioner who made the schedule). now: when it is given
    (the worker passes the time of its run)."""
    defn = instruments.INSTRUMENTS[code]
    administration = Administration.objects.create(
        created_at=now or timezone.now(),
        client=client,
        instrument=code,
        version=defn.version,
        assignment=assignment,
        assigned_by=assigned_by or actor.user,
        due=due,
    )
    audit.created(actor, administration, ["instrument", "due"])
    return administration


@transaction.atomic
def give(actor: Actor, client: Client, code: str) -> Administration:
    """A questionnaire to answer now (on paper, by link or on the tablet)."""
    actor.require_clinical_staff(REFUSAL)
    if code not in PracticeMeasures.enabled_for(client.practice_id):
        raise RuleError("The practice does not offer this questionnaire.")
    return new_administration(actor, client, code, due=timezone.localdate())


@transaction.atomic
def assign(actor: Actor, client: Client, code: str, schedule: str, n: int | None) -> Assignment:
    """Record the schedule; intake and on-demand assignments are due now."""
    actor.require_clinical_staff(REFUSAL)
    if code not in PracticeMeasures.enabled_for(client.practice_id):
        raise RuleError("The practice does not offer this questionnaire.")
    assignment = Assignment.objects.create(
        client=client, instrument=code, schedule=schedule, n=n, created_by=actor.user
    )
    audit.created(actor, assignment, ["instrument", "schedule", "n"])
    if schedule != Schedule.DISCHARGE:
        # Intake and on-demand are due now; repeating schedules start with a baseline.
        new_administration(actor, client, code, assignment=assignment, due=timezone.localdate())
    return assignment


@transaction.atomic
def stop_assignment(actor: Actor, assignment: Assignment) -> Assignment:
    actor.require_clinical_staff(REFUSAL)
    if assignment.active:
        assignment.active = False
        assignment.save(update_fields=["active"])
        audit.updated(actor, assignment, ["active"])
    return assignment


@transaction.atomic
def cancel(actor: Actor, administration: Administration) -> Administration:
    """Cancel a waiting questionnaire; its links stop working."""
    actor.require_clinical_staff(REFUSAL)
    if not administration.is_pending:
        raise RuleError("This questionnaire is no longer waiting for answers.")
    administration.status = Status.CANCELLED
    administration.save(update_fields=["status"])
    AccessLink.objects.filter(
        administration=administration, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit.updated(actor, administration, ["status"])
    return administration


def schedule_after_session(client_id: int) -> list[Administration]:
    """Create the administrations that a new session makes due (every N sessions / weeks).
    The system does this, for the practitioner who made each schedule."""
    created = []
    now = timezone.now()
    for assignment_id in Assignment.objects.filter(
        client_id=client_id,
        active=True,
        schedule__in=[Schedule.EVERY_N_SESSIONS, Schedule.EVERY_N_WEEKS],
    ).values_list("pk", flat=True):
        made = _make_due(assignment_id, now, "measures: schedule")
        if made is not None:
            created.append(made)
    return created


def make_due_by_weeks(actor: Actor, now: datetime) -> list[Administration]:
    """The worker's round for one practice: every active client's every-N-weeks schedules
    whose N weeks have passed since the last questionnaire given (or since the schedule was
    made) get their next one, due on the day it fell due, without waiting for a session.

    Safe to run twice or on two workers at once: each schedule is locked while it is looked
    at, and a questionnaire still waiting for answers means nothing new is due. Nobody is
    emailed: as when a session makes one due, the questionnaire waits in the client's portal
    and on the client page, where the practitioner gives it or sends a link."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied("Only the worker runs the schedules.")
    created = []
    for assignment_id in (
        Assignment.objects.visible_to(actor)
        .filter(active=True, schedule=Schedule.EVERY_N_WEEKS, client__status=ClientStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        made = _make_due(assignment_id, now, actor.reference or "measures: schedule")
        if made is not None:
            created.append(made)
    return created


@transaction.atomic
def _make_due(assignment_id: int, now: datetime, task: str) -> Administration | None:
    """The assignment's next questionnaire, if one is due at `now`; None otherwise.

    The assignment row is locked (PostgreSQL: SELECT ... FOR UPDATE; SQLite takes the whole
    database's write lock at the transaction's start) so two workers, or the worker and a
    session being saved, cannot both find it due and make two."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("client__practice")
        .filter(pk=assignment_id, active=True)
        .first()
    )
    if assignment is None:
        return None
    client = assignment.client
    last = (
        Administration.objects.filter(client_id=client.pk, instrument=assignment.instrument)
        .exclude(status=Status.CANCELLED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None and last.status == Status.PENDING:
        return None  # one waiting is enough
    zone = client.practice.zone
    today = timezone.localtime(now, zone).date()
    start = last.created_at if last else assignment.created_at
    n = assignment.n or 1
    if assignment.schedule == Schedule.EVERY_N_SESSIONS:
        if client.sessions.filter(starts_at__gt=start).count() < n:
            return None
        due_on = today
    elif assignment.schedule == Schedule.EVERY_N_WEEKS:
        due_on = weeks_due_on(timezone.localtime(start, zone).date(), n)
        if today < due_on:
            return None
    else:
        return None
    return new_administration(
        Actor.system(client.practice_id, task),
        client,
        assignment.instrument,
        assignment=assignment,
        due=due_on,
        assigned_by=assignment.created_by,
        now=now,
    )


def expire_lapsed_links(actor: Actor, now: datetime) -> list[Administration]:
    """The worker's round for one practice: a questionnaire sent by secure link whose link
    lapsed unanswered is marked expired (missed).

    Only the newest link of an administration is ever unrevoked (a new link revokes the
    earlier ones), so "an unused, unrevoked link past its expiry and no usable one" means the
    client was given until a date and did not answer by then. The questionnaire then leaves
    the client's portal and the practitioner's "waiting" list (the client page lists it as
    missed), and a schedule may make the next one due. Questionnaires given on paper, on the
    tablet or only in the portal have no link and are left waiting. Safe to run twice: each
    is claimed PENDING -> EXPIRED by one UPDATE, and audited only by the run that claimed it.
    """
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied("Only the worker marks lapsed links.")
    open_links = AccessLink.objects.filter(used_at__isnull=True, revoked_at__isnull=True)
    lapsed = (
        Administration.objects.visible_to(actor)
        .filter(status=Status.PENDING)
        .filter(pk__in=open_links.filter(expires_at__lte=now).values("administration_id"))
        .exclude(pk__in=open_links.filter(expires_at__gt=now).values("administration_id"))
        .order_by("pk")
    )
    expired = []
    for administration in lapsed:
        with transaction.atomic():
            claimed = Administration.objects.filter(
                pk=administration.pk, status=Status.PENDING
            ).update(status=Status.EXPIRED)
            if not claimed:
                continue  # answered or cancelled meanwhile, or another worker was first
            administration.status = Status.EXPIRED
            audit.updated(actor, administration, ["status"])
        expired.append(administration)
    return expired


def schedule_at_discharge(client: Client) -> list[Administration]:
    created = []
    system = Actor.system(client.practice_id, "measures: discharge")
    for assignment in Assignment.objects.filter(
        client=client, active=True, schedule=Schedule.DISCHARGE
    ):
        if not Administration.objects.filter(assignment=assignment).exists():
            created.append(
                new_administration(
                    system,
                    client,
                    assignment.instrument,
                    assignment=assignment,
                    assigned_by=assignment.created_by,
                )
            )
    return created


@transaction.atomic
def create_link(actor: Actor, administration: Administration, days: int = LINK_DAYS) -> str:
    """A new single-use link for the administration; earlier unused links stop working.

    Returns the token (shown once; only its SHA-256 is stored, and the audit row names the
    link, never the token)."""
    actor.require_clinical_staff(REFUSAL)
    if not administration.is_pending:
        raise RuleError("This questionnaire is no longer waiting for answers.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AccessLink.objects.filter(
        administration=administration, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    AccessLink.objects.create(
        administration=administration,
        token_hash=hash_token(token),
        created_by=actor.user,
        expires_at=now + timedelta(days=days),
    )
    audit.updated(actor, administration, ["access_link"])
    return token


def hand_over(actor: Actor, administration: Administration) -> None:
    """The practitioner hands the tablet to the client for this questionnaire (kiosk)."""
    actor.require_clinical_staff(REFUSAL)
    if not administration.is_pending:
        raise RuleError("This questionnaire is no longer waiting for answers.")
    audit.updated(actor, administration, ["kiosk_started"])


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
    actor: Actor,
    administration: Administration,
    answers: Sequence[int | None],
    channel: str,
    extras: dict[str, str] | None = None,
) -> Outcome:
    """Score and store the answers, then raise any alerts. Raises AnswerError for bad answers.

    actor: the practitioner entering paper answers, or the holder of the link or the tablet.
    Risk answers raise an alert even when the questionnaire is incomplete. Reliable
    deterioration against the client's first valid score raises a lower-priority alert.
    """
    if actor.client_id is not None and actor.client_id != administration.client_id:
        raise PermissionDenied("This questionnaire belongs to someone else.")
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
        audit.updated(actor, administration, SCORE_FIELDS)
        client = administration.client
        source = _alert_source(administration)
        for risk in result.alerts:
            raise_alert(
                actor,
                client,
                risk.kind,
                risk.title,
                Priority.HIGH if risk.priority == "high" else Priority.LOWER,
                details={"source": source, "items": [_answer(defn, answers, risk.number)]},
            )
        if result.valid and result.total is not None and defn.change is not None:
            baseline = first_valid(client.pk, defn.code, exclude=administration.pk)
            if baseline is not None and baseline.total is not None:
                change = reliable_change(defn, baseline.total, result.total)
                if change.category == "deteriorated":
                    raise_alert(
                        actor,
                        client,
                        f"measures.deterioration.{defn.code.lower()}",
                        f"{defn.short_title}: reliable deterioration since the first score "
                        f"({baseline.total:g} → {result.total:g})",
                        Priority.LOWER,
                        details={
                            "source": source,
                            "items": [
                                {"label": "First score", "value": f"{baseline.total:g}"},
                                {"label": "This score", "value": f"{result.total:g}"},
                            ],
                        },
                    )
    return Outcome(score=result, risk=bool(result.alerts), change=change)


def _alert_source(administration: Administration) -> str:
    """Where an alert's answers come from, for its page: which questionnaire, when, how."""
    defn = administration.definition
    when = dateformat.format(timezone.localtime(administration.completed_at), "j M Y, H:i")
    return f"{defn.short_title}, completed {when} ({administration.get_channel_display()})"


def _answer(
    defn: instruments.Instrument, answers: Sequence[int | None], number: int
) -> dict[str, str]:
    """One answer as the alert page shows it: the item's text and the option chosen."""
    value = answers[number - 1]
    labels = {option.value: option.label for option in defn.options}
    shown = "not answered" if value is None else f"{labels.get(value, '')} ({value})".strip()
    return {"label": f"Item {number}: {defn.items[number - 1].text}", "value": shown}


@transaction.atomic
def update_settings(actor: Actor, enabled: Sequence[str]) -> PracticeMeasures:
    """Which instruments the practice offers."""
    actor.require_owner("Only the practice owner chooses the questionnaires offered.")
    unknown = set(enabled) - set(instruments.INSTRUMENTS)
    if unknown:
        raise RuleError("Unknown questionnaire: " + ", ".join(sorted(unknown)))
    row, _ = PracticeMeasures.objects.update_or_create(
        practice_id=actor.practice_id, defaults={"enabled": sorted(enabled)}
    )
    audit.updated(actor, row, ["enabled"])
    return row


# Schedules react to records made elsewhere (connected in MeasuresConfig.ready): a new
# session may make an every-N-sessions/weeks questionnaire due, a discharge the discharge ones.


def on_session_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        schedule_after_session(instance.client_id)


def on_client_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if not created and not raw and instance.status == "discharged":
        schedule_at_discharge(instance)
