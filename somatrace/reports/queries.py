"""What a progress report shows, read through visible_to(actor), in a bounded number of
queries (one per section). The doors render it (views.py) and audit it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from somatrace import charts as rating_charts
from somatrace.bodymaps import figures
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import VIEW_LABELS
from somatrace.bodymaps.models import Painting
from somatrace.bodymaps.raster import views_of
from somatrace.bodymaps.services import painting_raster
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.measures.models import Administration, Status
from somatrace.measures.panels import series_blocks
from somatrace.physio import charts as physio_charts
from somatrace.physio.models import Recording
from somatrace.reports import pdf
from somatrace.therapy.models import Session

MAX_SESSIONS = 100  # sessions (and recordings) in one report; the report says when cut
MAX_ADMINISTRATIONS = 200


@dataclass
class Report:
    client: Client
    start: date
    end: date
    sections: list[str]
    made_at: datetime
    context: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, list[int]] = field(default_factory=dict)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware datetimes in the practice's time zone, end day included."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _sessions(actor: Actor, client: Client, since: datetime, until: datetime) -> dict[str, Any]:
    found = list(
        Session.objects.visible_to(actor)
        .filter(client_id=client.pk, starts_at__gte=since, starts_at__lt=until)
        .order_by("starts_at", "pk")
        .only(
            "pk",
            "client_id",
            "practice_id",
            "starts_at",
            "duration_minutes",
            *(f"{p}_{k}" for p in ("pre", "post") for k in ("suds", "calm", "tension")),
        )[: MAX_SESSIONS + 1]
    )
    cut = len(found) > MAX_SESSIONS
    found = found[:MAX_SESSIONS]
    rows = [
        {
            "date": timezone.localtime(s.starts_at).date(),
            **{
                f"{p}_{k}": getattr(s, f"{p}_{k}")
                for p in ("pre", "post")
                for k in ("suds", "calm", "tension")
            },
        }
        for s in found
    ]
    chart_rows = rating_charts.ratings_rows(rows)
    return {
        "rows": rows,
        "cut": cut,
        "max": MAX_SESSIONS,
        "chart": pdf.chart_uri(rating_charts.ratings_chart(chart_rows)) if chart_rows else None,
        "ids": [s.pk for s in found],
    }


def _measures(actor: Actor, client: Client, since: datetime, until: datetime) -> dict[str, Any]:
    administrations = list(
        Administration.objects.visible_to(actor)
        .filter(
            client_id=client.pk,
            status=Status.COMPLETED,
            completed_at__gte=since,
            completed_at__lt=until,
        )
        .order_by("completed_at", "pk")[:MAX_ADMINISTRATIONS]
    )
    blocks = series_blocks(administrations)
    for block in blocks:
        block["chart_uri"] = pdf.chart_uri(block["chart"]) if block.get("chart") else None
        block["scores"] = [
            a
            for a in administrations
            if a.instrument == block["defn"].code and a.valid and a.total is not None
        ]
    return {"blocks": blocks, "ids": [a.pk for a in administrations]}


def _painting_image(painting: Painting) -> str:
    grid = painting_raster(painting)
    overlays = figures.painting_overlays(grid, figures.display_scale(grid, painting.body_shape))
    views = views_of(painting.body_shape)
    body = draw.png(painting.body_shape, overlays, [VIEW_LABELS[v] for v in views], views)
    return pdf.data_uri(body, "image/png")


def _bodymaps(actor: Actor, client: Client, since: datetime, until: datetime) -> dict[str, Any]:
    in_period = Painting.objects.visible_to(actor).filter(
        client_id=client.pk, created_at__gte=since, created_at__lt=until
    )
    first = in_period.order_by("created_at", "pk").first()
    last = in_period.order_by("-created_at", "-pk").first()
    maps = []
    if first is not None:
        maps.append(("First in the period", first))
    if last is not None and first is not None and last.pk != first.pk:
        maps.append(("Last in the period", last))
    return {
        "maps": [
            {
                "label": label,
                "painting": p,
                "day": timezone.localtime(p.created_at).date(),
                "image": _painting_image(p),
            }
            for label, p in maps
        ],
        "ids": [p.pk for _, p in maps],
    }


def _heart(actor: Actor, client: Client, since: datetime, until: datetime) -> dict[str, Any]:
    recordings = list(
        Recording.objects.visible_to(actor)
        .filter(
            client_id=client.pk,
            status=Recording.Status.DONE,
            session__starts_at__gte=since,
            session__starts_at__lt=until,
        )
        .select_related("session")
        .only("pk", "results", "client_id", "session_id", "session__starts_at")
        .order_by("session__starts_at", "pk")[:MAX_SESSIONS]
    )
    rows, chart_rows = [], []
    for rec in recordings:
        shift = (rec.results.get("windows") or {}).get("shift") or {}
        if not shift or rec.session is None:
            continue
        end = shift.get("end") or {}
        day = timezone.localtime(rec.session.starts_at).date()
        rows.append(
            {
                "date": day,
                "hr": end.get("hr_bpm"),
                "rmssd": end.get("rmssd_ms"),
                "sentence": shift.get("sentence", ""),
            }
        )
        for key, label in (("hr_bpm", "Heart rate (bpm)"), ("rmssd_ms", "RMSSD (ms)")):
            value = end.get(key)
            if value:
                chart_rows.append(
                    {
                        "date": day.isoformat(),
                        "measure": label,
                        "change": round(value[0], 1),
                        "low": round(value[1], 1),
                        "high": round(value[2], 1),
                    }
                )
    return {
        "rows": rows,
        "latest": rows[-1] if rows else None,
        "chart": pdf.chart_uri(physio_charts.shift_chart(chart_rows)) if chart_rows else None,
        "ids": [r.pk for r in recordings],
    }


SECTION_READERS = {
    "sessions": (_sessions, "therapy.session"),
    "measures": (_measures, "measures.administration"),
    "bodymaps": (_bodymaps, "bodymaps.painting"),
    "heart": (_heart, "physio.recording"),
}


def session_count(actor: Actor, client: Client, start: date, end: date) -> int:
    """How many sessions the report would cover: what decides whether it is made now."""
    since, until = _bounds(start, end)
    return (
        Session.objects.visible_to(actor)
        .filter(client_id=client.pk, starts_at__gte=since, starts_at__lt=until)
        .count()
    )


def progress_report(
    actor: Actor,
    client: Client,
    start: date,
    end: date,
    sections: list[str],
    on_section: Callable[[str], None] | None = None,
) -> Report:
    """Everything the progress report shows for `client` from `start` to `end` (inclusive).
    on_section(key) is called before each section is read (the background job's progress)."""
    since, until = _bounds(start, end)
    report = Report(client, start, end, sections, timezone.localtime())
    for key in sections:
        if on_section is not None:
            on_section(key)
        reader, kind = SECTION_READERS[key]
        part = reader(actor, client, since, until)
        report.context[key] = part
        report.shown[kind] = part.pop("ids")
    return report
