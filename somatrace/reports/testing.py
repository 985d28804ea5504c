"""Test helpers of the reports app (used by the URL walk in core/tests/test_url_walk.py)."""

from __future__ import annotations

from typing import Any

from somatrace.reports.models import ReportJob

PUBLIC_URL_NAMES: set[str] = set()


def make_job(client: Any, requested_by: Any = None, **fields: Any) -> ReportJob:
    options = {"start": "2026-01-01", "end": "2026-03-31", "sections": ["sessions"]}
    return ReportJob.objects.create(
        client=client, requested_by=requested_by, options=options, **fields
    )


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    return {"job_id": make_job(client).pk}
