"""Who is in a research cohort and what is read about them: a fixed number of queries
whatever the cohort's size (pages assert it).

Only clients with a signed consent that includes research use, not withdrawn and whose
research use was not withdrawn (research.ResearchWithdrawal), appear anywhere in research.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from somatrace.bodymaps.atlas import BODY_SHAPES
from somatrace.bodymaps.models import Moment, Painting
from somatrace.clients.models import Client, ConsentRecord, Tag
from somatrace.core.actor import Actor
from somatrace.measures import instruments
from somatrace.measures.models import Administration
from somatrace.measures.models import Status as AdminStatus
from somatrace.physio.models import Recording
from somatrace.therapy.models import EventKind, Session, TimelineEvent

RESEARCH_INSTRUMENTS = tuple(c for c in instruments.ORDER if c != "SUDS")


def research_consents(client_path: str = "") -> QuerySet[ConsentRecord]:
    """Consents that let a client into research (to be narrowed to one client by OuterRef)."""
    return ConsentRecord.objects.filter(
        research_use=True, withdrawn_at__isnull=True, research_withdrawal__isnull=True
    )


def consenting(actor: Actor) -> QuerySet[Client]:
    """Clients the actor may see who agreed to research use and have not withdrawn it."""
    agreed = research_consents().filter(client=OuterRef("pk"))
    return Client.objects.visible_to(actor).filter(Exists(agreed))


@dataclass(frozen=True)
class Filters:
    """A cohort: sessions and scores from ``start`` to ``end`` (inclusive, None: open);
    clients with the tag ``tag`` (a tag name, "" for any); with at least ``min_sessions``
    sessions in that time; the instruments analysed (codes)."""

    start: date | None = None
    end: date | None = None
    tag: str = ""
    min_sessions: int = 0
    instruments: tuple[str, ...] = RESEARCH_INSTRUMENTS

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "tag": self.tag,
            "min_sessions": self.min_sessions,
            "instruments": list(self.instruments),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Filters:
        def day(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        codes = tuple(c for c in data.get("instruments") or () if c in RESEARCH_INSTRUMENTS)
        return cls(
            start=day(data.get("start")),
            end=day(data.get("end")),
            tag=str(data.get("tag") or ""),
            min_sessions=int(data.get("min_sessions") or 0),
            instruments=codes or RESEARCH_INSTRUMENTS,
        )

    def describe(self) -> str:
        parts = [
            f"from {self.start:%Y-%m-%d}" if self.start else "from the first record",
            f"to {self.end:%Y-%m-%d}" if self.end else "to today",
        ]
        if self.tag:
            parts.append(f"tagged “{self.tag}”")
        if self.min_sessions:
            parts.append(f"at least {self.min_sessions} sessions")
        parts.append(", ".join(instruments.INSTRUMENTS[c].short_title for c in self.instruments))
        return "; ".join(parts)


@dataclass
class Cohort:
    """The cohort's data, by internal client id (never shown: pages and exports show
    counts or research ids). flow: (step, clients left, excluded at this step and why)."""

    client_ids: list[int]
    flow: list[tuple[str, int, str]]
    sessions: dict[int, list[datetime]] = field(default_factory=dict)
    scores: dict[str, list[tuple[int, date, float]]] = field(default_factory=dict)
    birth: dict[int, date | None] = field(default_factory=dict)
    tags: dict[int, tuple[str, ...]] = field(default_factory=dict)


def _in_window(filters: Filters, lookup: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if filters.start:
        found[f"{lookup}__date__gte"] = filters.start
    if filters.end:
        found[f"{lookup}__date__lte"] = filters.end
    return found


def cohort(actor: Actor, filters: Filters) -> Cohort:
    """Five queries: clients, consenting clients with tags, sessions, scores."""
    total = Client.objects.visible_to(actor).count()
    people = list(consenting(actor).values_list("pk", "date_of_birth").order_by("pk"))
    tag_rows = Tag.clients.through.objects.filter(client__in=consenting(actor)).values_list(
        "client_id", "tag__name"
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for client_id, name in tag_rows:
        tags[client_id].append(name)
    flow = [("Clients in the practice", total, "")]
    flow.append(
        (
            "Agreed to research use (not withdrawn)",
            len(people),
            f"{total - len(people)} without research consent or withdrawn",
        )
    )
    if filters.tag:
        kept = [(pk, dob) for pk, dob in people if filters.tag in tags.get(pk, [])]
        flow.append((f"Tagged “{filters.tag}”", len(kept), f"{len(people) - len(kept)} without"))
        people = kept
    ids = [pk for pk, _ in people]
    sessions: dict[int, list[datetime]] = defaultdict(list)
    for client_id, starts_at in (
        Session.objects.visible_to(actor)
        .filter(client__in=consenting(actor), **_in_window(filters, "starts_at"))
        .values_list("client_id", "starts_at")
        .order_by("starts_at", "pk")
    ):
        sessions[client_id].append(starts_at)
    if filters.min_sessions:
        kept_ids = [pk for pk in ids if len(sessions.get(pk, [])) >= filters.min_sessions]
        flow.append(
            (
                f"At least {filters.min_sessions} sessions in the period",
                len(kept_ids),
                f"{len(ids) - len(kept_ids)} with fewer",
            )
        )
        ids = kept_ids
    keep = set(ids)
    scores: dict[str, list[tuple[int, date, float]]] = {c: [] for c in filters.instruments}
    for client_id, code, completed_at, total_score in (
        Administration.objects.visible_to(actor)
        .filter(
            client__in=consenting(actor),
            instrument__in=filters.instruments,
            status=AdminStatus.COMPLETED,
            valid=True,
            total__isnull=False,
            **_in_window(filters, "completed_at"),
        )
        .values_list("client_id", "instrument", "completed_at", "total")
        .order_by("completed_at", "pk")
    ):
        if client_id in keep and completed_at is not None and total_score is not None:
            scores[code].append((client_id, completed_at.date(), float(total_score)))
    return Cohort(
        client_ids=ids,
        flow=flow,
        sessions={k: v for k, v in sessions.items() if k in keep},
        scores=scores,
        birth={pk: dob for pk, dob in people if pk in keep},
        tags={pk: tuple(sorted(tags.get(pk, []))) for pk in ids},
    )


def suds_shifts(actor: Actor, client_ids: list[int]) -> list[tuple[int, int, float]]:
    """(client, number of the session among the client's sessions with SUDS check-ins, from 1,
    last − first SUDS of the session) for sessions with at
    least two SUDS check-ins. One query."""
    by_session: dict[int, list[tuple[int, int]]] = defaultdict(list)  # (client, SUDS)
    order: dict[int, tuple[int, datetime]] = {}
    keep = set(client_ids)
    for session_id, client_id, starts_at, suds in (
        TimelineEvent.objects.visible_to(actor)
        .filter(kind=EventKind.SUDS, suds__isnull=False, session__client__in=keep)
        .values_list("session_id", "session__client_id", "session__starts_at", "suds")
        .order_by("session__starts_at", "at", "pk")
    ):
        if suds is None:
            continue
        by_session[session_id].append((client_id, suds))
        order[session_id] = (client_id, starts_at)
    numbers: dict[int, int] = defaultdict(int)
    rows: list[tuple[int, int, float]] = []
    for session_id in sorted(order, key=lambda s: order[s][1]):
        client_id = order[session_id][0]
        numbers[client_id] += 1
        values = [v for _, v in by_session[session_id]]
        if len(values) >= 2:
            rows.append((client_id, numbers[client_id], float(values[-1] - values[0])))
    return rows


def hrv_shifts(actor: Actor, client_ids: list[int]) -> list[tuple[int, int, float]]:
    """(client, session number from 1, RMSSD change from baseline to the end of the session,
    ms) from analysed recordings. One query."""
    rows: list[tuple[int, int, float]] = []
    numbers: dict[int, int] = defaultdict(int)
    for client_id, results in (
        Recording.objects.visible_to(actor)
        .filter(status=Recording.Status.DONE, session__isnull=False, client__in=client_ids)
        .values_list("client_id", "results")
        .order_by("session__starts_at", "pk")
    ):
        numbers[client_id] += 1
        shift = ((results or {}).get("windows") or {}).get("shift") or {}
        value = (shift.get("end") or {}).get("rmssd_ms")
        if value:
            rows.append((client_id, numbers[client_id], float(value[0])))
    return rows


BODY_LIMIT = 2000  # most recent before/after maps read (as the group body map page)


def body_pairs(actor: Actor, client_ids: list[int]) -> list[tuple[Any, Any]]:
    """Per cohort client, the stored statistics of the maps before and after their latest
    session with both (CHOIR outlines). One query."""
    paintings = (
        Painting.objects.visible_to(actor)
        .filter(
            client__in=client_ids,
            session__isnull=False,
            moment__in=[Moment.PRE, Moment.POST],
            body_shape__in=BODY_SHAPES,
        )
        .only("id", "client_id", "session_id", "moment", "stats", "created_at")
        .order_by("-created_at")[:BODY_LIMIT]
    )
    by_session: dict[int, dict[str, Any]] = {}
    for p in paintings:
        by_session.setdefault(p.session_id or 0, {}).setdefault(p.moment, p)
    pairs: dict[int, tuple[Any, Any]] = {}
    for found in by_session.values():  # newest session first
        if Moment.PRE in found and Moment.POST in found:
            after = found[Moment.POST]
            pairs.setdefault(after.client_id, (found[Moment.PRE].stats, after.stats))
    return list(pairs.values())
