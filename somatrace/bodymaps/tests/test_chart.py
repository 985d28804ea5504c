"""Practitioner body chart: findings, and work on regions through touch consent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.models import RegionFinding
from somatrace.clients.models import TouchConsentMap
from somatrace.clients.services import touch_status
from somatrace.testing import make_session
from somatrace.therapy.models import RegionWork, TouchOverride
from somatrace.therapy.testing import make_event


@pytest.fixture
def session(client_record):
    return make_session(client_record)


@pytest.fixture
def consent(client_record, practitioner):
    return TouchConsentMap.objects.create(
        client=client_record,
        version=1,
        created_by=practitioner,
        regions={"f_groin_l": "not_welcome", "f_groin_r": "welcome", "b_upper_back_l": "welcome"},
    )


def test_the_chart_page_shows_the_atlas_and_not_welcome_regions(
    login, practitioner, session, consent
) -> None:
    response = login(practitioner).get(f"/bodymaps/sessions/{session.pk}/chart/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-region="z_jaw"' in html and "Left groin and lower belly" in html
    assert response.context["not_welcome"] == ["Left groin and lower belly"]


def test_a_finding_is_recorded_and_audited(login, practitioner, session) -> None:
    response = login(practitioner).post(
        f"/bodymaps/sessions/{session.pk}/chart/",
        {
            "action": "finding",
            "region": "z_jaw",
            "finding": "held_tension",
            "intensity": "4",
            "note": "Clenching",
        },
    )
    assert response.status_code == 302
    finding = RegionFinding.objects.get()
    assert (finding.region, finding.finding, finding.intensity) == ("z_jaw", "held_tension", 4)
    assert finding.session == session and finding.created_by == practitioner
    assert AuditEvent.objects.filter(action="create", object_type="bodymaps.regionfinding").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "finding", "region": "nowhere", "finding": "heat", "intensity": "3"},
        {"action": "finding", "region": "z_jaw", "finding": "heat", "intensity": "9"},
        {"action": "finding", "region": "z_jaw", "finding": "magic", "intensity": "3"},
        {"action": "work", "region": ""},
        {"action": "dance"},
    ],
)
def test_bad_input_gets_a_form_error_not_a_500(login, practitioner, session, data) -> None:
    response = login(practitioner).post(f"/bodymaps/sessions/{session.pk}/chart/", data)
    assert response.status_code == 400
    assert not RegionFinding.objects.exists() and not RegionWork.objects.exists()


def test_work_on_a_welcome_region_is_recorded(login, practitioner, session, consent) -> None:
    response = login(practitioner).post(
        f"/bodymaps/sessions/{session.pk}/chart/", {"action": "work", "region": "b_upper_back_l"}
    )
    assert response.status_code == 302
    work = RegionWork.objects.get()
    assert work.touch_status == "welcome" and work.override is None


def test_work_on_a_not_welcome_region_needs_an_override(
    login, practitioner, session, consent
) -> None:
    browser = login(practitioner)
    url = f"/bodymaps/sessions/{session.pk}/chart/"
    refused = browser.post(url, {"action": "work", "region": "f_groin_l"})
    assert refused.status_code == 409
    assert "not welcome" in refused.content.decode()
    assert not RegionWork.objects.exists() and not TouchOverride.objects.exists()
    allowed = browser.post(
        url,
        {"action": "work", "region": "f_groin_l", "override_reason": "Client asked for it today"},
    )
    assert allowed.status_code == 302
    override = TouchOverride.objects.get()
    assert override.reason == "Client asked for it today" and override.user == practitioner
    assert RegionWork.objects.get().override == override
    assert AuditEvent.objects.filter(
        action="create",
        object_type="therapy.touchoverride",
        object_id=override.pk,
        client_id=session.client_id,
    ).exists()


def test_touch_status_of_a_coarse_group_is_the_most_restrictive(client_record, consent) -> None:
    assert touch_status(client_record, "f_groin_l") == "not_welcome"
    assert touch_status(client_record, "pelvis_hips") == "not_welcome"  # groin_l is in it
    assert touch_status(client_record, "upper_back") == "welcome"
    assert touch_status(client_record, "head") == "check_in"  # unmarked: ask first
    with pytest.raises(ValueError):
        touch_status(client_record, "elsewhere")


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, client_record, session, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    url = f"/bodymaps/sessions/{session.pk}/chart/"
    assert browser.get(url).status_code in (403, 404)
    assert browser.post(url, {"action": "work", "region": "z_jaw"}).status_code in (403, 404)
    assert not RegionWork.objects.exists()
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()


def test_a_release_finding_links_to_the_moment_the_console_logged(
    login, practitioner, session
) -> None:
    release = make_event(session, "cue", code="muscle-release", seconds=754)
    make_event(session, "suds", suds=4, seconds=800)  # not a moment to link a finding to
    browser = login(practitioner)
    page = browser.get(f"/bodymaps/sessions/{session.pk}/chart/")
    assert page.context["finding_form"].fields["event"].choices == [
        ("", "Not linked"),
        (release.pk, "12:34 Muscle release"),  # 754 s = 12 min 34 s
    ]
    response = browser.post(
        f"/bodymaps/sessions/{session.pk}/chart/",
        {
            "action": "finding",
            "region": "z_jaw",
            "finding": "release_observed",
            "intensity": "3",
            "event": str(release.pk),
        },
    )
    assert response.status_code == 302
    assert RegionFinding.objects.get().event == release


def test_a_finding_cannot_link_to_another_sessions_event(
    login, practitioner, session, client_record
) -> None:
    other = make_event(make_session(client_record, days_ago=9), "cue", code="tears")
    response = login(practitioner).post(
        f"/bodymaps/sessions/{session.pk}/chart/",
        {
            "action": "finding",
            "region": "z_jaw",
            "finding": "release_observed",
            "intensity": "3",
            "event": str(other.pk),
        },
    )
    assert response.status_code == 400
    assert not RegionFinding.objects.exists()


def test_findings_are_numbered_on_the_body_in_list_order(login, practitioner, session) -> None:
    for region, finding in (
        ("z_jaw", "held_tension"),
        ("b_upper_back_l", "restriction"),
        ("z_jaw", "release_observed"),
    ):
        RegionFinding.objects.create(
            client=session.client,
            session=session,
            region=region,
            finding=finding,
            intensity=3,
            created_by=practitioner,
        )
    page = login(practitioner).get(f"/bodymaps/sessions/{session.pk}/chart/")
    front, back = page.context["atlas_views"]
    assert [m["title"] for m in front["marks"]] == [
        "1. Held tension: Jaw",
        "3. Release observed: Jaw",
    ]
    assert [m["title"] for m in back["marks"]] == ["2. Restriction: Left upper back"]
    # The second finding on the jaw sits beside the first, not on top of it.
    first, second = front["marks"]
    assert second["x"] - first["x"] == pytest.approx(17) and second["y"] == first["y"]
    html = page.content.decode()
    assert html.count('class="bm-finding-mark"') == 3


def test_a_signed_session_locks_its_body_chart(login, practitioner, session) -> None:
    session.signed_at = timezone.now()
    session.signed_by = practitioner
    session.save()
    browser = login(practitioner)
    url = f"/bodymaps/sessions/{session.pk}/chart/"
    page = browser.get(url).content.decode()
    assert "The note is signed" in page and 'id="bm-finding-form"' not in page
    refused = browser.post(
        url, {"action": "finding", "region": "z_jaw", "finding": "heat", "intensity": 2}
    )
    assert refused.status_code == 409 and "locked" in refused.content.decode()
    assert not RegionFinding.objects.exists()
