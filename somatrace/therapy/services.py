from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from somatrace.charts import RATING_MEASURES
from somatrace.therapy.models import NoteAmendment, Session


def current_note(session: Session, amendments: Sequence[NoteAmendment]) -> dict[str, str]:
    """The note as it reads now: the latest amendment, else the signed (or draft) original."""
    return (amendments[-1] if amendments else session).note


def rating_rows(session: Session) -> list[tuple[str, int | None, int | None, int | None]]:
    """(label, before, after, after - before) per rating; the change is None if either is."""
    rows = []
    for key, label, _ in RATING_MEASURES:
        before, after = getattr(session, f"pre_{key}"), getattr(session, f"post_{key}")
        delta = None if before is None or after is None else after - before
        rows.append((label, before, after, delta))
    return rows


def sign(session: Session, user: Any) -> Session:
    session.signed_at = timezone.now()
    session.signed_by = user
    session.save(update_fields=["signed_at", "signed_by", "updated_at"])
    return session
