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


# --- The same rule for an event added afterwards or corrected on the session page -----------


def add_afterwards(browser, session, **fields):
    at = timezone.localtime(session.started_at + timedelta(minutes=3)).strftime("%H:%M:%S")
    data = {"kind": "technique", "code": "technique:unwinding", "at_time": at, **fields}
    return browser.post(f"/sessions/{session.pk}/events/new/", data)


def test_a_technique_added_afterwards_on_a_not_welcome_region_needs_an_override(
    login, practitioner, session
) -> None:
    browser = login(practitioner)
    refused = add_afterwards(browser, session, region="pelvis_hips")
    assert refused.status_code == 400
    assert "not welcome" in refused.content.decode()
    assert 'value="pelvis_hips" selected' in refused.content.decode()  # the choice is kept
    assert not TimelineEvent.objects.exists() and not RegionWork.objects.exists()
    allowed = add_afterwards(
        browser, session, region="pelvis_hips", override_reason="Agreed at check-in"
    )
    assert allowed.status_code == 302
    event = TimelineEvent.objects.get()
    work = RegionWork.objects.get()
    assert (work.event, work.region, work.override.reason) == (
        event,
        "pelvis_hips",
        "Agreed at check-in",
    )


def test_moving_a_technique_onto_a_not_welcome_region_by_editing_needs_an_override(
    login, practitioner, session
) -> None:
    browser = login(practitioner)
    assert post(browser, session, region="upper_back").status_code == 201
    event = TimelineEvent.objects.get()
    first_work = RegionWork.objects.get()
    url = f"/sessions/{session.pk}/events/{event.pk}/"
    at = timezone.localtime(event.at).strftime("%H:%M:%S")
    edit = {"code": "unwinding", "text": "", "region": "pelvis_hips", "at_time": at}
    refused = browser.post(url, edit)
    assert refused.status_code == 400 and "not welcome" in refused.content.decode()
    event.refresh_from_db()
    assert event.region == "upper_back" and RegionWork.objects.get() == first_work
    assert browser.post(url, {**edit, "override_reason": "Client asked"}).status_code == 302
    event.refresh_from_db()
    work = RegionWork.objects.get()  # the old region's work is replaced, not kept beside it
    assert event.region == "pelvis_hips" and work.region == "pelvis_hips"
    assert work.event == event and work.override.reason == "Client asked"
    deleted = AuditEvent.objects.get(action="delete", object_type="therapy.regionwork")
    assert deleted.object_id == first_work.pk


def test_editing_the_text_of_overridden_work_needs_no_new_override(
    login, practitioner, session
) -> None:
    browser = login(practitioner)
    post(browser, session, region="pelvis_hips", override_reason="Agreed")
    event = TimelineEvent.objects.get()
    at = timezone.localtime(event.at).strftime("%H:%M:%S")
    edit = {"code": "unwinding", "text": "gentle", "region": "pelvis_hips", "at_time": at}
    assert browser.post(f"/sessions/{session.pk}/events/{event.pk}/", edit).status_code == 302
    assert TouchOverride.objects.count() == 1 and RegionWork.objects.count() == 1


def test_deleting_the_event_removes_its_work_and_keeps_the_override_on_record(
    login, practitioner, session
) -> None:
    browser = login(practitioner)
    post(browser, session, region="pelvis_hips", override_reason="Agreed")
    event = TimelineEvent.objects.get()
    assert browser.post(f"/sessions/{session.pk}/events/{event.pk}/delete/").status_code == 302
    assert not RegionWork.objects.exists() and TouchOverride.objects.count() == 1
