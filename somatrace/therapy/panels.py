"""Panels the therapy app adds to the client page and the dashboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, Window
from django.utils import timezone

from somatrace.charts import ratings_chart, ratings_rows
from somatrace.clients.models import ProgressSharing
from somatrace.clients.services import can_start_session
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.panels import Panel, PanelData
from somatrace.core.wallclock import local_days, local_instant
from somatrace.therapy import plain
from somatrace.therapy.models import RATING_FIELDS, Session
from somatrace.therapy.queries import client_aftercare, client_sessions

RECENT_DAYS = 14
MAX_RECENT = 12
MAX_UNSIGNED = 10
# A practitioner's day fits whole; an owner of a large clinic sees a few hundred sessions a
# day, so past this many the list starts at the sessions under way (docs/performance.md).
MAX_TODAY = 40
UNDER_WAY = timedelta(hours=2)  # a session that started this long ago may still be running
MAX_SCHEDULE = 10
# The client page shows the latest sessions and charts the latest rated ones; the rest are a
# page away (therapy/views/sessions.py client_sessions_page), so the page costs the same at
# 5 sessions as at 500 (docs/performance.md).
CLIENT_PAGE_SESSIONS = 20
CHART_SESSIONS = 20


def client_actions(actor: Actor, client: Any) -> PanelData | None:
    """Record a session / start a live one, when the client may have one."""
    if not actor.sees_clinical_data:
        return None
    allowed, _ = can_start_session(client)
    return PanelData({"client": client}) if allowed else None


_RATED = Q()
for _field in RATING_FIELDS:
    _RATED |= Q(**{f"{_field}__isnull": False})


def client_ratings(actor: Actor, client: Any) -> PanelData | None:
    """How sessions changed self-ratings: the chart of before/after pairs of the latest
    CHART_SESSIONS sessions that have ratings (one query, bounded)."""
    if not actor.sees_clinical_data:
        return None
    latest = list(
        Session.objects.visible_to(actor)
        .filter(_RATED, client_id=client.pk)
        .order_by("-starts_at", "-pk")
        .values("pk", "starts_at", *RATING_FIELDS)[: CHART_SESSIONS + 1]
    )
    more = len(latest) > CHART_SESSIONS
    rows = ratings_rows(
        {"date": timezone.localtime(s["starts_at"]).date(), **{f: s[f] for f in RATING_FIELDS}}
        for s in reversed(latest[:CHART_SESSIONS])
    )
    return PanelData(
        {
            "chart": ratings_chart(rows) if rows else None,
            "chart_rows": rows,
            "latest_only": more,
            "limit": CHART_SESSIONS,
            "client": client,
        }
    )


def client_session_list(actor: Actor, client: Any) -> PanelData | None:
    """The latest sessions with their ratings change and whether the note is signed, and how
    many there are in all (two queries, however many sessions)."""
    if not actor.sees_clinical_data:
        return None
    # COUNT(*) OVER (): the total comes with the latest rows, in the same query.
    sessions = list(
        client_sessions(actor, client.pk).annotate(total=Window(Count("pk")))[:CLIENT_PAGE_SESSIONS]
    )
    total = sessions[0].total if sessions else 0
    return PanelData(
        {"sessions": sessions, "total": total, "client": client},
        {"therapy.session": [s.pk for s in sessions]},
    )


def client_schedule(actor: Actor, client: Any) -> PanelData | None:
    """For assistants: when the client's sessions are, with whom; nothing clinical."""
    if actor.sees_clinical_data:
        return None
    sessions = list(
        Session.objects.visible_to(actor, clinical=False)
        .filter(client_id=client.pk)
        .select_related("practitioner")
        .only("pk", "starts_at", "duration_minutes", "practitioner__full_name", "client_id")
        .order_by("-starts_at")[:MAX_SCHEDULE]
    )
    return PanelData({"upcoming": sessions}, {"therapy.session": [s.pk for s in sessions]})


def _schedule(actor: Actor) -> Any:
    """The sessions the dashboard lists. Visibility goes through the client; naming the
    session's own practice as well (the same practice) lets the database walk the session
    index on (practice, starts_at) from the newest down and stop at the limit, instead of
    sorting every session of the practice (docs/performance.md)."""
    return (
        Session.objects.visible_to(actor, clinical=actor.sees_clinical_data)
        .filter(practice_id=actor.practice_id)
        .select_related("client", "practitioner")
    )


def _shown(sessions: list[Session]) -> dict[str, list[int]]:
    return {
        "therapy.session": [s.pk for s in sessions],
        "clients.client": [s.client_id for s in sessions],
    }


def dashboard_today(actor: Actor, _: Any) -> PanelData | None:
    """Today's sessions held without an appointment (recorded or started from the client
    page): the whole day, or on a day longer than MAX_TODAY, the MAX_TODAY from those under
    way on (the page costs the same at 8 sessions a day as at 300). None when there are none:
    the calendar's panel lists the day's appointments."""
    start, end = local_days(timezone.localdate())
    # Sessions started from an appointment are listed by the calendar's panel (scheduling):
    # only sessions with no appointment here, so nothing is listed twice.
    day = _schedule(actor).filter(starts_at__gte=start, starts_at__lt=end, appointment__isnull=True)
    total = day.count()
    if not total:
        return None
    if total > MAX_TODAY:
        day = day.filter(starts_at__gte=max(start, timezone.now() - UNDER_WAY))
    todays = list(day.order_by("starts_at")[:MAX_TODAY])
    return PanelData(
        {
            "todays": todays,
            "total": total,
            "clinical": actor.sees_clinical_data,
            "user_id": actor.user_id,
        },
        _shown(todays),
    )


def dashboard_unsigned(actor: Actor, _: Any) -> PanelData | None:
    """The actor's own notes still to sign."""
    if not actor.sees_clinical_data:
        return None
    unsigned = list(
        _schedule(actor)
        .filter(signed_at__isnull=True, starts_at__lt=timezone.now(), practitioner_id=actor.user_id)
        .order_by("-starts_at")[:MAX_UNSIGNED]
    )
    return PanelData({"unsigned": unsigned, "limit": MAX_UNSIGNED}, _shown(unsigned))


def dashboard_recent(actor: Actor, _: Any) -> PanelData:
    start = local_instant(timezone.localdate())
    recent = list(
        _schedule(actor)
        .filter(starts_at__lt=start, starts_at__gte=start - timedelta(days=RECENT_DAYS))
        .order_by("-starts_at")[:MAX_RECENT]
    )
    return PanelData({"recent": recent, "clinical": actor.sees_clinical_data}, _shown(recent))


PANELS = [
    Panel("client", "actions", 10, "therapy/panels/client_actions.html", client_actions),
    Panel("client", "main", 10, "therapy/panels/client_ratings.html", client_ratings),
    Panel("client", "main", 90, "therapy/panels/client_sessions.html", client_session_list),
    Panel("client", "main", 91, "therapy/panels/client_schedule.html", client_schedule),
    Panel("dashboard", "left", 10, "therapy/panels/dashboard_today.html", dashboard_today),
    Panel("dashboard", "left", 20, "therapy/panels/dashboard_unsigned.html", dashboard_unsigned),
    Panel("dashboard", "right", 20, "therapy/panels/dashboard_recent.html", dashboard_recent),
]


# --- The client's own portal ----------------------------------------------------------------

MAX_PORTAL_SESSIONS = 12


def _own_portal(actor: Actor, client: Any) -> bool:
    return actor.kind is ActorKind.CLIENT and actor.client_id == client.pk


def portal_latest_aftercare(actor: Actor, client: Any) -> PanelData | None:
    """The aftercare from the client's latest session that has some (one query)."""
    if not _own_portal(actor, client):
        return None
    latest = client_aftercare(actor, client.pk).first()
    if latest is None:
        return None
    return PanelData({"session": latest}, {"therapy.session": [latest.pk]})


def portal_ratings(actor: Actor, client: Any) -> PanelData | None:
    """The client's own before/after ratings, in words and as the chart the practitioner sees;
    only when the practitioner shares ratings (two queries)."""
    if not _own_portal(actor, client) or "ratings" not in ProgressSharing.shared_with(client.pk):
        return None
    sessions = list(
        Session.objects.visible_to(actor)
        .filter(client_id=client.pk, starts_at__lte=timezone.now())
        .order_by("starts_at")
        .values("pk", "starts_at", *RATING_FIELDS)
    )
    dated = [
        {"date": timezone.localtime(s["starts_at"]).date(), **{f: s[f] for f in RATING_FIELDS}}
        for s in sessions
    ]
    rows = ratings_rows(dated)
    sentences = [
        sentence
        for s in reversed(dated[-MAX_PORTAL_SESSIONS:])
        if (sentence := plain.session_sentence(s["date"], s)) is not None
    ]
    return PanelData(
        {
            "chart": ratings_chart(rows) if rows else None,
            "chart_rows": rows,
            "overall": plain.overall_sentences(dated),
            "sentences": sentences,
            "what_it_means": plain.WHAT_IT_MEANS,
        },
        {"therapy.session": [s["pk"] for s in sessions]},
    )


PANELS += [
    Panel("portal", "main", 20, "therapy/panels/portal_aftercare.html", portal_latest_aftercare),
    Panel("progress", "main", 10, "therapy/panels/portal_ratings.html", portal_ratings),
]
