"""Demo data for the journal, added by somatrace.demo.seed for the demo client's portal
account (client@demo.test): journal entries, some shared and some private, check-ins
answered after past sessions, and one waiting for an answer. Deterministic (random.Random(11)),
bulk-inserted, not audited (as all demo seeding)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from somatrace.accounts.models import ClientAccount, Practice
from somatrace.bodymaps.atlas import ATLAS_VERSION, polygons
from somatrace.bodymaps.demo import _scribble
from somatrace.journal.models import CheckIn, JournalEntry
from somatrace.journal.services import session_end
from somatrace.therapy.models import Session

DEMO_CLIENT_EMAIL = "client@demo.test"

# (days ago, shared, patterns, emotions, words)
ENTRIES: list[tuple[int, bool, list[tuple[str, str, str]], list[tuple[str, int]], str]] = [
    (
        12,
        True,
        [("f_shoulder_r", "front", "stronger"), ("z_jaw", "front", "stronger")],
        [("anxiety", 6), ("frustration", 4)],
        "Jaw clenched all afternoon after the meeting. Shoulders up by my ears.",
    ),
    (
        9,
        False,
        [("f_chest_l", "front", "stronger")],
        [("sadness", 7), ("grief", 5)],
        "Heavy chest on the anniversary. Just for me.",
    ),
    (
        6,
        True,
        [("f_chest_r", "front", "weaker"), ("b_upper_back_l", "back", "stronger")],
        [("calm", 5), ("relief", 4)],
        "Warmer in the chest after the walk; upper back still tight.",
    ),
    (
        3,
        False,
        [("f_abdomen_l", "front", "weaker"), ("z_belly", "front", "weaker")],
        [("shame", 3)],
        "Numb belly. Not ready to talk about it.",
    ),
    (
        1,
        True,
        [("z_throat", "front", "stronger")],
        [("anxiety", 5)],
        "Tight throat before the phone call, eased after the slow breathing.",
    ),
]


def _strokes(rng: random.Random, patterns: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "strokes": [
            _scribble(rng, "female", region, view, layer, pressure=rng.uniform(0.5, 0.9))
            for region, view, layer in patterns
        ],
        "regions": [],
    }


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    account = (
        ClientAccount.objects.filter(practice=practice, user__email=DEMO_CLIENT_EMAIL)
        .select_related("client")
        .first()
    )
    if account is None:
        return
    client = account.client
    rng = random.Random(11)
    zone = timezone.get_current_timezone()
    evening = datetime.combine(today, time(19, 30), tzinfo=zone)
    entries = []
    for days, shared, patterns, emotions, words in ENTRIES:
        at = evening - timedelta(days=days)
        valid = [p for p in patterns if p[0] in polygons("female", p[1])]
        entries.append(
            JournalEntry(
                client=client,
                key=uuid.UUID(int=rng.getrandbits(128), version=4),
                shared=shared,
                shared_at=at if shared else None,
                atlas_version=ATLAS_VERSION,
                body_shape="female",
                nothing_felt=not valid,
                strokes=_strokes(rng, valid),
                emotions=[{"code": code, "intensity": level} for code, level in emotions],
                words=words,
                created_at=at,
                updated_at=at,
            )
        )
    JournalEntry.objects.bulk_create(entries)

    now = timezone.now()
    sessions = list(
        Session.objects.filter(client=client, starts_at__lt=now).order_by("-starts_at")[:3]
    )
    checkins = []
    for index, session in enumerate(sessions):
        for hours in (24, 72):
            due = session_end(session) + timedelta(hours=hours)
            if due > now:
                continue
            latest = index == 0 and hours == 72
            answered = not latest
            suds, calm, tension = (rng.randint(2, 5), rng.randint(5, 8), rng.randint(2, 5))
            checkins.append(
                CheckIn(
                    client=client,
                    session=session,
                    hours=hours,
                    due_at=due,
                    created_at=due,
                    answered_at=due + timedelta(hours=2) if answered else None,
                    suds=suds if answered else None,
                    calm=calm if answered else None,
                    tension=tension if answered else None,
                    note="A bit tired, otherwise fine." if answered and hours == 24 else "",
                    window_high=client.suds_window_high if answered else None,
                )
            )
    # One check-in waiting for an answer, whatever the dates: the newest session's last one.
    if checkins and all(c.answered_at for c in checkins):
        newest = checkins[0]
        newest.answered_at = None
        newest.suds = newest.calm = newest.tension = None
        newest.note = ""
        newest.window_high = None
    CheckIn.objects.bulk_create(checkins)
    log(f"Journal: {len(entries)} entries and {len(checkins)} check-ins for {DEMO_CLIENT_EMAIL}.")
