"""The demo practice's sessions gain timelines consistent with their ratings."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count

from somatrace.demo.seed import seed_demo
from somatrace.therapy import guard
from somatrace.therapy.models import AftercareTemplate, Session, TimelineEvent


@pytest.mark.django_db
def test_the_demo_sessions_have_timelines_prompts_and_drafted_notes() -> None:
    practice = seed_demo(date(2026, 11, 25), log=lambda _: None)
    assert practice is not None
    with_timeline = Session.objects.filter(practice=practice, started_at__isnull=False)
    per_client = with_timeline.values("client").annotate(n=Count("id"))
    assert per_client and max(row["n"] for row in per_client) == 6
    events = TimelineEvent.objects.filter(session__practice=practice)
    assert events.count() > 20 * with_timeline.count() // 2
    prompts = events.filter(kind="guard")
    codes = {guard.AT_UPPER_LIMIT, guard.FAST_RISE, guard.LOW_WITH_DISSOCIATION, guard.DISSOCIATION}
    assert prompts.exists() and set(prompts.values_list("code", flat=True)) <= codes
    # Every prompt was answered with a grounding step that points back at it.
    assert events.filter(kind="grounding", responds_to__kind="guard").count() == prompts.count()
    # Pre and post check-ins match the session's own ratings.
    session = with_timeline.exclude(pre_suds=None).first()
    assert session.events.get(code="pre").suds == session.pre_suds
    assert session.events.get(code="post").suds == session.post_suds
    assert "SUDS check-in" in session.note.objective and session.aftercare
    assert not Session.objects.filter(
        practice=practice, started_at__isnull=False, starts_at__date=date(2026, 11, 25)
    ).exists()
    assert AftercareTemplate.objects.filter(practice=practice).count() == 3
