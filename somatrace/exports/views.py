"""Download doors: the client's FHIR bundle and outcomes CSV, the caseload CSV."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.exports import services


def _attachment(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@clinical_required
@require_GET
def fhir_export(request: PracticeRequest, client_id: int) -> HttpResponse:
    try:
        bundle = services.fhir_bundle(request.actor, client_id)
    except Client.DoesNotExist:
        raise Http404("No such client.") from None
    return _attachment(
        json.dumps(bundle, indent=2, ensure_ascii=False),
        "application/fhir+json; charset=utf-8",
        f"somatrace-client-{client_id}-fhir.json",
    )


@clinical_required
@require_GET
def outcomes_export(request: PracticeRequest, client_id: int) -> HttpResponse:
    try:
        body = services.client_outcomes_csv(request.actor, client_id)
    except Client.DoesNotExist:
        raise Http404("No such client.") from None
    return _attachment(
        body, "text/csv; charset=utf-8", f"somatrace-client-{client_id}-outcomes.csv"
    )


@clinical_required
@require_GET
def caseload_export(request: PracticeRequest) -> HttpResponse:
    return _attachment(
        services.caseload_csv(request.actor), "text/csv; charset=utf-8", "somatrace-caseload.csv"
    )
