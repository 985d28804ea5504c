"""The API's measures, heart recordings and body maps: read (summary fields), and a heart
recording uploaded through the same service as the web upload (physio.services.save_upload)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Schema, Status
from ninja.files import UploadedFile

from somatrace.api.views.rest import (
    ApiError,
    PageQuery,
    RecordId,
    client_for,
    errors,
    need,
    page,
    v1,
)
from somatrace.audit import services as audit
from somatrace.bodymaps.models import Painting, RegionFinding
from somatrace.core.errors import RuleError
from somatrace.measures.models import Administration
from somatrace.physio import formats
from somatrace.physio import services as physio
from somatrace.physio.forms import UploadForm
from somatrace.physio.models import Recording
from somatrace.physio.tasks import process_upload
from somatrace.therapy.models import Session

# --- Questionnaires ----------------------------------------------------------------------------


class AdministrationOut(Schema):
    id: int
    client_id: int
    session_id: int | None
    instrument: str
    version: str
    status: str
    created_at: datetime
    completed_at: datetime | None
    total: float | None
    band: str
    subscales: dict[str, Any]
    valid: bool


class AdministrationPage(Schema):
    items: list[AdministrationOut]
    next_cursor: str | None


def finite(value: Any) -> Any:
    """JSON has no NaN or infinity: such a number is shown as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def administration_json(a: Administration) -> dict[str, Any]:
    return {
        "id": a.pk,
        "client_id": a.client_id,
        "session_id": a.session_id,
        "instrument": a.instrument,
        "version": a.version,
        "status": a.status,
        "created_at": a.created_at,
        "completed_at": a.completed_at,
        "total": finite(a.total),
        "band": a.band,
        "subscales": finite(a.subscales or {}),
        "valid": a.valid,
    }


@v1.get(
    "/clients/{client_id}/administrations",
    response={200: AdministrationPage, **errors(404)},
    summary="A client's questionnaires and their scores",
)
def list_administrations(
    request: HttpRequest, client_id: RecordId, query: Query[PageQuery]
) -> dict[str, Any]:
    actor = need(request, "measures:read")
    client = client_for(actor, client_id, clinical=True)
    rows, next_cursor = page(
        Administration.objects.visible_to(actor).filter(client=client), query, "created_at"
    )
    audit.listed(actor, "measures.administration", [a.pk for a in rows], client_id=client.pk)
    return {"items": [administration_json(a) for a in rows], "next_cursor": next_cursor}


# --- Heart recordings --------------------------------------------------------------------------

DOMAINS = ("time", "frequency", "nonlinear")


class RecordingOut(Schema):
    id: int
    client_id: int
    session_id: int | None
    kind: str
    format: str
    uploaded_at: datetime
    started_at: datetime | None
    status: str = Field(description="pending, processing, done, failed or live")
    progress: int
    error: str
    method: str
    metrics: dict[str, float | int | None] = Field(
        description="counts once status is done: n_beats, duration_s, n_corrected, n_poor"
    )
    time: dict[str, Any] | None = Field(description="rmssd_ms, sdnn_ms, mean_hr_bpm, ...")
    frequency: dict[str, Any] | None = Field(description="lf, hf, lf_hf, ... by the method")
    nonlinear: dict[str, Any] | None = Field(description="Poincaré SD1, SD2, DFA α1, ...")


class RecordingPage(Schema):
    items: list[RecordingOut]
    next_cursor: str | None


def recording_json(r: Recording) -> dict[str, Any]:
    results = r.results or {}
    metrics = {
        str(k): finite(v)
        for k, v in results.items()
        if k != "method" and (v is None or (isinstance(v, int | float) and not isinstance(v, bool)))
    }
    return {
        "id": r.pk,
        "client_id": r.client_id,
        "session_id": r.session_id,
        "kind": r.kind,
        "format": r.format,
        "uploaded_at": r.uploaded_at,
        "started_at": r.started_at,
        "status": r.status,
        "progress": r.progress,
        "error": r.error,
        "method": str(results.get("method", "")),
        "metrics": metrics,
        **{
            domain: finite(results[domain]) if isinstance(results.get(domain), dict) else None
            for domain in DOMAINS
        },
    }


@v1.get(
    "/clients/{client_id}/recordings",
    response={200: RecordingPage, **errors(404)},
    summary="A client's heart recordings",
)
def list_recordings(
    request: HttpRequest, client_id: RecordId, query: Query[PageQuery]
) -> dict[str, Any]:
    actor = need(request, "recordings:read")
    client = client_for(actor, client_id, clinical=True)
    rows, next_cursor = page(
        Recording.objects.visible_to(actor)
        .filter(client=client)
        .defer("rr_ms", "flags", "raw_rr_ms"),
        query,
        "uploaded_at",
    )
    audit.listed(actor, "physio.recording", [r.pk for r in rows], client_id=client.pk)
    return {"items": [recording_json(r) for r in rows], "next_cursor": next_cursor}


@v1.get(
    "/recordings/{recording_id}",
    response={200: RecordingOut, **errors(404)},
    summary="One heart recording and its HRV results (poll until status is done)",
)
def get_recording(request: HttpRequest, recording_id: RecordId) -> dict[str, Any]:
    actor = need(request, "recordings:read")
    recording = (
        Recording.objects.visible_to(actor)
        .defer("rr_ms", "flags", "raw_rr_ms")
        .filter(pk=recording_id)
        .first()
    )
    if recording is None:
        raise ApiError(404, "Not found.")
    audit.read(actor, recording)
    return recording_json(recording)


class UploadIn(Schema):
    session_id: int | None = Field(None, ge=1, le=2**53)
    format: str = Field("", max_length=20, description="empty: detect from the file")
    method: str = Field("", max_length=20, description="spectral method; empty: the default")
    sampling_rate_hz: float | None = Field(None, description="only for an ECG CSV without times")


@v1.post(
    "/clients/{client_id}/recordings",
    response={201: RecordingOut, **errors(404, 409)},
    summary="Upload a heart recording (RR intervals or ECG), as the web upload does",
    description="A small file is analysed at once (status done); a large one in the "
    "background: poll GET /api/v1/recordings/{id} until status is done or failed.",
)
def upload_recording(
    request: HttpRequest,
    client_id: RecordId,
    details: Form[UploadIn],
    file: File[UploadedFile],
) -> Status:
    actor = need(request, "recordings:write")
    client = client_for(actor, client_id, clinical=True)
    session = None
    if details.session_id is not None:
        session = (
            Session.objects.visible_to(actor).filter(pk=details.session_id, client=client).first()
        )
        if session is None:
            raise ApiError(400, "session_id is not a session of this client.")
    form = UploadForm(
        {
            "format": details.format,
            "method": details.method,
            "sampling_rate_hz": ""
            if details.sampling_rate_hz is None
            else details.sampling_rate_hz,
        },
        {"file": file},
    )
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        first = next(iter(form.errors.values()))[0]
        raise ApiError(400, f"Invalid upload ({fields}): {first}")
    try:
        recording = physio.save_upload(
            actor,
            client,
            form.cleaned_data["file"],
            session=session,
            format_name=form.cleaned_data.get("format") or None,
            sampling_rate_hz=form.cleaned_data.get("sampling_rate_hz"),
            enqueue=process_upload.enqueue,
            method=form.cleaned_data.get("method") or None,
        )
    except formats.FormatError as error:
        raise ApiError(400, f"This file could not be read: {error}.") from None
    except RuleError as refusal:
        raise ApiError(409, str(refusal)) from None
    return Status(201, recording_json(recording))


# --- Body maps ---------------------------------------------------------------------------------


class PaintingOut(Schema):
    id: int
    client_id: int
    session_id: int | None
    moment: str
    body_shape: str
    nothing_felt: bool
    stimulus: str
    created_at: datetime
    stats: dict[str, Any]
    emotions: list[Any]
    words: str


class PaintingPage(Schema):
    items: list[PaintingOut]
    next_cursor: str | None


class FindingOut(Schema):
    id: int
    client_id: int
    session_id: int | None
    region: str
    finding: str
    intensity: int | None
    note: str
    created_at: datetime


class FindingPage(Schema):
    items: list[FindingOut]
    next_cursor: str | None


@v1.get(
    "/clients/{client_id}/paintings",
    response={200: PaintingPage, **errors(404)},
    summary="A client's body-map paintings (summary statistics, not the strokes)",
)
def list_paintings(
    request: HttpRequest, client_id: RecordId, query: Query[PageQuery]
) -> dict[str, Any]:
    actor = need(request, "bodymaps:read")
    client = client_for(actor, client_id, clinical=True)
    rows, next_cursor = page(
        Painting.objects.visible_to(actor).filter(client=client).defer("strokes", "raster"),
        query,
        "created_at",
    )
    audit.listed(actor, "bodymaps.painting", [p.pk for p in rows], client_id=client.pk)
    items = [
        {
            "id": p.pk,
            "client_id": p.client_id,
            "session_id": p.session_id,
            "moment": p.moment,
            "body_shape": p.body_shape,
            "nothing_felt": p.nothing_felt,
            "stimulus": p.stimulus,
            "created_at": p.created_at,
            "stats": finite(p.stats or {}),
            "emotions": finite(p.emotions or []),
            "words": p.words,
        }
        for p in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@v1.get(
    "/clients/{client_id}/findings",
    response={200: FindingPage, **errors(404)},
    summary="A client's body-map findings by region",
)
def list_findings(
    request: HttpRequest, client_id: RecordId, query: Query[PageQuery]
) -> dict[str, Any]:
    actor = need(request, "bodymaps:read")
    client = client_for(actor, client_id, clinical=True)
    rows, next_cursor = page(
        RegionFinding.objects.visible_to(actor).filter(client=client), query, "created_at"
    )
    audit.listed(actor, "bodymaps.regionfinding", [f.pk for f in rows], client_id=client.pk)
    items = [
        {
            "id": f.pk,
            "client_id": f.client_id,
            "session_id": f.session_id,
            "region": f.region,
            "finding": f.finding,
            "intensity": f.intensity,
            "note": f.note,
            "created_at": f.created_at,
        }
        for f in rows
    ]
    return {"items": items, "next_cursor": next_cursor}
