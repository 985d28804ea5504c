"""What the live session console does to a session: start, pause, resume, end, log events,
run the pacing guard, draft the note. Views check access and audit; this module does the work.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from somatrace.bodyregions import COARSE_REGION_LABELS, COARSE_REGIONS
from somatrace.therapy import guard, notes
from somatrace.therapy.models import (
    NOTE_FIELDS,
    Session,
    Technique,
    TimelineEvent,
    Word,
)
from somatrace.therapy.vocabulary import (
    BUILTIN_CUES,
    BUILTIN_EMOTIONS,
    BUILTIN_GROUNDING,
    BUILTIN_LABELS,
    BUILTIN_TECHNIQUES,
    DISSOCIATION_CUES,
    EMOTION_FAMILIES,
    OTHER,
)

GUARD_NAMESPACE = uuid.UUID("5b1f7a8e-3c0d-4e57-9a51-0c2f7e6d9b10")
POSTED_KINDS = ("cue", "technique", "emotion", "suds", "grounding", "note")


class ConsoleError(Exception):
    """An action the session's state does not allow; the message is shown as it is."""


@dataclass
class Vocabulary:
    """Every word the console offers for one practice (built-ins first)."""

    cues: list[tuple[str, str, str, bool]]  # code, label, shortcut key, dissociation
    techniques: list[tuple[str, str]]
    emotions: list[tuple[str, list[tuple[str, str]]]]  # family, [(code, label)]
    grounding: list[tuple[str, str]]
    regions: tuple[tuple[str, str], ...]
    labels: dict[str, str]  # "kind:code" -> label
    dissociation: frozenset[str]


def vocabulary_for(practice_id: int) -> Vocabulary:
    """Two queries: the practice's own words and the techniques."""
    cues = list(BUILTIN_CUES)
    families = [(family, list(words)) for family, words in EMOTION_FAMILIES]
    dissociation = set(DISSOCIATION_CUES)
    labels = {f"{kind}:{code}": label for (kind, code), label in BUILTIN_LABELS.items()}
    own_emotions: list[tuple[str, str]] = []
    for word in Word.objects.filter(practice_id=practice_id):
        labels[f"{word.kind}:{word.code}"] = word.label
        if word.kind == "cue":
            cues.append((word.code, word.label, "", word.dissociation))
            if word.dissociation:
                dissociation.add(word.code)
        else:
            own_emotions.append((word.code, word.label))
    if own_emotions:
        families.append(("The practice's words", own_emotions))
    techniques = []
    for technique in Technique.available_to(practice_id).order_by("practice_id", "label"):
        techniques.append((technique.code, technique.label))
        labels[f"technique:{technique.code}"] = technique.label
    return Vocabulary(
        cues=cues,
        techniques=techniques,
        emotions=families,
        grounding=list(BUILTIN_GROUNDING),
        regions=COARSE_REGIONS,
        labels=labels,
        dissociation=frozenset(dissociation),
    )


def event_label(event: TimelineEvent, labels: dict[str, str]) -> str:
    if event.kind == "suds":
        return f"SUDS {event.suds}"
    if event.kind == "guard":
        return guard_title(event.code)
    if event.kind == "note":
        return "Note"
    if event.code == OTHER or not event.code:
        return event.text or "Other"
    return labels.get(f"{event.kind}:{event.code}", event.code)


GUARD_TITLES = {
    guard.AT_UPPER_LIMIT: "Pacing prompt: SUDS at the upper limit",
    guard.FAST_RISE: "Pacing prompt: fast rise in SUDS",
    guard.LOW_WITH_DISSOCIATION: "Pacing prompt: below the window with dissociation",
    guard.DISSOCIATION: "Pacing prompt: sign of dissociation",
}


def guard_title(rule: str) -> str:
    return GUARD_TITLES.get(rule, "Pacing prompt")


# --- Lifecycle ---------------------------------------------------------------------------


def _locked(session: Session) -> None:
    if session.is_signed:
        raise ConsoleError("This session's note is signed, so its timeline is locked.")


def start(session: Session, user: Any, precheck: dict[str, Any]) -> list[TimelineEvent]:
    """Start the clock and keep the pre-check; the pre-check SUDS opens the timeline."""
    _locked(session)
    if session.started_at is not None:
        raise ConsoleError("This session has already been started.")
    now = timezone.now().replace(microsecond=0)
    session.started_at = now
    for name in ("pre_suds", "pre_calm", "pre_tension", "client_words", "felt_region"):
        if precheck.get(name) not in (None, ""):
            setattr(session, name, precheck[name])
    session.save()
    created: list[TimelineEvent] = []
    if session.pre_suds is not None:
        created.append(
            TimelineEvent.objects.create(
                session=session,
                client_uuid=uuid.uuid5(GUARD_NAMESPACE, f"{session.pk}:pre"),
                kind="suds",
                code="pre",
                suds=session.pre_suds,
                region=session.felt_region,
                text=session.client_words,
                at=now,
                created_by=user,
            )
        )
    return created


def pause(session: Session) -> None:
    _locked(session)
    if session.state != "running":
        raise ConsoleError("Only a running session can be paused.")
    session.paused_at = timezone.now()
    session.save(update_fields=["paused_at", "updated_at"])


def resume(session: Session) -> None:
    _locked(session)
    if session.state != "paused" or session.paused_at is None:
        raise ConsoleError("Only a paused session can be resumed.")
    now = timezone.now()
    session.paused_seconds += int((now - session.paused_at).total_seconds())
    session.paused_at = None
    session.save(update_fields=["paused_at", "paused_seconds", "updated_at"])


def last_suds(session: Session) -> int | None:
    value = (
        session.events.filter(kind="suds", suds__isnull=False)
        .order_by("-at", "-id")
        .values_list("suds", flat=True)
        .first()
    )
    return value if value is not None else session.pre_suds


def end(session: Session, user: Any, closing: dict[str, Any]) -> list[str]:
    """End the session. Returns the note fields it drafted (only those that were empty).

    closing: post_suds/post_calm/post_tension (0-10 or None), end_reason (text).
    Raises ConsoleError when the last SUDS is above the client's window and there is neither
    a closing check back inside the window nor a documented reason.
    """
    _locked(session)
    if session.state in ("scheduled", "ended"):
        raise ConsoleError("Only a session in progress can be ended.")
    high = session.client.suds_window_high
    post_suds = closing.get("post_suds")
    reason = (closing.get("end_reason") or "").strip()
    check = post_suds if post_suds is not None else last_suds(session)
    if guard.needs_closing_check(check, high) and not reason:
        if post_suds is None:
            raise ConsoleError(
                f"The last SUDS ({check}) is above the client's window (up to {high}). "
                "Take a closing SUDS check, or write why the session ends here."
            )
        raise ConsoleError(
            f"The closing SUDS ({post_suds}) is still above the client's window (up to "
            f"{high}). Write why the session ends here, or offer grounding and check again."
        )
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        if session.paused_at is not None:
            session.paused_seconds += int((now - session.paused_at).total_seconds())
            session.paused_at = None
        session.ended_at = now
        for name in ("post_suds", "post_calm", "post_tension"):
            if closing.get(name) is not None:
                setattr(session, name, closing[name])
        session.end_reason = reason
        session.duration_minutes = max(1, min(600, round(session.elapsed_seconds(now) / 60)))
        if post_suds is not None:
            TimelineEvent.objects.get_or_create(
                session=session,
                client_uuid=uuid.uuid5(GUARD_NAMESPACE, f"{session.pk}:post"),
                defaults={
                    "kind": "suds",
                    "code": "post",
                    "suds": post_suds,
                    "at": now,
                    "created_by": user,
                },
            )
        vocabulary = vocabulary_for(session.practice_id)
        events = list(session.events.all())
        drafted = draft_note_fields(session, events, vocabulary)
        for name, text in drafted.items():
            setattr(session, name, text)
        session.save()
        used = {e.code for e in events if e.kind == "technique"}
        if used:
            session.techniques.add(
                *Technique.available_to(session.practice_id).filter(code__in=used)
            )
    return list(drafted)


def draft_note_fields(
    session: Session, events: list[TimelineEvent], vocabulary: Vocabulary
) -> dict[str, str]:
    """The SOAP draft for the fields that are still empty."""
    empty = [name for name in NOTE_FIELDS if not getattr(session, name).strip()]
    if not empty:
        return {}
    text = notes.draft(note_input(session, events, vocabulary))
    return {name: text[name] for name in empty if text[name]}


def note_input(
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


# --- Events ------------------------------------------------------------------------------


@dataclass
class Posted:
    event: TimelineEvent
    created: bool
    prompts: list[TimelineEvent]


def post_event(
    session: Session,
    user: Any,
    data: dict[str, Any],
    on_created: Callable[[TimelineEvent], Any] = lambda event: None,
) -> Posted:
    """Store one event (idempotent by its client uuid) and run the guard.

    data: cleaned by forms.EventForm (uuid, kind, code, text, region, intensity, suds, at,
    responds_to). A re-sent uuid returns the stored event unchanged and no new prompts.
    on_created(event) runs inside the write transaction for the event and for each new
    guard prompt (the view audits there).

    Everything that only reads (the uuid check, the timeline for the guard, the prompt that
    a grounding step answers) happens before the write transaction, which holds SQLite's
    single write lock: it only inserts the event, any new prompts and the audit row.
    """
    if session.state == "scheduled":
        raise ConsoleError("Start the session before logging events.")
    _locked(session)
    existing = TimelineEvent.objects.filter(session=session, client_uuid=data["uuid"]).first()
    if existing is not None:
        return Posted(existing, False, [])
    responds_to_id = None
    if data.get("responds_to"):
        responds_to_id = (
            TimelineEvent.objects.filter(
                session=session, client_uuid=data["responds_to"], kind="guard"
            )
            .values_list("pk", flat=True)
            .first()
        )
    event = TimelineEvent(
        session=session,
        client_uuid=data["uuid"],
        kind=data["kind"],
        code=data.get("code") or "",
        text=data.get("text") or "",
        region=data.get("region") or "",
        intensity=data.get("intensity"),
        suds=data.get("suds"),
        at=data["at"],
        created_by=user,
        responds_to_id=responds_to_id,
    )
    prompts = new_prompts(session, user, extra=event) if event.kind in ("suds", "cue") else []
    try:
        with transaction.atomic():
            event.save()
            on_created(event)
            for prompt in store_prompts(prompts):
                on_created(prompt)
    except IntegrityError:
        # The same uuid arrived twice at once: the other request stored it.
        stored = TimelineEvent.objects.get(session=session, client_uuid=data["uuid"])
        return Posted(stored, False, [])
    return Posted(event, True, prompts)


def store_prompts(prompts: list[TimelineEvent]) -> list[TimelineEvent]:
    """Insert new guard prompts; returns those stored (with ids, so that they can be audited).

    Prompt uuids are derived from session, rule and time, so a prompt another request stored a
    moment ago conflicts: then only the ones not there yet are stored.
    """
    if not prompts:
        return []
    try:
        with transaction.atomic():
            return TimelineEvent.objects.bulk_create(prompts)
    except IntegrityError:
        stored = set(
            TimelineEvent.objects.filter(
                client_uuid__in=[p.client_uuid for p in prompts]
            ).values_list("client_uuid", flat=True)
        )
        fresh = [p for p in prompts if p.client_uuid not in stored]
        return TimelineEvent.objects.bulk_create(fresh) if fresh else []


def dissociation_codes(practice_id: int) -> frozenset[str]:
    own = Word.objects.filter(practice_id=practice_id, kind="cue", dissociation=True)
    return DISSOCIATION_CUES | frozenset(own.values_list("code", flat=True))


def new_prompts(
    session: Session, user: Any, extra: TimelineEvent | None = None
) -> list[TimelineEvent]:
    """Guard prompts the timeline (plus `extra`, not saved yet) calls for and that are not
    stored yet, as unsaved guard events. One read of the timeline."""
    assert session.started_at is not None
    start = session.started_at
    rows = list(
        session.events.filter(kind__in=("suds", "cue", "guard"))
        .order_by("at", "id")
        .values_list("kind", "code", "suds", "at")
    )
    if extra is not None:
        rows.append((extra.kind, extra.code, extra.suds, extra.at))
        rows.sort(key=lambda row: row[3])  # stable: same-second events keep their order
    dissociation = DISSOCIATION_CUES
    if any(kind == "cue" and code not in BUILTIN_LABELS_CUES for kind, code, _, _ in rows):
        dissociation = dissociation_codes(session.practice_id)
    timeline = [
        guard.Event(
            t=(at - start).total_seconds(),
            kind=kind,
            suds=suds,
            is_dissociation=kind == "cue" and code in dissociation,
        )
        for kind, code, suds, at in rows
        if kind != "guard"
    ]
    recorded = {(code, at) for kind, code, _, at in rows if kind == "guard"}
    client = session.client
    new = []
    for prompt in guard.evaluate(timeline, client.suds_window_low, client.suds_window_high):
        at = start + timedelta(seconds=prompt.t)
        if (prompt.rule, at) in recorded:
            continue
        new.append(
            TimelineEvent(
                session=session,
                client_uuid=uuid.uuid5(
                    GUARD_NAMESPACE, f"{session.pk}:{prompt.rule}:{int(at.timestamp())}"
                ),
                kind="guard",
                code=prompt.rule,
                text=prompt.message,
                at=at,
                created_by=user,
            )
        )
    return new


BUILTIN_LABELS_CUES = frozenset(code for code, _, _, _ in BUILTIN_CUES)
BUILTIN_EMOTION_CODES = frozenset(code for code, _, _ in BUILTIN_EMOTIONS)


BUILTIN_TECHNIQUE_CODES = frozenset(code for code, _ in BUILTIN_TECHNIQUES)
BUILTIN_GROUNDING_CODES = frozenset(code for code, _ in BUILTIN_GROUNDING)


def is_known_code(practice_id: int, kind: str, code: str) -> bool:
    """Whether a posted event of this kind may carry this code (besides "other").

    Built-in words are checked without a query; only a practice's own word costs one.
    """
    builtin = {
        "cue": BUILTIN_LABELS_CUES,
        "emotion": BUILTIN_EMOTION_CODES,
        "technique": BUILTIN_TECHNIQUE_CODES,
        "grounding": BUILTIN_GROUNDING_CODES,
    }.get(kind, frozenset())
    if code in builtin:
        return True
    if kind == "technique":
        return Technique.objects.filter(practice_id=practice_id, code=code).exists()
    if kind in ("cue", "emotion"):
        return Word.objects.filter(practice_id=practice_id, kind=kind, code=code).exists()
    return False


def event_json(event: TimelineEvent, labels: dict[str, str], start: datetime | None) -> dict:
    return {
        "id": event.pk,
        "uuid": str(event.client_uuid),
        "kind": event.kind,
        "code": event.code,
        "label": event_label(event, labels),
        "text": event.text,
        "region": event.region,
        "intensity": event.intensity,
        "suds": event.suds,
        "at": event.at.isoformat(),
        "seconds": int((event.at - start).total_seconds()) if start else None,
    }


def prompt_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "uuid": str(event.client_uuid),
        "rule": event.code,
        "title": guard_title(event.code),
        "message": event.text,
        "grounding": [list(option) for option in guard.GROUNDING_OPTIONS],
    }
