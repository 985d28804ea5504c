"""The demo practice's questionnaires: realistic series with every outcome represented."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest

from somatrace.alerts.models import Alert
from somatrace.demo.seed import seed_demo
from somatrace.measures import summary
from somatrace.measures.models import AccessLink, Administration, Status


@pytest.fixture
def demo(db):
    return seed_demo(date(2026, 3, 2), log=lambda _: None)


@pytest.mark.django_db
def test_demo_has_every_outcome_one_deterioration_and_an_item9_alert(demo) -> None:
    per_client: dict[tuple[int, str], list[summary.Point]] = defaultdict(list)
    for a in Administration.objects.filter(client__practice=demo, status=Status.COMPLETED).order_by(
        "completed_at"
    ):
        per_client[(a.client_id, a.instrument)].append(
            summary.Point(a.completed_at.date(), a.total)
        )
    phq = Counter(
        summary.series("PHQ9", points).status
        for (_, code), points in per_client.items()
        if code == "PHQ9"
    )
    assert phq["recovered"] > 0 and phq["improved"] > 0 and phq["unchanged"] > 0
    assert 1 <= phq["deteriorated"] <= 2
    assert {code for _, code in per_client} >= {"PHQ9", "GAD7", "PSS10", "MAIA2"}
    assert (
        Alert.objects.filter(practice=demo, kind="phq9.item9", acknowledged_at__isnull=True).count()
        == 1
    )
    deterioration = Alert.objects.filter(practice=demo, kind__startswith="measures.deterioration")
    assert deterioration.filter(acknowledged_at__isnull=True).count() == 1
    # open alerts: the foundation's intake safety alert, PHQ-9 item 9, one deterioration
    assert Alert.objects.filter(practice=demo, acknowledged_at__isnull=True).count() == 3
    assert AccessLink.objects.filter(administration__client__practice=demo).count() >= 2
    assert Administration.objects.filter(client__practice=demo, status=Status.PENDING).exists()
