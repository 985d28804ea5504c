"""Journal and check-in services: the only code that writes journal entries and check-ins.

Journal entries are written, edited, shared and unshared by the client alone, through their
portal; every change is audited. Check-ins are created by the periodic job (tasks.py) and
answered by the client; an answer above the client's window of tolerance raises a safety
alert for the practitioner (window.py says which window, and where it is defined).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from somatrace.alerts.models import Alert
from somatrace.alerts.services import raise_alert
from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.errors import RuleError
from somatrace.journal.entry import CleanEntry
from somatrace.journal.models import (
    CHECKIN_GRACE_HOURS,
    MAX_CHECKIN_HOURS,
    CheckIn,
    JournalEntry,
    JournalSettings,
)
from somatrace.journal.window import RATING_MAX, RATING_MIN, Ratings, above_window
from somatrace.mail.services import queue_email
from somatrace.therapy.models import Session
from somatrace.therapy.queries import vocabulary_for

CLIENT_ONLY = "Only the client writes and shares their own journal."
ALERT_KIND = "journal.checkin"
ENTRY_FIELDS = ["shared", "body_shape", "nothing_felt", "strokes", "emotions", "words"]


def emotion_labels(practice_id: int) -> dict[str, str]:
    """The practice's emotion words (built-in and its own), code -> label."""
    return {
        code: label
        for _family, words in vocabulary_for(practice_id).emotions
        for code, label in words
    }


def _require_client(actor: Actor, client_id: int) -> None:
    if actor.kind is not ActorKind.CLIENT or actor.client_id != client_id:
        raise PermissionDenied(CLIENT_ONLY)


def _fill(entry: JournalEntry, clean: CleanEntry) -> None:
    entry.atlas_version = clean.painting.atlas_version
    entry.body_shape = clean.painting.body_shape
    entry.nothing_felt = clean.painting.nothing_felt
    entry.strokes = clean.painting.record
    entry.emotions = clean.emotions
    entry.words = clean.words


@dataclass(frozen=True)
class Stored:
    entry: JournalEntry
    created: bool  # False: an entry with this key was stored before (sent again)


def create_entry(actor: Actor, client: Client, clean: CleanEntry) -> Stored:
    """Store the client's new entry, or return the one already stored under its key.

    Private unless the client chose to share it. Idempotent by the phone's key: an entry
    sent again after a lost answer is not duplicated.
    """
    _require_client(actor, client.pk)
    existing = JournalEntry.objects.filter(client_id=client.pk, key=clean.key).first()
    if existing is not None:
        return Stored(existing, False)
    now = timezone.now()
    entry = JournalEntry(client=client, key=clean.key, shared=clean.shared, created_at=now)
    entry.updated_at = now
    entry.shared_at = now if clean.shared else None
    _fill(entry, clean)
    try:
        with transaction.atomic():
            entry.save()
            audit.created(actor, entry, ENTRY_FIELDS)
    except IntegrityError:  # the same key arrived twice at once
        return Stored(JournalEntry.objects.get(client_id=client.pk, key=clean.key), False)
    return Stored(entry, True)


@transaction.atomic
def edit_entry(actor: Actor, entry: JournalEntry, clean: CleanEntry) -> JournalEntry:
    """The client rewrites their entry (the map, the emotions, the words); sharing is
    changed with set_shared."""
    _require_client(actor, entry.client_id)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    _fill(entry, clean)
    entry.updated_at = timezone.now()
    entry.save()
    audit.updated(actor, entry, ["nothing_felt", "strokes", "emotions", "words", "body_shape"])
    return entry


@transaction.atomic
def set_shared(actor: Actor, entry: JournalEntry, shared: bool) -> JournalEntry:
    """Share the entry with the practitioner, or take it back (private again)."""
    _require_client(actor, entry.client_id)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.shared == shared:
        return entry
    entry.shared = shared
    entry.shared_at = timezone.now() if shared else None
    entry.save(update_fields=["shared", "shared_at"])
    audit.access_changed(actor, entry, ["shared"])
    return entry


# --- Check-ins ------------------------------------------------------------------------------


@transaction.atomic
def set_checkin_hours(actor: Actor, hours: list[int]) -> JournalSettings:
    """The owner chooses when clients are asked after a session (empty: never)."""
    actor.require_owner("Only the practice owner changes when check-ins are sent.")
    clean = sorted(set(hours))
    if any(h < 1 or h > MAX_CHECKIN_HOURS for h in clean):
        raise RuleError(f"Each time must be from 1 to {MAX_CHECKIN_HOURS} hours after a session.")
    row, _ = JournalSettings.objects.get_or_create(practice_id=actor.practice_id)
    row.checkin_hours = clean
    row.save()
    audit.updated(actor, row, ["checkin_hours"])
    return row


def session_end(session: Session) -> datetime:
    """When a session ended: the console's end, else its booked start plus its length."""
    if session.ended_at is not None:
        return session.ended_at
    return session.starts_at + timedelta(minutes=session.duration_minutes)


def create_due_checkins(actor: Actor, now: datetime) -> list[CheckIn]:
    """Create the practice's check-ins whose time has come; returns the new ones.

    For each session that ended at least N hours ago (N from the practice's setting), one
    check-in per (session, N), never twice (a unique constraint, so two runs at once are
    safe too). Check-ins whose time passed more than CHECKIN_GRACE_HOURS ago are not made.
    """
    if actor.kind not in (ActorKind.SYSTEM, ActorKind.CLI):
        raise PermissionDenied("Check-ins are created by the schedule.")
    made: list[CheckIn] = []
    for hours in JournalSettings.hours_for(actor.practice_id):
        earliest = now - timedelta(hours=hours + CHECKIN_GRACE_HOURS)
        already = CheckIn.objects.filter(session_id=OuterRef("pk"), hours=hours)
        sessions = (
            Session.objects.filter(
                practice_id=actor.practice_id,
                starts_at__lte=now - timedelta(hours=hours),
                starts_at__gte=earliest - timedelta(days=1),
                client__practice_id=actor.practice_id,
            )
            .exclude(Exists(already))
            .select_related("client")
            .order_by("starts_at", "pk")
        )
        for session in sessions:
            due = session_end(session) + timedelta(hours=hours)
            if not now - timedelta(hours=CHECKIN_GRACE_HOURS) <= due <= now:
                continue
            try:
                with transaction.atomic():
                    checkin = CheckIn.objects.create(
                        client=session.client, session=session, hours=hours, due_at=due
                    )
                    audit.created(actor, checkin, ["session", "hours", "due_at"])
            except IntegrityError:  # made meanwhile by another run
                continue
            made.append(checkin)
    return made


@dataclass(frozen=True)
class Answered:
    checkin: CheckIn
    above: list[str]  # the ratings above the window ("suds", "tension"); empty: inside
    alert: Alert | None


def _rating(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(f"{name} must be a whole number from {RATING_MIN} to {RATING_MAX}.")
    if not RATING_MIN <= value <= RATING_MAX:
        raise RuleError(f"{name} must be from {RATING_MIN} to {RATING_MAX}.")
    return value


def answer_checkin(
    actor: Actor, checkin: CheckIn, *, suds: Any, calm: Any, tension: Any, note: str = ""
) -> Answered:
    """The client's answer. Above the client's window of tolerance (window.py), a safety
    alert is raised for the practitioner with the ratings as its details."""
    _require_client(actor, checkin.client_id)
    ratings = Ratings(
        _rating(suds, "SUDS"), _rating(calm, "Calm"), _rating(tension, "Body tension")
    )
    if len(note) > 2000:
        raise RuleError("The note can be at most 2000 characters.")
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().select_related("client").get(pk=checkin.pk)
        if not checkin.is_open:
            raise RuleError("This check-in was answered already. Thank you.")
        high = checkin.client.suds_window_high
        above = above_window(ratings, high)
        checkin.suds, checkin.calm, checkin.tension = ratings.suds, ratings.calm, ratings.tension
        checkin.note = note.strip()
        checkin.answered_at = timezone.now()
        checkin.window_high = high
        checkin.above_window = bool(above)
        alert = None
        if above:
            alert = raise_alert(
                actor,
                checkin.client,
                ALERT_KIND,
                f"Check-in {checkin.hours} h after a session: above the window of tolerance",
                details=alert_details(checkin),
            )
            checkin.alert = alert
        checkin.save()
        audit.updated(
            actor,
            checkin,
            ["suds", "calm", "tension", "note", "answered_at", "above_window", "alert"],
        )
    return Answered(checkin, above, alert)


def alert_details(checkin: CheckIn) -> dict[str, Any]:
    """What raised the alert, for its page (the alerts app emails a bare link, never these)."""
    return {
        "source": f"Check-in {checkin.hours} h after a session",
        "items": [
            {"label": "Window of tolerance (SUDS up to)", "value": str(checkin.window_high)},
            {"label": "SUDS", "value": str(checkin.suds)},
            {"label": "Calm", "value": str(checkin.calm)},
            {"label": "Body tension", "value": str(checkin.tension)},
        ],
    }


CHECKIN_SUBJECT = "A question from your practice"
CHECKIN_TEXT = (
    "Hello,\n\n"
    "Your practice would like to know how you are doing. It takes a minute: sign in to your "
    "portal to answer.\n\n{url}\n\n"
    "If you need help urgently, please call your local emergency number.\n"
)


def checkin_email_key(checkin: CheckIn) -> str:
    return f"checkin:{checkin.session_id}:{checkin.hours}"


def run_checkins(actor: Actor, now: datetime) -> list[CheckIn]:
    """Create the practice's due check-ins, and queue an email for every open check-in of a
    client with a portal account (once per check-in: queue_email is idempotent by key, so an
    email missed by an earlier run that stopped half-way is queued by the next). The email
    says only that the practice asks how they are, and links to the check-in; no clinical
    detail. Returns the check-ins emailed about."""
    create_due_checkins(actor, now)
    waiting = (
        CheckIn.objects.filter(
            client__practice_id=actor.practice_id,
            answered_at__isnull=True,
            due_at__gte=now - timedelta(hours=CHECKIN_GRACE_HOURS),
            due_at__lte=now,
            client__portal_account__user__is_active=True,
        )
        .select_related("client__portal_account__user")
        .order_by("due_at", "pk")
    )
    emailed = []
    for checkin in waiting:
        user = checkin.client.portal_account.user
        url = settings.SOMATRACE_BASE_URL + reverse("portal_checkin", args=[checkin.pk])
        try:
            queue_email(
                actor,
                to=user.email,
                subject=CHECKIN_SUBJECT,
                text=CHECKIN_TEXT.format(url=url),
                kind="journal.checkin",
                key=checkin_email_key(checkin),
            )
        except RuleError:  # an address the mail service refuses: the portal still shows it
            continue
        emailed.append(checkin)
    return emailed
