"""Test builders for the journal, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from somatrace.bodymaps.atlas import ATLAS_VERSION
from somatrace.journal.models import CheckIn, JournalEntry

PUBLIC_URL_NAMES: set[str] = set()

# One short stroke on the chest, front view: a painting the validator accepts.
STROKE = {
    "view": "front",
    "layer": "stronger",
    "mode": "paint",
    "radius": 10,
    "points": [[0.5, 0.3, 1, 0], [0.52, 0.32, 1, 40]],
}


def entry_payload(*, key: str | None = None, shared: bool = False, **fields: Any) -> dict[str, Any]:
    """What the client's phone sends for one entry."""
    payload: dict[str, Any] = {
        "key": key or str(uuid.uuid4()),
        "shared": shared,
        "emotions": [{"code": "sadness", "intensity": 6}],
        "words": "Tight chest after the phone call.",
        "painting": {
            "atlas_version": ATLAS_VERSION,
            "body_shape": "female",
            "nothing_felt": False,
            "strokes": [STROKE],
            "regions": [],
        },
    }
    payload.update(fields)
    return payload


def make_entry(client: Any, *, shared: bool = False, words: str = "My own words") -> JournalEntry:
    """An entry as the client would have written it (bypassing the portal)."""
    now = timezone.now()
    return JournalEntry.objects.create(
        client=client,
        key=uuid.uuid4(),
        shared=shared,
        shared_at=now if shared else None,
        body_shape="female",
        strokes={"strokes": [STROKE], "regions": []},
        emotions=[{"code": "sadness", "intensity": 6}],
        words=words,
    )


def make_checkin(session: Any, *, hours: int = 24) -> CheckIn:
    return CheckIn.objects.create(
        client_id=session.client_id,
        session=session,
        hours=hours,
        due_at=session.starts_at + timedelta(hours=hours, minutes=60),
    )


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """A SHARED entry (the strictest case: even shared, the wrong user sees nothing) and an
    open check-in."""
    return {
        "entry_id": make_entry(client, shared=True).pk,
        "checkin_id": make_checkin(session).pk,
    }
