"""Pre-registration: a locked plan never changes, only a new audited version supersedes it,
and results say which locked plan they follow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from somatrace.audit.models import AuditEvent
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.research import services
from somatrace.research.models import AnalysisPlan

pytestmark = pytest.mark.django_db

PLAN = {
    "start": "",
    "end": "",
    "tag": "",
    "min_sessions": "2",
    "instruments": ["GAD7"],
    "time_points": "first and latest GAD-7",
}


def test_writing_and_locking_a_plan_is_audited_and_timestamped(login, owner, project) -> None:
    browser = login(owner)
    assert browser.post(reverse("research_plan", args=[project.pk]), PLAN).status_code == 302
    plan = AnalysisPlan.objects.get(project=project)
    assert plan.version == 1 and not plan.locked and plan.outcomes == ["GAD7"]
    assert plan.cohort["min_sessions"] == 2
    browser.post(reverse("research_plan_lock", args=[project.pk, plan.pk]))
    plan.refresh_from_db()
    assert plan.locked_at is not None and plan.locked_by == owner
    event = AuditEvent.objects.filter(object_type="research.analysisplan", action="update").last()
    assert event is not None and "locked_at" in event.fields


def test_a_locked_plan_cannot_be_changed_only_superseded(login, owner, practice, project) -> None:
    browser = login(owner)
    browser.post(reverse("research_plan", args=[project.pk]), PLAN)
    plan = AnalysisPlan.objects.get(project=project)
    browser.post(reverse("research_plan_lock", args=[project.pk, plan.pk]))
    actor = Actor.staff(owner.membership)
    with pytest.raises(RuleError, match="locked"):
        services.update_plan(
            actor, plan, cohort={}, outcomes=["PHQ9"], time_points="something else"
        )
    with pytest.raises(RuleError, match="already locked"):
        services.lock_plan(actor, plan)
    browser.post(reverse("research_plan", args=[project.pk]), {**PLAN, "instruments": ["PHQ9"]})
    plans = list(AnalysisPlan.objects.filter(project=project).order_by("version"))
    assert [(p.version, p.outcomes, p.locked) for p in plans] == [
        (1, ["GAD7"], True),
        (2, ["PHQ9"], False),
    ]
    assert AuditEvent.objects.filter(
        object_type="research.analysisplan", action="create", object_id=plans[1].pk
    ).exists()


def test_results_say_which_locked_plan_they_follow_or_that_they_are_exploratory(
    login, owner, project, cohort
) -> None:
    browser = login(owner)
    url = reverse("research_results", args=[project.pk])
    assert "Exploratory" in browser.get(url).content.decode()
    browser.post(reverse("research_plan", args=[project.pk]), PLAN)
    plan = AnalysisPlan.objects.get(project=project)
    assert "Exploratory" in browser.get(url).content.decode()  # a draft is not a plan yet
    browser.post(reverse("research_plan_lock", args=[project.pk, plan.pk]))
    text = browser.get(url).content.decode()
    assert "Follows locked plan v1 (locked at" in text
    # Other filters than the plan's: exploratory again.
    assert "Exploratory" in browser.get(url + "?instruments=PHQ9").content.decode()
