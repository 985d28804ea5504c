"""Demo data for the session console (timeline events), added by somatrace.demo.seed.

The last six past sessions of each demo client get a timeline consistent with their ratings:
the pre-check SUDS, cues, techniques and emotions with regions, SUDS check-ins drifting to
the post-session rating, and on some a climb that the pacing guard (run for real) prompts on,
followed by grounding and a calmer check-in. The note of those sessions is redrafted from the
timeline (the plan is kept), as the console would have done.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db.models import Window
from django.db.models.functions import RowNumber

from somatrace.accounts.models import Practice
from somatrace.bodyregions import COARSE_REGION_LABELS, COARSE_REGIONS
from somatrace.therapy import guard, notes
from somatrace.therapy.models import AftercareTemplate, Note, Session, TimelineEvent, Word
from somatrace.therapy.vocabulary import (
    BUILTIN_CUES,
    BUILTIN_EMOTIONS,
    BUILTIN_GROUNDING,
    BUILTIN_LABELS,
    BUILTIN_TECHNIQUES,
    DEFAULT_AFTERCARE,
    DISSOCIATION_CUES,
)

DEMO_SEED = 3
SESSIONS_PER_CLIENT = 6
CLIENT_WORDS = (
    "My shoulders are up by my ears",
    "A tight band across my chest",
    "Like a knot in my throat",
    "I can't switch off",
    "Heavy, like carrying something",
    "My jaw has been clenched all week",
)
NOTES = (
    "It feels like something let go",
    "I remember the car coming towards me",
    "Warm, like sun on my back",
    "I want to cry but it won't come",
    "Lighter now",
)
BODY_SCAN_TITLE = "Between sessions: body scan"
BODY_SCAN = (
    "Each evening this week, take three minutes to notice where you feel tension and where "
    "you feel ease. A line or two in your journal is enough."
)
GUARD_TITLES = {
    guard.AT_UPPER_LIMIT: "Pacing prompt: SUDS at the upper limit",
    guard.FAST_RISE: "Pacing prompt: fast rise in SUDS",
    guard.LOW_WITH_DISSOCIATION: "Pacing prompt: below the window with dissociation",
    guard.DISSOCIATION: "Pacing prompt: sign of dissociation",
}


def _timeline(
    rng: random.Random, session: Session, low: int, high: int, intense: bool
) -> list[dict]:
    """Event dicts (t seconds, kind, code, ...) for one session, without guard prompts."""
    pre = session.pre_suds if session.pre_suds is not None else 5
    post = session.post_suds if session.post_suds is not None else pre
    length = session.duration_minutes * 60
    regions = [code for code, _ in COARSE_REGIONS]
    region = rng.choice(regions)
    events: list[dict] = [{"t": 0, "kind": "suds", "code": "pre", "suds": pre}]
    t = 0
    suds = pre
    checkins = 0
    peak_at = rng.randint(2, 4) if intense else -1
    while t < length - 600:
        t += rng.randint(120, 420)
        if rng.random() < 0.3:
            region = rng.choice(regions)
        roll = rng.random()
        if roll < 0.4:
            code, _, _, dissociation = rng.choice(BUILTIN_CUES)
            if dissociation and not intense:
                code = "deep-sigh"
            events.append({"t": t, "kind": "cue", "code": code, "region": region})
        elif roll < 0.6:
            code, _ = rng.choice(BUILTIN_TECHNIQUES)
            events.append({"t": t, "kind": "technique", "code": code, "region": region})
        elif roll < 0.75:
            code, _, _ = rng.choice(BUILTIN_EMOTIONS)
            events.append({"t": t, "kind": "emotion", "code": code, "intensity": rng.randint(1, 5)})
        else:
            checkins += 1
            if checkins == peak_at:
                suds = min(10, max(high, suds + 3))  # a climb the guard prompts on
            else:
                suds = max(0, min(10, round(suds + (post - suds) * 0.5 + rng.gauss(0, 0.7))))
            events.append({"t": t, "kind": "suds", "code": "", "suds": suds})
    if rng.random() < 0.4:
        events.append({"t": t + 60, "kind": "note", "code": "", "text": rng.choice(NOTES)})
    events.append({"t": length - 60, "kind": "suds", "code": "post", "suds": post})
    return events


def _with_guard(rng: random.Random, events: list[dict], low: int, high: int) -> list[dict]:
    """Run the guard; after each prompt add a grounding step (and a calmer check-in)."""
    timeline = [
        guard.Event(e["t"], e["kind"], e.get("suds"), e["code"] in DISSOCIATION_CUES)
        for e in events
    ]
    added = []
    for prompt in guard.evaluate(timeline, low, high):
        added.append({"t": prompt.t, "kind": "guard", "code": prompt.rule, "text": prompt.message})
        code, _ = rng.choice(BUILTIN_GROUNDING)
        added.append({"t": prompt.t + 30, "kind": "grounding", "code": code})
        added.append({"t": prompt.t + 150, "kind": "suds", "code": "", "suds": max(0, high - 2)})
    return sorted(events + added, key=lambda e: e["t"])


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    """Add timeline events to the demo practice's sessions (deterministic)."""
    rng = random.Random(DEMO_SEED)
    zone = practice.zone
    templates = [*DEFAULT_AFTERCARE, (BODY_SCAN_TITLE, BODY_SCAN)]
    AftercareTemplate.objects.bulk_create(
        [AftercareTemplate(practice=practice, title=title, body=body) for title, body in templates]
    )
    Word.objects.create(practice=practice, kind="cue", code="yawning", label="Yawning")
    Word.objects.create(
        practice=practice,
        kind="cue",
        code="far-away-look",
        label="Far-away look",
        dissociation=True,
    )
    today_start = datetime.combine(today, time.min, tzinfo=zone)
    ranked = (
        Session.objects.filter(practice=practice, starts_at__lt=today_start)
        .annotate(rank=Window(RowNumber(), partition_by="client_id", order_by="-starts_at"))
        .select_related("client", "note")
    )
    sessions = [s for s in ranked if s.rank <= SESSIONS_PER_CLIENT]
    sessions.sort(key=lambda s: (s.client_id, s.starts_at))
    aftercare = DEFAULT_AFTERCARE[0][1]
    new_events: list[TimelineEvent] = []
    for session in sessions:
        client = session.client
        low, high = client.suds_window_low, client.suds_window_high
        intense = rng.random() < 0.12
        events = _with_guard(rng, _timeline(rng, session, low, high, intense), low, high)
        start = session.starts_at
        session.started_at = start
        session.ended_at = start + timedelta(seconds=session.duration_minutes * 60)
        session.client_words = rng.choice(CLIENT_WORDS)
        session.felt_region = rng.choice(COARSE_REGIONS)[0]
        session.aftercare = aftercare
        rows = []
        for e in events:
            event_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
            rows.append((e, event_uuid))
            new_events.append(
                TimelineEvent(
                    session=session,
                    client_uuid=event_uuid,
                    kind=e["kind"],
                    code=e["code"],
                    text=e.get("text", ""),
                    region=e.get("region", ""),
                    intensity=e.get("intensity"),
                    suds=e.get("suds"),
                    at=start + timedelta(seconds=e["t"]),
                    received_at=start + timedelta(seconds=e["t"] + 1),
                    created_by_id=session.practitioner_id,
                )
            )
        labels = {f"{k}:{c}": v for (k, c), v in BUILTIN_LABELS.items()}
        text = notes.draft(
            notes.NoteInput(
                pre={k: getattr(session, f"pre_{k}") for k in ("suds", "calm", "tension")},
                post={k: getattr(session, f"post_{k}") for k in ("suds", "calm", "tension")},
                events=[
                    notes.NoteEvent(
                        minute=int(e["t"] // 60),
                        kind=e["kind"],
                        label=(
                            f"SUDS {e['suds']}"
                            if e["kind"] == "suds"
                            else GUARD_TITLES.get(e["code"], "")
                            if e["kind"] == "guard"
                            else "Note"
                            if e["kind"] == "note"
                            else labels.get(f"{e['kind']}:{e['code']}", e["code"])
                        ),
                        region=COARSE_REGION_LABELS.get(e.get("region", ""), ""),
                        intensity=e.get("intensity"),
                        suds=e.get("suds"),
                        text=e.get("text", ""),
                    )
                    for e, _ in rows
                ],
                client_words=session.client_words,
                felt_region=COARSE_REGION_LABELS[session.felt_region],
                window=(low, high),
                minutes=session.duration_minutes,
            )
        )
        session.note.subjective = text["subjective"]
        session.note.objective = text["objective"]
        session.note.assessment = text["assessment"]
    TimelineEvent.objects.bulk_create(new_events, batch_size=1000)
    # Link each grounding step to the prompt just before it.
    by_session: dict[int, list[TimelineEvent]] = {}
    for event in new_events:
        by_session.setdefault(event.session_id, []).append(event)
    linked = []
    for timeline in by_session.values():
        last_prompt = None
        for event in timeline:
            if event.kind == "guard":
                last_prompt = event
            elif event.kind == "grounding" and last_prompt is not None:
                event.responds_to_id = last_prompt.pk
                linked.append(event)
    if linked and all(e.pk for e in linked):
        TimelineEvent.objects.bulk_update(linked, ["responds_to"], batch_size=1000)
    Session.objects.bulk_update(
        sessions,
        [
            "started_at",
            "ended_at",
            "client_words",
            "felt_region",
            "aftercare",
        ],
        batch_size=500,
    )
    Note.objects.bulk_update(
        [s.note for s in sessions], ["subjective", "objective", "assessment"], batch_size=500
    )
    prompts = sum(1 for e in new_events if e.kind == "guard")
    log(
        f"Session timelines: {len(new_events)} events on {len(sessions)} sessions, "
        f"{prompts} pacing prompts."
    )
