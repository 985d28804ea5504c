"""The only writes of the research app: projects, research-consent withdrawals, analysis
plans (write, lock, supersede). Each writes its audit row in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.research.models import AnalysisPlan, ResearchProject, ResearchWithdrawal
from somatrace.research.queries import research_consents

# The audit row of a withdrawal names this field: the client leaves every later research
# analysis and export.
REMOVED = "removed_from_research_analyses_and_exports"


def _owner(actor: Actor) -> None:
    if not actor.is_owner:
        raise RuleError("Only the practice owner manages research.")


@transaction.atomic
def create_project(
    actor: Actor, *, title: str, minimum: int, practitioners_may_view: bool = False
) -> ResearchProject:
    _owner(actor)
    project = ResearchProject(
        practice_id=actor.practice_id,
        title=title,
        minimum=minimum,
        practitioners_may_view=practitioners_may_view,
        created_by=actor.user,
    )
    project.full_clean()
    project.save()
    audit.created(actor, project, ["title", "minimum", "practitioners_may_view"])
    return project


@transaction.atomic
def withdraw_research_use(actor: Actor, client: Client) -> list[ResearchWithdrawal]:
    """The client withdraws research use: every consent of theirs that allowed it is marked,
    so they leave every later analysis and export (treatment consent is unchanged)."""
    _owner(actor)
    if client.practice_id != actor.practice_id:
        raise RuleError("Not a client of this practice.")
    records = list(research_consents().filter(client=client).select_for_update(of=("self",)))
    if not records:
        raise RuleError("This client has no research consent to withdraw.")
    made = []
    for record in records:
        withdrawal = ResearchWithdrawal.objects.create(
            client=client, consent=record, recorded_by=actor.user
        )
        audit.created(actor, withdrawal, ["consent", REMOVED])
        made.append(withdrawal)
    return made


def _plan_fields(cohort: dict[str, Any], outcomes: list[str], time_points: str) -> dict[str, Any]:
    if not outcomes:
        raise RuleError("A plan names at least one outcome.")
    return {"cohort": cohort, "outcomes": outcomes, "time_points": time_points.strip()[:300]}


@transaction.atomic
def save_plan(
    actor: Actor,
    project: ResearchProject,
    *,
    cohort: dict[str, Any],
    outcomes: list[str],
    time_points: str,
) -> AnalysisPlan:
    """Write the draft plan. A locked plan is never changed: the new text becomes the next
    version, which supersedes it (audited as a new plan)."""
    _owner(actor)
    fields = _plan_fields(cohort, outcomes, time_points)
    latest = AnalysisPlan.objects.select_for_update().filter(project=project).first()
    if latest is not None and not latest.locked:
        for name, value in fields.items():
            setattr(latest, name, value)
        latest.save(update_fields=list(fields))
        audit.updated(actor, latest, list(fields))
        return latest
    plan = AnalysisPlan.objects.create(
        project=project,
        version=(latest.version if latest else 0) + 1,
        created_by=actor.user,
        **fields,
    )
    audit.created(actor, plan, [*fields, "version"])
    return plan


@transaction.atomic
def update_plan(actor: Actor, plan: AnalysisPlan, **fields: Any) -> AnalysisPlan:
    """Change a draft plan in place; a locked plan refuses (supersede it instead)."""
    _owner(actor)
    plan = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.locked:
        raise RuleError(
            f"Plan version {plan.version} is locked and cannot be changed; write a new "
            "version to supersede it."
        )
    values = _plan_fields(fields["cohort"], fields["outcomes"], fields["time_points"])
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save(update_fields=list(values))
    audit.updated(actor, plan, list(values))
    return plan


@transaction.atomic
def lock_plan(actor: Actor, plan: AnalysisPlan) -> AnalysisPlan:
    _owner(actor)
    plan = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.locked:
        raise RuleError(f"Plan version {plan.version} is already locked.")
    plan.locked_at = timezone.now()
    plan.locked_by = actor.user
    plan.save(update_fields=["locked_at", "locked_by"])
    audit.updated(actor, plan, ["locked_at", "locked_by"])
    return plan
