"""Reads of outcome scores shared by several doors (the caseload page, the caseload CSV)."""

from __future__ import annotations

from collections import defaultdict

from somatrace.core.actor import Actor
from somatrace.measures import summary
from somatrace.measures.models import Administration, Status


def caseload_points(actor: Actor) -> dict[tuple[int, str], list[summary.Point]]:
    """{(client_id, instrument): valid scored points in time order} for every client the
    actor sees (one query); summary.caseload turns them into suppressed counts."""
    rows = (
        Administration.objects.visible_to(actor)
        .filter(status=Status.COMPLETED, valid=True, total__isnull=False)
        .order_by("completed_at", "pk")
        .values_list("client_id", "instrument", "completed_at", "total")
    )
    per_client: dict[tuple[int, str], list[summary.Point]] = defaultdict(list)
    for client_id, code, completed_at, total in rows:
        if completed_at is not None:  # always set on a completed administration
            per_client[(client_id, code)].append(summary.Point(completed_at.date(), total))
    return dict(per_client)
