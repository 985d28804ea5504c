"""Panels the physiology app adds to the client page, the session page and the console."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData
from somatrace.physio import charts, formats, services
from somatrace.physio.forms import MethodForm, OffsetForm, UploadForm
from somatrace.physio.models import Recording

MAX_PANEL_RECORDINGS = 10
MAX_CLIENT_SESSIONS = 60


def recording_context(
    recording: Recording, marks: list[services.Mark] | None = None
) -> dict[str, Any]:
    """What the recording card shows: tables, charts, the shift sentence.

    marks: the session's timeline marks when the caller has them already (one read per
    session, however many recordings it has); read here otherwise.
    """
    results = recording.results or {}
    ctx: dict[str, Any] = {"recording": recording, "results": results}
    if recording.status != Recording.Status.DONE:
        return ctx
    rr = recording.rr_array()
    flags = recording.flag_array()
    ctx["quality"] = quality_context(results.get("quality"))
    ctx["notes"] = [n for n in results.get("notes") or [] if not n.startswith("signal '")]
    win = results.get("windows")
    t0 = services.t0_seconds(recording)
    session_end = win["session_end_s"] if win else None
    if marks is None:
        marks = services.session_marks(recording.session) if recording.session else []
    beats, corrected = charts.tachogram_rows(rr, flags, t0 if t0 is not None else 0.0)
    shift = t0 if t0 is not None else 0.0
    poor_spans = [
        (a + shift, b + shift) for a, b in (results.get("quality") or {}).get("bridged_s", [])
    ]
    ctx["tachogram"] = charts.tachogram_chart(beats, corrected, session_end, marks, poor_spans)
    ctx["event_rows"] = charts.event_rows(marks)
    ctx["aligned"] = win is not None
    if win:
        ctx["windows_chart"] = charts.windows_chart(
            win["short"], session_end, marks, win.get("frequency")
        )
        ctx["window_rows"] = [
            {
                "minute": round(w["mid_s"] / 60, 1),
                "heart rate (bpm)": w["hr_bpm"] if w["hr_bpm"] is not None else w["reason"],
                "RMSSD (ms)": w["rmssd_ms"] if w["rmssd_ms"] is not None else w["reason"],
                "corrected beats": f"{w['n_corrected']} of {w['n_beats']}",
            }
            for w in win["short"][::2]
        ]
        ctx["segments"] = [
            ("Before (baseline)", win["segments"]["baseline"]),
            ("Session", win["segments"]["session"]),
            ("After", win["segments"]["after"]),
        ]
        ctx["shift"] = win["shift"]
    else:
        ctx["window_rows"] = []
    ctx["offset_form"] = OffsetForm(
        initial={"offset_seconds": recording.offset_seconds},
        auto_id=f"id_physio_{recording.pk}_%s",  # several recordings on one page
    )
    ctx["method_form"] = MethodForm(
        initial={"method": recording.method},
        auto_id=f"id_physio_{recording.pk}_m_%s",
    )
    return ctx


def quality_context(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the recording card says about ECG signal quality (None for RR recordings)."""
    if not summary:
        return None
    spans = summary.get("bridged_s") or []
    return {
        "checked": True,
        "n_windows": summary.get("n_windows", 0),
        "n_poor": summary.get("n_poor", 0),
        "percent_poor": round(100 * float(summary.get("poor_fraction", 0.0))),
        "spans": [{"from": round(a / 60, 1), "to": round(b / 60, 1)} for a, b in spans[:12]],
        "more_spans": max(len(spans) - 12, 0),
        "method": summary.get("method", ""),
    }


def client_panel(actor: Actor, client: Any) -> PanelData | None:
    """Per-session shift across sessions, and the client's recordings (two queries)."""
    if not actor.sees_clinical_data:
        return None
    visible = Recording.objects.visible_to(actor).filter(client_id=client.pk)
    recordings = list(
        visible.select_related("session").defer("rr_ms", "flags", "raw_rr_ms", "results")[
            :MAX_PANEL_RECORDINGS
        ]
    )
    rows = []
    ids = []
    if recordings:
        done = (
            visible.filter(status=Recording.Status.DONE, session__isnull=False)
            .select_related("session")
            .only("pk", "results", "session__starts_at", "client_id", "session_id")
            .order_by("-session__starts_at")[:MAX_CLIENT_SESSIONS]
        )
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
    return PanelData(
        {
            "visible": True,
            "client": client,
            "recordings": recordings,
            "shift_rows": rows,
            "spec": charts.shift_chart(rows) if rows else None,
        },
        {"physio.recording": sorted({r.pk for r in recordings} | set(ids))},
    )


def session_panel(actor: Actor, session: Any) -> PanelData | None:
    """The session's recordings with charts and the shift, and the upload form (one query)."""
    if not actor.sees_clinical_data:
        return None
    recordings = list(
        Recording.objects.visible_to(actor)
        .filter(session_id=session.pk)
        .select_related("session", "client__practice")[:MAX_PANEL_RECORDINGS]
    )
    marks = services.session_marks(session) if recordings else []
    return PanelData(
        {
            "session": session,
            "recordings": [recording_context(r, marks) for r in recordings],
            "form": UploadForm(auto_id="id_physio_%s"),
            "upload_url": reverse("physio_upload_session", args=[session.pk]),
        },
        {"physio.recording": [r.pk for r in recordings]},
    )


def live_config(session: Any) -> dict[str, Any]:
    """What the live recorder's script (static/js/physio/live.js) needs from the server, given
    to it as JSON (json_script "physio-live-config"), so that no limit is copied into it."""
    return {
        "sessionId": session.pk,
        "postUrl": reverse("physio_live", args=[session.pk]),
        "maxBatch": services.MAX_LIVE_BATCH,
        "maxRrMs": formats.MAX_RR_MS,
    }


def console_strap(actor: Actor, session: Any) -> PanelData | None:
    """The live chest-strap recorder, for the session console (one query)."""
    if not actor.sees_clinical_data:
        return None
    return PanelData(
        {
            "session": session,
            "stored": services.live_beats_stored(session),
            "live_config": live_config(session),
        }
    )


PANELS = [
    Panel("client", "main", 40, "physio/panels/client.html", client_panel),
    Panel("session", "main", 40, "physio/panels/session.html", session_panel),
    Panel("console", "strap", 10, "physio/_live_strap.html", console_strap),
]
