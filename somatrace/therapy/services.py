"""Every change to a session's record: the session and its note, the console's clock, the
timeline, work on a region, aftercare, and the practice's own words.

Each function takes the Actor who acts, enforces the rules and audits, in one transaction.
The console, the "add afterwards" and edit forms, the body chart, the API and imports all come
through here, so that these hold for every door:

- touch consent: work on a region the client marked "not welcome" needs an override reason,
  and the override is recorded with the work;
- the pacing guard runs on every SUDS and cue, whenever and however it is written;
- a signed note locks the note and the timeline; changes are amendments.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from somatrace.audit import services as audit
from somatrace.bodyregions import COARSE_REGION_LABELS
from somatrace.clients import touch
from somatrace.clients.models import Client, TouchStatus
from somatrace.clients.services import can_start_session, touch_status
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.errors import RuleError
from somatrace.mail.services import queue_email
from somatrace.therapy import guard, notes
from somatrace.therapy.models import (
    NOTE_FIELDS,
    RATING_FIELDS,
    AftercareTemplate,
    GuardState,
    Note,
    NoteAmendment,
    RegionWork,
    Session,
    Technique,
    TimelineEvent,
    TouchOverride,
    Word,
)
from somatrace.therapy.queries import (
    BUILTIN_CUE_CODES,
    Vocabulary,
    dissociation_codes,
    event_label,
    is_known_code,
    vocabulary_for,
)
from somatrace.therapy.vocabulary import (
    BUILTIN_CUES,
    BUILTIN_EMOTIONS,
    BUILTIN_TECHNIQUES,
    DISSOCIATION_CUES,
    OTHER,
)

# Prompts and the pre/post check-ins get ids derived from the session, so that a repeat
# never stores them twice.
GUARD_NAMESPACE = uuid.UUID("5b1f7a8e-3c0d-4e57-9a51-0c2f7e6d9b10")
POSTED_KINDS = ("cue", "technique", "emotion", "suds", "grounding", "note")
GUARDED = ("suds", "cue")  # the kinds the pacing guard reads
WORD_KINDS = ("cue", "technique", "emotion", "grounding")
SESSION_FIELDS = ("starts_at", "duration_minutes", "practitioner", *RATING_FIELDS)
EVENT_FIELDS = ("code", "text", "region", "intensity", "suds", "at")


class TouchRefused(RuleError):
    """Work on a region the client marked "not welcome", without an override reason."""


class InvalidEvent(RuleError):
    """An event that does not fit the vocabulary or its kind; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


TOUCH_REFUSAL = (
    "The client marked this region \u201cnot welcome\u201d for touch. Log the technique with "
    "an override and its reason, or choose another region."
)


def _unlocked(session: Session) -> None:
    if session.is_signed:
        raise RuleError("This session's note is signed, so its timeline is locked.")


def note_of(session: Session) -> Note:
    """The session's note; an empty, unsaved one if it has none yet."""
    try:
        return session.note
    except Note.DoesNotExist:
        return Note(session=session)


# --- Sessions and their notes -------------------------------------------------------------------


def _require_startable(client: Client) -> None:
    allowed, reason = can_start_session(client)
    if not allowed:
        raise RuleError(reason)


@transaction.atomic
def record_session(
    actor: Actor,
    client: Client,
    details: Mapping[str, Any],
    *,
    techniques: Iterable[Technique] = (),
    note: Mapping[str, str] | None = None,
) -> Session:
    """A session recorded afterwards (not run in the console). details: SESSION_FIELDS."""
    actor.require_clinical_staff()
    _require_startable(client)
    session = Session(practice_id=client.practice_id, client=client)
    for name, value in details.items():
        if name in SESSION_FIELDS:
            setattr(session, name, value)
    session.full_clean()
    session.save()
    session.techniques.set(techniques)
    Note.objects.create(session=session, **dict(note or {}))
    audit.created(actor, session, [*details, "techniques"])
    if note and any(note.values()):
        audit.created(actor, session.note, [k for k, v in note.items() if v])
    return session


@transaction.atomic
def start_new_session(
    actor: Actor,
    client: Client,
    precheck: Mapping[str, Any],
    *,
    starts_at: datetime | None = None,
    duration_minutes: int = 60,
) -> Session:
    """Create a session by the actor, with its (empty) note, and start it in the console.

    Nothing exists before this call: the console's before-start page (the pre-check) is drawn
    without a session, so backing out of it leaves nothing behind. Refused (RuleError) for a
    client who may not start a session (no current consent, a hold), like start().

    Parameters
    ----------
    precheck : mapping
        What start() takes: pre_suds, pre_calm, pre_tension (0-10 or None), client_words,
        felt_region.
    starts_at : datetime, optional
        When the session is booked for (aware); now, to the minute, when not given.
    duration_minutes : int
        Its planned length in minutes (1-600); ending the session sets the real one.
    """
    actor.require_clinical_staff()
    if client.practice_id != actor.practice_id:
        raise PermissionDenied("This client belongs to another practice.")
    _require_startable(client)
    for name in ("pre_suds", "pre_calm", "pre_tension"):
        value = precheck.get(name)
        if value not in (None, "") and (not isinstance(value, int) or not 0 <= value <= 10):
            raise RuleError("Ratings are whole numbers from 0 to 10.")
    # The Session model's own limits (1 to 600 minutes, 10 hours).
    if not 1 <= duration_minutes <= 600:
        raise RuleError("A session lasts from 1 to 600 minutes.")
    session = Session(
        practice_id=client.practice_id,
        client=client,
        practitioner=actor.user,
        starts_at=starts_at or timezone.now().replace(second=0, microsecond=0),
        duration_minutes=duration_minutes,
    )
    session.save()
    Note.objects.create(session=session)
    audit.created(actor, session, ["starts_at", "duration_minutes", "practitioner"])
    start(actor, session, precheck)
    return session


# What keeps a session from being removed as unused, for the relations a person would know by
# name; any other record pointing at a session is named by its model's plural.
HOLDING_NAMES = {
    "therapy.timelineevent": "it has timeline events",
    "therapy.touchoverride": "touch-consent overrides were recorded in it",
    "therapy.regionwork": "work on a region was recorded in it",
    "therapy.noteamendment": "its note has amendments",
    "measures.administration": "a questionnaire administration is linked to it",
    "bodymaps.painting": "a body map painting is linked to it",
    "bodymaps.regionfinding": "findings on a region were recorded in it",
    "bodymaps.handover": "a body map was handed to the client for it",
    "journal.checkin": "check-ins after the session are linked to it",
    "physio.recording": "a heart recording is linked to it",
}
# Rows that go with the session without holding it: its note (when empty, checked apart),
# the pacing guard's cached state (derived from the timeline, which must be empty), and an
# appointment's link to the session it started (SET_NULL: the appointment stays, unlinked).
NOT_HOLDING = ("therapy.note", "therapy.guardstate", "scheduling.appointment")
RECORDED_DETAILS = (
    *RATING_FIELDS,
    "client_words",
    "felt_region",
    "end_reason",
    "aftercare",
)


def _referring(obj: Any, skip: Iterable[str] = ()) -> list[str]:
    """What other records point at obj, through every reverse relation of its model (found
    through Django's _meta, so that a relation added later by any app is checked too), except
    the models in `skip`. One query each."""
    holding = []
    for relation in obj._meta.related_objects:
        related = relation.related_model._meta
        if related.label_lower in skip:
            continue
        name = relation.field.name
        if relation.related_model._base_manager.filter(**{name: obj.pk}).exists():
            holding.append(
                HOLDING_NAMES.get(related.label_lower, f"{related.verbose_name_plural} refer to it")
            )
    return holding


def unused_session_holds(session: Session) -> list[str]:
    """Why this session is not an unused draft that may be removed; [] when it is.

    Unused: never started in the console, not signed, nothing recorded in it (ratings,
    words, aftercare, techniques), its note empty, and no other record pointing at it.
    """
    holds = []
    if session.started_at is not None:
        holds.append("it was started in the console")
    if session.is_signed:
        holds.append("its note is signed")
    if any(getattr(session, name) not in (None, "") for name in RECORDED_DETAILS):
        holds.append("details were recorded in it")
    if session.techniques.exists():
        holds.append("techniques were recorded in it")
    note = Note.objects.filter(session=session).first()
    if note is not None:
        if any(text.strip() for text in note.text.values()):
            holds.append("its note has text")
        holds.extend(_referring(note))
    holds.extend(_referring(session, skip=NOT_HOLDING))
    return holds


@transaction.atomic
def delete_unused_session(actor: Actor, session: Session) -> None:
    """Remove a session that was opened and never used (a draft left behind when a console
    was opened and not started, as releases before 2026-11 did). Only its practitioner or an
    owner may; anything recorded in or about it refuses, naming what holds it."""
    actor.require_clinical_staff()
    if session.practice_id != actor.practice_id:
        raise PermissionDenied("This session belongs to another practice.")
    if not actor.is_owner and session.practitioner_id != actor.user_id:
        raise PermissionDenied("Only the session's practitioner or an owner can remove it.")
    locked = Session.objects.select_for_update().select_related("client").get(pk=session.pk)
    holds = unused_session_holds(locked)
    if holds:
        raise RuleError(
            "This session cannot be removed: " + "; ".join(holds) + ". Only a session "
            "that was never started and holds nothing can be removed."
        )
    note = Note.objects.filter(session=locked).first()
    if note is not None:
        audit.deleted(actor, note)
    audit.deleted(actor, locked)
    locked.delete()


@transaction.atomic
def update_session(
    actor: Actor,
    session: Session,
    changes: Mapping[str, Any],
    *,
    techniques: Iterable[Technique] | None = None,
    note: Mapping[str, str] | None = None,
) -> Session:
    """Change an unsigned session's details, techniques and note (only what is given)."""
    actor.require_clinical_staff()
    if session.is_signed:
        raise RuleError("This note is signed and locked. Changes are made as amendments.")
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise RuleError("These details cannot be changed here: " + ", ".join(sorted(unknown)))
    for name, value in changes.items():
        setattr(session, name, value)
    fields = list(changes)
    if techniques is not None:
        techniques = list(techniques)
        if {t.pk for t in techniques} != set(session.techniques.values_list("pk", flat=True)):
            session.techniques.set(techniques)
            fields.append("techniques")
    if fields:
        session.full_clean()
        session.save()
        audit.updated(actor, session, fields)
    if note is not None:
        _write_note(actor, session, note)
    return session


def _write_note(actor: Actor, session: Session, text: Mapping[str, str]) -> Note:
    # Read afresh: a form may have changed the instance the caller holds.
    current = Note.objects.filter(session=session).first() or Note(session=session)
    changed = [
        name for name in NOTE_FIELDS if name in text and getattr(current, name) != text[name]
    ]
    if not changed:
        return current
    creating = current._state.adding
    for name in changed:
        setattr(current, name, text[name])
    current.full_clean(exclude=["session"])
    current.save()
    (audit.created if creating else audit.updated)(actor, current, changed)
    return current


@transaction.atomic
def sign_note(actor: Actor, session: Session) -> Session:
    """Sign and lock the note (and with it the timeline): only its own practitioner can."""
    actor.require_clinical_staff()
    if session.practitioner_id != actor.user_id:
        raise PermissionDenied("Only the session's practitioner can sign its note.")
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.is_signed:
        raise RuleError("This note was already signed.")
    session.signed_at = timezone.now()
    session.signed_by = actor.user
    session.save(update_fields=["signed_at", "signed_by", "updated_at"])
    audit.updated(actor, session, ["signed_at", "signed_by"])
    return session


@transaction.atomic
def amend_note(
    actor: Actor, session: Session, *, reason: str, text: Mapping[str, str]
) -> NoteAmendment:
    """A later version of a signed note; the signed original is kept as it was."""
    actor.require_clinical_staff()
    if not session.is_signed:
        raise RuleError("Only a signed note is amended; an unsigned note is edited.")
    if not reason.strip():
        raise RuleError("Say why the signed note is being amended.")
    note = note_of(session)
    if note._state.adding:
        note.save()
    amendment = NoteAmendment(note=note, author=actor.user, reason=reason)
    for name in NOTE_FIELDS:
        setattr(amendment, name, text.get(name, ""))
    amendment.full_clean(exclude=["note", "author"])
    amendment.save()
    audit.created(actor, amendment, ["reason", *(n for n in NOTE_FIELDS if text.get(n))])
    return amendment


def current_note(note: Note, amendments: list[NoteAmendment]) -> dict[str, str]:
    """The note as it reads now: the latest amendment, else the signed (or draft) original."""
    return (amendments[-1] if amendments else note).text


@transaction.atomic
def save_aftercare(actor: Actor, session: Session, text: str) -> Session:
    actor.require_clinical_staff()
    if session.aftercare != text:
        session.aftercare = text
        session.full_clean()
        session.save(update_fields=["aftercare", "updated_at"])
        audit.updated(actor, session, ["aftercare"])
    return session


AFTERCARE_KEY = re.compile(r"[0-9a-f]{32}")


@transaction.atomic
def email_aftercare(actor: Actor, session: Session, *, to: str, request_key: str) -> None:
    """The client emails a session's aftercare to themselves, from the portal. Queued for the
    worker; the same page's request (request_key, made when the page was drawn) is sent once
    however often the button is pressed. Audited as the aftercare leaving Somatrace."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != session.client_id:
        raise PermissionDenied("Only the client emails their own aftercare.")
    if not session.aftercare.strip():
        raise RuleError("This session has no aftercare note.")
    if not to:
        raise RuleError("Your account has no email address.")
    if not AFTERCARE_KEY.fullmatch(request_key):
        raise RuleError("That did not come through; please reload the page and try again.")
    day = timezone.localtime(session.starts_at)
    practice = session.practice.name
    text = (
        f"Aftercare from your session on {day.day} {day:%B %Y}, {practice}\n\n"
        f"{session.aftercare.strip()}\n\n"
        "You asked for this to be sent to you from your portal.\n"
    )
    queue_email(
        actor,
        to=to,
        subject=f"Your aftercare from {day.day} {day:%b %Y}",
        text=text,
        kind="aftercare",
        key=f"aftercare:{session.pk}:{request_key}",
    )
    audit.exported(actor, session, ["aftercare"])


# --- The console's clock ---------------------------------------------------------------------


@transaction.atomic
def start(actor: Actor, session: Session, precheck: Mapping[str, Any]) -> list[TimelineEvent]:
    """Start the clock and keep the pre-check; the pre-check SUDS opens the timeline.

    precheck: pre_suds, pre_calm, pre_tension (0-10 or None), client_words, felt_region.
    """
    actor.require_clinical_staff()
    _unlocked(session)
    _require_startable(session.client)
    if session.started_at is not None:
        raise RuleError("This session has already been started.")
    now = timezone.now().replace(microsecond=0)
    session.started_at = now
    given = [
        name
        for name in ("pre_suds", "pre_calm", "pre_tension", "client_words", "felt_region")
        if precheck.get(name) not in (None, "")
    ]
    for name in given:
        setattr(session, name, precheck[name])
    session.save()
    audit.updated(actor, session, ["started_at", *given])
    created: list[TimelineEvent] = []
    if session.pre_suds is not None:
        event = TimelineEvent.objects.create(
            session=session,
            client_uuid=uuid.uuid5(GUARD_NAMESPACE, f"{session.pk}:pre"),
            kind="suds",
            code="pre",
            suds=session.pre_suds,
            region=session.felt_region,
            text=session.client_words,
            at=now,
            created_by=actor.user,
        )
        audit.created(actor, event, ["suds"])
        created.append(event)
    # The guard's state from the start, so that the first event costs what the hundredth
    # does. When the pre-check itself calls for a prompt, the first SUDS or cue evaluates the
    # timeline and answers with it, as the console shows prompts only in answer to an event.
    state = guard.State(session.client.suds_window_low, session.client.suds_window_high)
    found = (
        []
        if session.pre_suds is None
        else guard.advance(state, _guard_event(session, "suds", "pre", session.pre_suds, now))
    )
    GuardState.objects.update_or_create(
        session=session, defaults={"state": None if found else state.to_json()}
    )
    return created


@transaction.atomic
def pause(actor: Actor, session: Session) -> None:
    actor.require_clinical_staff()
    _unlocked(session)
    if session.state != "running":
        raise RuleError("Only a running session can be paused.")
    session.paused_at = timezone.now()
    session.save(update_fields=["paused_at", "updated_at"])
    audit.updated(actor, session, ["paused_at"])


@transaction.atomic
def resume(actor: Actor, session: Session) -> None:
    actor.require_clinical_staff()
    _unlocked(session)
    if session.state != "paused" or session.paused_at is None:
        raise RuleError("Only a paused session can be resumed.")
    now = timezone.now()
    session.paused_seconds += int((now - session.paused_at).total_seconds())
    session.paused_at = None
    session.save(update_fields=["paused_at", "paused_seconds", "updated_at"])
    audit.updated(actor, session, ["paused_seconds"])


def last_suds(session: Session) -> int | None:
    value = (
        session.events.filter(kind="suds", suds__isnull=False)
        .order_by("-at", "-id")
        .values_list("suds", flat=True)
        .first()
    )
    return value if value is not None else session.pre_suds


def end(actor: Actor, session: Session, closing: Mapping[str, Any]) -> list[str]:
    """End the session and draft the note's empty fields from the timeline. Returns the
    fields it drafted.

    closing: post_suds/post_calm/post_tension (0-10 or None), end_reason (text).
    Refused (RuleError) when the last SUDS is above the client's window and there is neither
    a closing check back inside the window nor a documented reason.
    """
    actor.require_clinical_staff()
    _unlocked(session)
    if session.state in ("scheduled", "ended"):
        raise RuleError("Only a session in progress can be ended.")
    high = session.client.suds_window_high
    post_suds = closing.get("post_suds")
    reason = (closing.get("end_reason") or "").strip()
    check = post_suds if post_suds is not None else last_suds(session)
    if guard.needs_closing_check(check, high) and not reason:
        if post_suds is None:
            raise RuleError(
                f"The last SUDS ({check}) is above the client's window (up to {high}). "
                "Take a closing SUDS check, or write why the session ends here."
            )
        raise RuleError(
            f"The closing SUDS ({post_suds}) is still above the client's window (up to "
            f"{high}). Write why the session ends here, or offer grounding and check again."
        )
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        if session.paused_at is not None:
            session.paused_seconds += int((now - session.paused_at).total_seconds())
            session.paused_at = None
        session.ended_at = now
        given = [
            n for n in ("post_suds", "post_calm", "post_tension") if closing.get(n) is not None
        ]
        for name in given:
            setattr(session, name, closing[name])
        session.end_reason = reason
        session.duration_minutes = max(1, min(600, round(session.elapsed_seconds(now) / 60)))
        if post_suds is not None:
            event, created = TimelineEvent.objects.get_or_create(
                session=session,
                client_uuid=uuid.uuid5(GUARD_NAMESPACE, f"{session.pk}:post"),
                defaults={
                    "kind": "suds",
                    "code": "post",
                    "suds": post_suds,
                    "at": now,
                    "created_by": actor.user,
                },
            )
            if created:
                audit.created(actor, event, ["suds"])
                _forget_guard_state(session)
        session.save()
        audit.updated(
            actor,
            session,
            ["ended_at", "duration_minutes", *given, *(["end_reason"] if reason else [])],
        )
        vocabulary = vocabulary_for(session.practice_id)
        events = list(session.events.all())
        note = note_of(session)
        drafted = draft_note_fields(session, note, events, vocabulary)
        if drafted:
            _write_note(actor, session, drafted)
        used = {e.code for e in events if e.kind == "technique"}
        if used:
            session.techniques.add(
                *Technique.available_to(session.practice_id).filter(code__in=used)
            )
    return list(drafted)


def draft_note_fields(
    session: Session, note: Note, events: list[TimelineEvent], vocabulary: Vocabulary
) -> dict[str, str]:
    """The SOAP draft (therapy/notes.py) for the note's fields that are still empty."""
    empty = [name for name in NOTE_FIELDS if not getattr(note, name).strip()]
    if not empty:
        return {}
    text = notes.draft(_note_input(session, events, vocabulary))
    return {name: text[name] for name in empty if text[name]}


def _note_input(
    session: Session, events: list[TimelineEvent], vocabulary: Vocabulary
) -> notes.NoteInput:
    start = session.started_at or session.starts_at
    return notes.NoteInput(
        pre={k: getattr(session, f"pre_{k}") for k in ("suds", "calm", "tension")},
        post={k: getattr(session, f"post_{k}") for k in ("suds", "calm", "tension")},
        events=[
            notes.NoteEvent(
                minute=max(0, int((e.at - start).total_seconds() // 60)),
                kind=e.kind,
                label=event_label(e, vocabulary.labels),
                region=COARSE_REGION_LABELS.get(e.region, ""),
                intensity=e.intensity,
                suds=e.suds,
                text="" if e.code in ("pre", "post") else e.text,
            )
            for e in events
        ],
        client_words=session.client_words,
        felt_region=COARSE_REGION_LABELS.get(session.felt_region, ""),
        window=(session.client.suds_window_low, session.client.suds_window_high),
        minutes=session.elapsed_seconds() // 60 if session.started_at else None,
        end_reason=session.end_reason,
    )


# --- The timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewEvent:
    """One timeline event, as the console posts it or a form adds it afterwards.

    uuid: made by the tablet (a re-send is stored once) or fresh for a form; at: aware
    datetime, whole seconds; responds_to: the uuid of the pacing prompt a grounding step
    answers; override_reason: why work went ahead on a region marked "not welcome".
    """

    uuid: UUID
    kind: str
    at: datetime
    code: str = ""
    text: str = ""
    region: str = ""
    intensity: int | None = None
    suds: int | None = None
    responds_to: UUID | None = None
    override_reason: str = ""


@dataclass
class Posted:
    event: TimelineEvent
    created: bool
    prompts: list[TimelineEvent]


def _check_event(
    session: Session, kind: str, code: str, text: str, suds: int | None, region: str
) -> None:
    if kind not in POSTED_KINDS:
        raise InvalidEvent("kind", "This kind of event cannot be logged.")
    if kind in WORD_KINDS:
        if code == OTHER:
            if not text.strip():
                raise InvalidEvent("text", "Type the word for 'other'.")
        elif not is_known_code(session.practice_id, kind, code):
            raise InvalidEvent("code", "This word is not in the practice's vocabulary.")
    if kind == "suds" and suds is None:
        raise InvalidEvent("suds", "A SUDS check-in needs a value from 0 to 10.")
    if kind == "note" and not text.strip():
        raise InvalidEvent("text", "A note needs some text.")
    if region and not touch.is_region(region):
        raise InvalidEvent("region", "Choose a region from the list.")


def add_event(actor: Actor, session: Session, new: NewEvent) -> Posted:
    """Store one timeline event, idempotently by its uuid; check touch consent; run the guard.

    A re-sent uuid returns the stored event unchanged and no new prompts. A technique on a
    region the client marked "not welcome" is refused (TouchRefused) without an override
    reason; with one, the override and the work are recorded with the event.

    The same number of queries at the 1st and the 1,000th event: the guard folds the event
    into the state it keeps for the session (GuardState) instead of re-reading the timeline;
    only an event earlier than the last one it saw, or the first after a change to the
    timeline, has it evaluate the whole timeline again. A re-sent uuid costs no read in the
    common case: the unique (session, uuid) refuses its insert. The one read (the prompt a
    grounding step answers) comes before the write transaction, which holds SQLite's single
    write lock: it inserts the event, its work, any new prompts and their audit rows, and
    updates the guard's state (the session's row of it is locked until the commit, so two
    events of one session are folded one after the other).
    """
    actor.require_clinical_staff()
    if session.state == "scheduled":
        raise RuleError("Start the session before logging events.")
    _unlocked(session)
    code = new.code if new.kind in WORD_KINDS else ""
    works = new.kind == "technique" and bool(new.region)
    try:
        _check_event(session, new.kind, code, new.text, new.suds, new.region)
        if (
            works
            and not new.override_reason.strip()
            and touch_status(session.client, new.region) == TouchStatus.NOT_WELCOME
        ):
            raise TouchRefused(TOUCH_REFUSAL)
    except RuleError:
        # A re-send of an event stored before the vocabulary or the touch map changed is
        # still answered with the stored event, not refused.
        existing = TimelineEvent.objects.filter(session=session, client_uuid=new.uuid).first()
        if existing is not None:
            return Posted(existing, False, [])
        raise
    responds_to_id = None
    if new.responds_to:
        responds_to_id = (
            TimelineEvent.objects.filter(session=session, client_uuid=new.responds_to, kind="guard")
            .values_list("pk", flat=True)
            .first()
        )
    event = TimelineEvent(
        session=session,
        client_uuid=new.uuid,
        kind=new.kind,
        code=code,
        text=new.text,
        region=new.region,
        intensity=new.intensity if new.kind == "emotion" else None,
        suds=new.suds if new.kind == "suds" else None,
        at=new.at,
        created_by=actor.user,
        responds_to_id=responds_to_id,
    )
    try:
        with transaction.atomic():
            event.save()
            audit.created(actor, event, _filled(event))
            if works:
                record_work(actor, session, event.region, new.override_reason, event=event)
            prompts = _guard_after(actor, session, event) if event.kind in GUARDED else []
            stored = _store_prompts(actor, prompts)
    except IntegrityError:
        # A re-send (the tablet got no answer in time), or the same uuid twice at once:
        # the unique (session, uuid) refused the second insert, so this one stored nothing.
        stored_event = TimelineEvent.objects.get(session=session, client_uuid=new.uuid)
        return Posted(stored_event, False, [])
    return Posted(event, True, stored)


def _filled(event: TimelineEvent) -> list[str]:
    """The audit row's field names: the kind and whatever the event carries."""
    parts = ("code", "text", "region", "intensity", "suds")
    return ["kind", *(name for name in parts if getattr(event, name) not in ("", None))]


@transaction.atomic
def edit_event(
    actor: Actor, event: TimelineEvent, changes: Mapping[str, Any], *, override_reason: str = ""
) -> list[TimelineEvent]:
    """Correct an event (a mis-tapped word, a time, a region). Returns new guard prompts.

    The same rules as logging it live: the vocabulary, touch consent for a technique moved
    to a region marked "not welcome" (its work is recorded again, with the override), and
    the guard re-run on the corrected timeline.
    """
    actor.require_clinical_staff()
    # Read afresh and lock: a form may have changed the instance the caller holds.
    event = (
        TimelineEvent.objects.select_for_update().select_related("session__client").get(pk=event.pk)
    )
    session = event.session
    _unlocked(session)
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise RuleError("These parts of an event cannot be changed: " + ", ".join(sorted(unknown)))
    changed = [name for name, value in changes.items() if getattr(event, name) != value]
    if not changed:
        return []
    old_region = event.region
    for name in changed:
        setattr(event, name, changes[name])
    _check_event(session, event.kind, event.code, event.text, event.suds, event.region)
    region_moved = event.kind == "technique" and event.region != old_region
    if (
        region_moved
        and event.region
        and not override_reason.strip()
        and touch_status(session.client, event.region) == TouchStatus.NOT_WELCOME
    ):
        raise TouchRefused(TOUCH_REFUSAL)
    event.full_clean(exclude=["session", "created_by", "responds_to"])
    event.save()
    audit.updated(actor, event, changed)
    if region_moved:
        for work in RegionWork.objects.filter(event=event):
            audit.deleted(actor, work)
            work.delete()
        if event.region:
            record_work(actor, session, event.region, override_reason, event=event)
    if event.kind in GUARDED and session.started_at is not None:
        # A corrected SUDS or time may call for a prompt the timeline did not have.
        return _store_prompts(actor, _guard_evaluate(actor, session))
    if event.kind == "guard":
        _forget_guard_state(session)
    return []


@transaction.atomic
def delete_event(actor: Actor, event: TimelineEvent) -> None:
    """Remove a mis-tapped event; the audit log keeps a record that it existed."""
    actor.require_clinical_staff()
    _unlocked(event.session)
    for work in RegionWork.objects.filter(event=event):
        audit.deleted(actor, work)
    audit.deleted(actor, event)
    event.delete()
    if event.kind in (*GUARDED, "guard"):
        _forget_guard_state(event.session)


def _store_prompts(actor: Actor, prompts: list[TimelineEvent]) -> list[TimelineEvent]:
    """Insert new guard prompts and audit them; returns those stored.

    Prompt uuids are derived from session, rule and time, so a prompt another request stored
    a moment ago conflicts: then only the ones not there yet are stored.
    """
    if not prompts:
        return []
    try:
        with transaction.atomic():
            stored = TimelineEvent.objects.bulk_create(prompts)
    except IntegrityError:
        there = set(
            TimelineEvent.objects.filter(
                client_uuid__in=[p.client_uuid for p in prompts]
            ).values_list("client_uuid", flat=True)
        )
        fresh = [p for p in prompts if p.client_uuid not in there]
        stored = TimelineEvent.objects.bulk_create(fresh) if fresh else []
    for prompt in stored:
        audit.created(actor, prompt, ["kind", "code"])
    return stored


def _forget_guard_state(session: Session) -> None:
    """The timeline changed other than by an in-order append: the guard evaluates the whole
    timeline again at the next event."""
    GuardState.objects.filter(session=session).update(state=None)


def _guard_event(session: Session, kind: str, code: str, suds: int | None, at: datetime) -> Any:
    assert session.started_at is not None
    return guard.Event(
        t=(at - session.started_at).total_seconds(),
        kind=kind,
        suds=suds,
        is_dissociation=kind == "cue" and _is_dissociation(session, code),
    )


def _is_dissociation(session: Session, code: str) -> bool:
    """Built-in cues without a query; a practice's own cue costs one."""
    if code in DISSOCIATION_CUES or code in BUILTIN_CUE_CODES:
        return code in DISSOCIATION_CUES
    return code in dissociation_codes(session.practice_id)


def _kept_state(session: Session) -> tuple[GuardState, guard.State | None]:
    """The session's guard state, locked until the commit; None when it must be re-evaluated
    (none yet, forgotten, or computed for another window of tolerance)."""
    locked = GuardState.objects.select_for_update()
    kept = locked.filter(session=session).first()
    if kept is None:
        # The first guarded event of a session not started in the console (or started
        # before the guard kept its state): make the row, then wait for it like the others.
        GuardState.objects.bulk_create([GuardState(session=session)], ignore_conflicts=True)
        kept = locked.get(session=session)
    if kept.state is None:
        return kept, None
    try:
        state = guard.State.from_json(kept.state)
    except ValueError:
        return kept, None
    client = session.client
    if (state.low, state.high) != (client.suds_window_low, client.suds_window_high):
        return kept, None
    return kept, state


def _guard_after(actor: Actor, session: Session, event: TimelineEvent) -> list[TimelineEvent]:
    """In the transaction that stored `event` (a SUDS or a cue): the prompts it calls for.

    One event folded into the kept state: two queries (lock, write), one for a cue that is
    no sign of dissociation. The whole timeline is read again only when there is no state to
    fold into or the event is earlier than the last one the state has seen.
    """
    seen = _guard_event(session, event.kind, event.code, event.suds, event.at)
    kept, state = _kept_state(session)
    if state is not None and not guard.changes_state(seen):
        return []
    if state is None or not state.takes(seen):
        return _guard_evaluate(actor, session, kept)
    found = guard.advance(state, seen)
    kept.state = state.to_json()
    kept.save(update_fields=["state"])
    return [_prompt_event(actor, session, prompt) for prompt in found]


def _guard_evaluate(
    actor: Actor, session: Session, kept: GuardState | None = None
) -> list[TimelineEvent]:
    """Evaluate the whole stored timeline: the prompts it calls for that are not stored yet,
    as unsaved guard events; keeps the guard's state for the next event. One read of the
    timeline."""
    assert session.started_at is not None
    if kept is None:
        kept, _ = _kept_state(session)
    start = session.started_at
    rows = list(
        session.events.filter(kind__in=("suds", "cue", "guard"))
        .order_by("at", "id")
        .values_list("kind", "code", "suds", "at")
    )
    dissociation = DISSOCIATION_CUES
    if any(kind == "cue" and code not in BUILTIN_CUE_CODES for kind, code, _, _ in rows):
        dissociation = dissociation_codes(session.practice_id)
    client = session.client
    state = guard.State(client.suds_window_low, client.suds_window_high)
    found: list[guard.Prompt] = []
    for kind, code, suds, at in rows:
        if kind != "guard":
            seen = guard.Event(
                t=(at - start).total_seconds(),
                kind=kind,
                suds=suds,
                is_dissociation=kind == "cue" and code in dissociation,
            )
            found.extend(guard.advance(state, seen))
    kept.state = state.to_json()
    kept.save(update_fields=["state"])
    recorded = {(code, at) for kind, code, _, at in rows if kind == "guard"}
    new = [_prompt_event(actor, session, prompt) for prompt in found]
    return [prompt for prompt in new if (prompt.code, prompt.at) not in recorded]


def _prompt_event(actor: Actor, session: Session, prompt: guard.Prompt) -> TimelineEvent:
    """A prompt as an unsaved guard event, its uuid derived from session, rule and time."""
    assert session.started_at is not None
    at = session.started_at + timedelta(seconds=prompt.t)
    return TimelineEvent(
        session=session,
        client_uuid=uuid.uuid5(
            GUARD_NAMESPACE, f"{session.pk}:{prompt.rule}:{int(at.timestamp())}"
        ),
        kind="guard",
        code=prompt.rule,
        text=prompt.message,
        at=at,
        created_by=actor.user if actor.user is not None else session.practitioner,
    )


# --- Work on a region ---------------------------------------------------------------------------


@dataclass
class WorkResult:
    work: RegionWork
    status: str
    override: TouchOverride | None


@transaction.atomic
def record_work(
    actor: Actor,
    session: Session,
    region: str,
    override_reason: str = "",
    *,
    event: TimelineEvent | None = None,
) -> WorkResult:
    """Record that `region` (an atlas region or a coarse group) was worked on in `session`,
    with the client's touch consent for it now. A region marked "not welcome" is refused
    (TouchRefused) unless an override reason is given; then the override is recorded too."""
    actor.require_clinical_staff()
    _unlocked(session)
    if not touch.is_region(region):
        raise RuleError("Choose a region from the list.")
    status = touch_status(session.client, region)
    reason = (override_reason or "").strip()
    override = None
    if status == TouchStatus.NOT_WELCOME:
        if not reason:
            raise TouchRefused(TOUCH_REFUSAL)
        override = TouchOverride.objects.create(
            client_id=session.client_id,
            session=session,
            region=region,
            reason=reason[:2000],
            user=actor.user,
        )
        audit.created(actor, override, ["region", "reason"])
    work = RegionWork.objects.create(
        client_id=session.client_id,
        session=session,
        region=region,
        touch_status=status,
        override=override,
        event=event,
        user=actor.user,
    )
    audit.created(actor, work, ["region", *(["event"] if event else [])])
    return WorkResult(work=work, status=status, override=override)


# --- The practice's own words ------------------------------------------------------------------


@transaction.atomic
def add_word(actor: Actor, *, kind: str, code: str, label: str, dissociation: bool) -> Any:
    """A practice's own cue, emotion or technique beside the built-ins (which never change)."""
    actor.require_clinical_staff()
    taken = (
        Technique.available_to(actor.practice_id).filter(code=code).exists()
        if kind == "technique"
        else Word.available_to(actor.practice_id).filter(kind=kind, code=code).exists()
    )
    if taken or code == OTHER:
        raise RuleError("This word is already in the vocabulary.")
    if kind == "technique":
        return Technique.objects.create(practice_id=actor.practice_id, code=code, label=label)
    if kind not in ("cue", "emotion"):
        raise RuleError("Choose cue, emotion or technique.")
    return Word.objects.create(
        practice_id=actor.practice_id,
        kind=kind,
        code=code,
        label=label,
        dissociation=kind == "cue" and dissociation,
    )


@transaction.atomic
def add_aftercare_template(actor: Actor, *, title: str, body: str) -> AftercareTemplate:
    actor.require_clinical_staff()
    template = AftercareTemplate(practice_id=actor.practice_id, title=title, body=body)
    template.full_clean()
    template.save()
    return template


def install_builtin_vocabulary(**kwargs: Any) -> None:
    """post_migrate: make sure every built-in word exists (also after a test flush)."""
    for code, label in BUILTIN_TECHNIQUES:
        Technique.objects.get_or_create(practice=None, code=code, defaults={"label": label})
    existing = set(Word.objects.filter(practice=None).values_list("kind", "code"))
    new = [
        Word(practice=None, kind="cue", code=code, label=label, dissociation=dissociation)
        for code, label, _, dissociation in BUILTIN_CUES
        if ("cue", code) not in existing
    ] + [
        Word(practice=None, kind="emotion", code=code, label=label, family=family)
        for code, label, family in BUILTIN_EMOTIONS
        if ("emotion", code) not in existing
    ]
    Word.objects.bulk_create(new)
