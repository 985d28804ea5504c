"""Panels the physiology app adds to the client page, the session page and the console."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.paginator import Page, Paginator
from django.urls import reverse

from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData
from somatrace.physio import charts, formats, services
from somatrace.physio.forms import MethodForm, OffsetForm, UploadForm
from somatrace.physio.models import Recording

MAX_PANEL_RECORDINGS = 10
MAX_CLIENT_SESSIONS = 60
WINDOW_ROWS_PER_PAGE = 50  # the recording page's table of 60-second windows, paged
TACHOGRAM_CAPTION = (
    "Time between heartbeats (RR interval) over the recording. Corrected beats are marked "
    "with orange crosses; the grey band is the session; vermillion bands are poor ECG signal; "
    "dashed lines are session events (labels are left out where they would overlap: hover a "
    "line, or see the table of events)."
)
WINDOWS_CAPTION = (
    "Heart rate and RMSSD in 60-second windows, HF power in 5-minute windows. Windows with "
    "more than half of their beats corrected are left out."
)


def window_rows(short: list[dict[str, Any]], page: str | int | None) -> Page:
    """One page of the table of 60-second windows (every other 30-s step: windows that do
    not overlap), WINDOW_ROWS_PER_PAGE rows; a page number out of range or not a number gives
    the nearest page (Paginator.get_page), never an error."""
    rows = [
        {
            "minute": round(w["mid_s"] / 60, 1),
            "hr": w["hr_bpm"],
            "rmssd": w["rmssd_ms"],
            "reason": w.get("reason", ""),
            "corrected": f"{w['n_corrected']} of {w['n_beats']}",
        }
        for w in short[::2]
    ]
    return Paginator(rows, WINDOW_ROWS_PER_PAGE).get_page(page)


def recording_context(
    recording: Recording,
    marks: list[services.Mark] | None = None,
    *,
    windows_page: str | int | None = None,
    table: bool = True,
) -> dict[str, Any]:
    """What the recording card shows: summary, charts (downsampled for long recordings, see
    charts.py), the shift sentence and, when `table`, one page of the windows table
    (windows_page, from the query string).

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
    note = charts.tachogram_note(
        len(beats), int(rr.size), len(corrected), int(np.count_nonzero(flags))
    )
    ctx["tachogram"] = charts.tachogram_chart(
        beats, corrected, session_end, marks, poor_spans, note=note
    )
    ctx["tachogram_caption"] = f"{TACHOGRAM_CAPTION} {note}" if note else TACHOGRAM_CAPTION
    ctx["event_rows"] = charts.event_rows(marks)
    ctx["aligned"] = win is not None
    if win:
        ctx["windows_chart"] = charts.windows_chart(
            win["short"], session_end, marks, win.get("frequency")
        )
        title = ctx["windows_chart"].get("title")
        ctx["windows_caption"] = f"{WINDOWS_CAPTION} {title['text']}" if title else WINDOWS_CAPTION
        ctx["window_page"] = window_rows(win["short"], windows_page) if table else None
        ctx["n_windows"] = (len(win["short"]) + 1) // 2
        ctx["segments"] = [
            ("Before (baseline)", win["segments"]["baseline"]),
            ("Session", win["segments"]["session"]),
            ("After", win["segments"]["after"]),
        ]
        ctx["shift"] = win["shift"]
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
            "recordings": [recording_context(r, marks, table=False) for r in recordings],
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
        "finishUrl": reverse("physio_live_finish", args=[session.pk]),
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
