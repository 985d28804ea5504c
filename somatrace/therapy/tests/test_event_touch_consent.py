"""Logging work on a region goes through the client's touch consent (body-map consent map)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import TouchConsentMap
from somatrace.therapy.models import RegionWork, TimelineEvent, TouchOverride
from somatrace.therapy.testing import started_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(client_record, practitioner):
    # The left groin is "not welcome": the console's coarse "pelvis and hips" is then not
    # welcome as a whole (the most restrictive mark in the group wins).
    TouchConsentMap.objects.create(
        client=client_record,
        version=1,
        created_by=practitioner,
        regions={"f_groin_l": "not_welcome", "b_upper_back_l": "welcome"},
    )
    return started_session(client_record)


def post(browser, session, **fields):
    body = {
        "uuid": str(uuid.uuid4()),
        "kind": "technique",
        "code": "unwinding",
        "at": (timezone.now() - timedelta(seconds=5)).isoformat(),
        **fields,
    }
    return browser.post(
        f"/sessions/{session.pk}/events/", json.dumps(body), content_type="application/json"
    )


def test_work_on_a_not_welcome_region_is_refused_without_an_override(
    login, practitioner, session
) -> None:
    response = post(login(practitioner), session, region="pelvis_hips")
    assert response.status_code == 409
    assert response.json()["touch"] == "not_welcome"
    assert "not welcome" in response.json()["error"]
    assert not TimelineEvent.objects.exists() and not RegionWork.objects.exists()


def test_an_override_with_a_reason_records_the_work_and_audits_the_override(
    login, practitioner, session
) -> None:
    response = post(
        login(practitioner),
        session,
        region="pelvis_hips",
        override_reason="Client asked for hip work today after checking in",
    )
    assert response.status_code == 201
    event = TimelineEvent.objects.get()
    work = RegionWork.objects.get()
    override = TouchOverride.objects.get()
    assert (work.session, work.region, work.override) == (session, "pelvis_hips", override)
    assert override.reason == "Client asked for hip work today after checking in"
    assert override.user == practitioner and event.region == "pelvis_hips"
    audited = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"therapy.timelineevent", "therapy.touchoverride", "therapy.regionwork"} <= audited


def test_work_on_a_welcome_region_is_recorded_without_an_override(
    login, practitioner, session
) -> None:
    assert post(login(practitioner), session, region="upper_back").status_code == 201
    work = RegionWork.objects.get()
    assert work.region == "upper_back" and work.override is None


def test_a_cue_observed_in_a_not_welcome_region_is_not_work(login, practitioner, session) -> None:
    response = post(login(practitioner), session, kind="cue", code="heat", region="pelvis_hips")
    assert response.status_code == 201
    assert not RegionWork.objects.exists()


def test_the_console_shows_the_touch_consent_map(login, practitioner, session) -> None:
    page = login(practitioner).get(f"/sessions/{session.pk}/console/").content.decode()
    assert 'data-touch="not_welcome">Pelvis and hips — touch not welcome' in page
    assert "Touch not welcome</span> Pelvis and hips" in page


@pytest.mark.parametrize("reason", ["x" * 2001, ["a", "list"], {"not": "text"}])
def test_a_malformed_override_reason_is_refused_and_nothing_is_stored(
    login, practitioner, session, reason
) -> None:
    response = post(login(practitioner), session, region="pelvis_hips", override_reason=reason)
    assert response.status_code == 400
    assert "override_reason" in response.json()["fields"]
    assert not TimelineEvent.objects.exists() and not TouchOverride.objects.exists()
