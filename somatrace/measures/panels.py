"""Panels the outcome measures app adds to the client page and the dashboard."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.utils import timezone

from somatrace.clients.models import ProgressSharing
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.panels import Panel, PanelData
from somatrace.measures import change, charts, instruments, plain, summary
from somatrace.measures.forms import AssignForm, GiveForm
from somatrace.measures.models import (
    AccessLink,
    Administration,
    Assignment,
    PracticeMeasures,
    Status,
)

STATUS_BADGE = {
    "recovered": "badge-ok",
    "improved": "badge-ok",
    "unchanged": "",
    "deteriorated": "badge-danger",
    "trend": "",
    "baseline": "",
}


def _points(value: float) -> str:
    """15.0 -> '15', 5.9 -> '5.9', 5.59 -> '5.59', 8.2557 -> '8.26'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def series_blocks(administrations: list[Administration]) -> list[dict[str, Any]]:
    by_code: dict[str, list[summary.Point]] = defaultdict(list)
    for a in administrations:
        if a.status == Status.COMPLETED and a.valid and a.completed_at is not None:
            day = timezone.localtime(a.completed_at).date()
            by_code[a.instrument].append(summary.Point(day, a.total, a.subscales or {}))
    blocks = []
    for code in instruments.ORDER:
        points = by_code.get(code)
        if not points:
            continue
        defn = instruments.INSTRUMENTS[code]
        result = summary.series(code, points)
        block: dict[str, Any] = {
            "defn": defn,
            "series": result,
            # The smallest reliable change and the cut-off, shown even with a single score.
            "threshold": _points(change.Z_RELIABLE * change.s_diff(defn.change))
            if defn.change
            else "",
            "cutoff": change.cutoff(defn.change) if defn.change else None,
            "badge": STATUS_BADGE[result.status],
            "first": points[0],
            "latest": points[-1],
            "n": len(points),
        }
        if defn.has_total:
            first = points[0]
            rows = [
                {
                    "date": p.day.isoformat(),
                    "score": p.total,
                    "change": summary.point_change(defn, first, p),
                }
                for p in points
            ]
            block["chart"] = charts.instrument_chart(defn, rows)
            block["rows"] = rows
        if defn.subscales and defn.code == "MAIA2":
            profile = []
            titles = {s.key: s.title for s in defn.subscales}
            whens = [("First", points[0])] + ([("Latest", points[-1])] if len(points) > 1 else [])
            for when, point in whens:
                for key, title in titles.items():
                    if key in point.subscales:
                        profile.append(
                            {
                                "subscale": title,
                                "when": when,
                                "mean": round(point.subscales[key], 2),
                            }
                        )
            block["profile"] = charts.maia_profile_chart(profile)
            block["profile_rows"] = profile
        blocks.append(block)
    return blocks


def client_panel(actor: Actor, client: Any) -> PanelData | None:
    """Scores over time with the honest reading of change, what is waiting, the schedules."""
    if not actor.sees_clinical_data:
        return None
    administrations = list(
        Administration.objects.visible_to(actor)
        .filter(client_id=client.pk)
        .exclude(status=Status.CANCELLED)
        .order_by("created_at", "pk")
    )
    assignments = list(
        Assignment.objects.visible_to(actor).filter(client_id=client.pk, active=True)
    )
    enabled = PracticeMeasures.enabled_for(client.practice_id)
    pending = [a for a in reversed(administrations) if a.status == Status.PENDING]
    # Latest link of each pending questionnaire, in one query.
    latest_link: dict[int, AccessLink] = {}
    for made in AccessLink.objects.filter(administration__in=[a.pk for a in pending]).order_by(
        "created_at"
    ):
        latest_link[made.administration_id] = made
    now = timezone.now()
    for a in pending:
        link = latest_link.get(a.pk)
        a.link_state = (
            ""
            if link is None
            else "replaced"
            if link.revoked_at
            else "expired"
            if link.expires_at <= now
            else f"link sent, expires {timezone.localtime(link.expires_at):%-d %b}"
        )
    completed = [a for a in reversed(administrations) if a.status == Status.COMPLETED][:10]
    # Marked by the link-expiry job (tasks.py): sent by link, not answered in time.
    missed = [a for a in reversed(administrations) if a.status == Status.EXPIRED][:5]
    return PanelData(
        {
            "show": True,
            "client": client,
            "blocks": series_blocks(administrations),
            "pending": pending,
            "completed": completed,
            "missed": missed,
            "assignments": assignments,
            "assign_form": AssignForm(enabled=enabled, auto_id="assign_%s"),
            "give_form": GiveForm(enabled=enabled, auto_id="give_%s"),
        },
        {
            "measures.administration": [a.pk for a in administrations],
            "measures.assignment": [a.pk for a in assignments],
        },
    )


def dashboard_panel(actor: Actor, _: Any) -> PanelData | None:
    """How many questionnaires wait and how many came back this week (two counts)."""
    if not actor.sees_clinical_data:
        return None
    visible = Administration.objects.visible_to(actor)
    week_ago = timezone.now() - timedelta(days=7)
    return PanelData(
        {
            "show": True,
            "is_owner": actor.is_owner,
            "pending": visible.filter(status=Status.PENDING).count(),
            "completed_week": visible.filter(
                status=Status.COMPLETED, completed_at__gte=week_ago
            ).count(),
        }
    )


PANELS = [
    Panel("client", "main", 20, "measures/panels/client.html", client_panel),
    Panel("dashboard", "summary", 10, "measures/panels/dashboard.html", dashboard_panel),
]


# --- The client's own progress in the portal, when their practitioner shares it -------------


def portal_scores(actor: Actor, client: Any) -> PanelData | None:
    """Questionnaire scores over time with the honest reading of change, in plain words; only
    for the client themselves, and only when the practitioner shares scores (two queries)."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != client.pk:
        return None
    if "scores" not in ProgressSharing.shared_with(client.pk):
        return None
    administrations = list(
        Administration.objects.visible_to(actor)
        .filter(client_id=client.pk, status=Status.COMPLETED, valid=True)
        .order_by("completed_at", "pk")
    )
    blocks = series_blocks(administrations)
    for block in blocks:
        block["reading"] = plain.reading(block["series"])
        block["direction"] = plain.direction_words(block["defn"])
    return PanelData(
        {"blocks": blocks, "what_it_means": plain.WHAT_IT_MEANS},
        {"measures.administration": [a.pk for a in administrations]},
    )


PANELS.append(Panel("progress", "main", 20, "measures/panels/portal_scores.html", portal_scores))
