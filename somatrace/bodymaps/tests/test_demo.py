"""The demo's body charts agree with the demo's session timelines."""

from __future__ import annotations

from datetime import date

import pytest

from somatrace.bodymaps.demo import RELEASE_CUES
from somatrace.bodymaps.models import RegionFinding
from somatrace.demo.seed import seed_demo
from somatrace.therapy.models import RegionWork, TimelineEvent, TouchOverride


@pytest.mark.django_db
def test_demo_charts_follow_the_timeline_and_the_touch_consent_maps() -> None:
    seed_demo(today=date(2026, 11, 25), log=lambda _: None)

    linked = RegionFinding.objects.filter(event__isnull=False).select_related("event")
    assert linked.exists()
    for finding in linked:
        assert finding.finding == "release_observed"
        assert finding.event.session_id == finding.session_id
        assert finding.event.code in RELEASE_CUES

    # Every technique logged on a region is work there; where touch was not welcome, only
    # with an override that carries a reason.
    techniques = TimelineEvent.objects.filter(kind="technique").exclude(region="")
    assert RegionWork.objects.count() == techniques.count() > 0
    refused_without_override = RegionWork.objects.filter(
        touch_status="not_welcome", override__isnull=True
    )
    assert not refused_without_override.exists()
    assert TouchOverride.objects.exists()
    assert all(o.reason for o in TouchOverride.objects.all())
