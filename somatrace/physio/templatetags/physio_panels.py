"""Panels the physiology app adds to the client, session and dashboard pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from somatrace.audit import log as audit
from somatrace.physio import services
from somatrace.physio.forms import UploadForm
from somatrace.physio.models import Recording

register = template.Library()

MAX_PANEL_RECORDINGS = 10
MAX_CLIENT_SESSIONS = 60


@register.inclusion_tag("physio/panels/client.html", takes_context=True)
def physio_client_panel(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """Per-session shift across sessions, and the client's recordings (two queries)."""
    from somatrace.physio.charts import shift_chart

    request = context.get("request")
    user = getattr(request, "user", None)
    visible = Recording.objects.visible_to(user).filter(client=client)
    recordings = list(
        visible.select_related("session").defer("rr_ms", "flags", "raw_rr_ms", "results")[
            :MAX_PANEL_RECORDINGS
        ]
    )
    if not recordings and not visible.exists():
        from somatrace.clients.models import Client

        seen = Client.objects.visible_to(user, clinical=True).filter(pk=client.pk).exists()
        return {"visible": seen, "client": client, "recordings": [], "shift_rows": []}
    rows = []
    done = (
        visible.filter(status=Recording.Status.DONE, session__isnull=False)
        .select_related("session")
        .only("pk", "results", "session__starts_at", "client_id", "session_id")
        .order_by("-session__starts_at")[:MAX_CLIENT_SESSIONS]
    )
    ids = []
    for rec in done:
        shift = (rec.results.get("windows") or {}).get("shift") or {}
        end = shift.get("end") or {}
        ids.append(rec.pk)
        day = rec.session.starts_at.date().isoformat() if rec.session else ""
        for key, label in (("hr_bpm", "Heart rate (bpm)"), ("rmssd_ms", "RMSSD (ms)")):
            value = end.get(key)
            if value:
                rows.append(
                    {
                        "date": day,
                        "measure": label,
                        "change": round(value[0], 1),
                        "low": round(value[1], 1),
                        "high": round(value[2], 1),
                    }
                )
    if request is not None and (recordings or ids):
        audit.listed(
            request,
            "physio.recording",
            sorted({r.pk for r in recordings} | set(ids)),
            client_id=client.pk,
        )
    return {
        "visible": True,
        "client": client,
        "recordings": recordings,
        "shift_rows": rows,
        "spec": shift_chart(rows) if rows else None,
    }


@register.inclusion_tag("physio/panels/session.html", takes_context=True)
def physio_session_panel(context: dict[str, Any], session: Any) -> dict[str, Any]:
    """The session's recordings with charts and the shift, and the upload form (one query)."""
    from somatrace.physio.views import recording_context

    request = context.get("request")
    user = getattr(request, "user", None)
    recordings = list(
        Recording.objects.visible_to(user)
        .filter(session=session)
        .select_related("session", "client__practice")[:MAX_PANEL_RECORDINGS]
    )
    if request is not None and recordings:
        audit.listed(
            request, "physio.recording", [r.pk for r in recordings], client_id=session.client_id
        )
    marks = services.session_marks(session) if recordings else []
    return {
        "session": session,
        "recordings": [recording_context(r, marks) for r in recordings],
        "form": UploadForm(auto_id="id_physio_%s"),
        "upload_url": reverse("physio_upload_session", args=[session.pk]),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("physio/_live_strap.html", takes_context=True)
def physio_live_strap(context: dict[str, Any], session: Any) -> dict[str, Any]:
    """The live chest-strap recorder, for the session console (one query)."""
    return {
        "session": session,
        "stored": services.live_beats_stored(session),
        "csrf_token": context.get("csrf_token"),
    }
