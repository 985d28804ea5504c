"""Test builders for the research app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from somatrace.clients.models import Client, ConsentRecord
from somatrace.measures.models import Administration, Status
from somatrace.research.models import AnalysisPlan, ResearchProject
from somatrace.testing import make_client

PUBLIC_URL_NAMES: set[str] = set()


def make_project(practice: Any, user: Any, **fields: Any) -> ResearchProject:
    fields.setdefault("title", "Caseload outcomes")
    return ResearchProject.objects.create(practice=practice, created_by=user, **fields)


def make_research_client(
    practice: Any, practitioner: Any, *, research: bool = True, **fields: Any
) -> Client:
    """A client with signed consent; ``research``: the consent includes research use."""
    client = make_client(practice, practitioner, consented=True, **fields)
    ConsentRecord.objects.filter(client=client).update(research_use=research)
    return client


def add_score(client: Client, code: str, total: float, days_ago: int) -> Administration:
    """A completed, valid administration with ``total`` (answers are not needed by research)."""
    when = timezone.now() - timedelta(days=days_ago)
    return Administration.objects.create(
        client=client,
        instrument=code,
        version="1",
        assigned_by=client.assigned_practitioner,
        created_at=when,
        completed_at=when,
        status=Status.COMPLETED,
        valid=True,
        total=total,
        channel="paper",
    )


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    project = make_project(client.practice, client.assigned_practitioner)
    plan = AnalysisPlan.objects.create(
        project=project, version=1, outcomes=["GAD7"], created_by=client.assigned_practitioner
    )
    return {"project_id": project.pk, "plan_id": plan.pk}


def birth(years_ago: int) -> date:
    today = timezone.now().date()
    return today.replace(year=today.year - years_ago, day=min(today.day, 28))
