"""Test builders for the therapy app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from somatrace.testing import make_session
from somatrace.therapy.models import TimelineEvent

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()


def make_event(session: Any, kind: str = "cue", *, seconds: int = 60, **fields: Any) -> Any:
    """A timeline event `seconds` after the session's start (started now if it was not)."""
    if session.started_at is None:
        session.started_at = timezone.now().replace(microsecond=0) - timedelta(hours=1)
        session.save(update_fields=["started_at"])
    fields.setdefault("code", "heat" if kind == "cue" else "")
    fields.setdefault("created_by_id", session.practitioner_id)
    return TimelineEvent.objects.create(
        session=session,
        client_uuid=fields.pop("client_uuid", None) or uuid.uuid4(),
        kind=kind,
        at=session.started_at + timedelta(seconds=seconds),
        **fields,
    )


def started_session(client: Any, **fields: Any) -> Any:
    """A session in progress, started ten minutes ago."""
    fields.setdefault("started_at", timezone.now().replace(microsecond=0) - timedelta(minutes=10))
    fields.setdefault("days_ago", 0)
    return make_session(client, **fields)


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    event = make_event(session, "cue", text="Secret-note-7f3a")
    return {"event_id": event.pk}
