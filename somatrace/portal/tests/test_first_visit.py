"""Before the first visit, in the portal: intake with the screen, consent, touch."""

from __future__ import annotations

from typing import Any

import pytest

from somatrace.alerts.models import Alert
from somatrace.audit.models import AuditEvent
from somatrace.clients.models import ConsentRecord, Intake, TouchConsentMap
from somatrace.clients.screening import SCREEN_ITEMS
from somatrace.testing import make_client, make_client_account, make_consent_form


@pytest.fixture
def account(client_record: Any) -> Any:
    return make_client_account(client_record)


@pytest.fixture
def browser(client: Any, portal_login: Any, account: Any) -> Any:
    return portal_login(client, account)


def intake_answers(**yes: bool) -> dict[str, str]:
    data = {"presenting_concerns": "Tension in my jaw", "goals": "Sleep better"}
    for item in SCREEN_ITEMS:
        data[f"screen_{item.code}"] = "yes" if yes.get(item.code) else "no"
    return data


@pytest.mark.django_db
def test_a_yes_on_the_screen_holds_the_client_and_tells_them_kindly(
    browser, account, client_record
) -> None:
    assert not client_record.on_hold
    response = browser.post("/portal/intake/", intake_answers(skull_fracture=True))
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.on_hold
    assert Intake.objects.get(client=client_record).screen["skull_fracture"] is True
    page = browser.get("/portal/intake/")
    assert b"your practitioner will be in touch" in page.content
    assert b"Tension in my jaw" in page.content
    written = AuditEvent.objects.filter(action="create", object_type="clients.intake").get()
    assert (written.actor_id, written.actor_kind, written.channel) == (
        account.pk,
        "client",
        "portal",
    )


@pytest.mark.django_db
def test_a_client_cannot_lift_their_own_hold_by_answering_again(browser, client_record) -> None:
    browser.post("/portal/intake/", intake_answers(stroke_6_months=True))
    browser.post("/portal/intake/", intake_answers())
    client_record.refresh_from_db()
    assert client_record.on_hold
    assert Intake.objects.get(client=client_record).screen["stroke_6_months"] is True


@pytest.mark.django_db
def test_a_safety_yes_raises_an_alert_and_shows_the_crisis_resources(
    browser, practice, client_record
) -> None:
    practice.crisis_resources = "Call 116 123 any time."
    practice.save()
    safety = next(item.code for item in SCREEN_ITEMS if item.kind == "safety")
    response = browser.post("/portal/intake/", intake_answers(**{safety: True}), follow=True)
    assert Alert.objects.filter(client=client_record, kind=f"intake.{safety}").count() == 1
    assert b"Call 116 123 any time." in response.content
    assert not client_record.on_hold


@pytest.mark.django_db
def test_an_unanswered_screen_question_is_asked_again_not_saved(browser, client_record) -> None:
    data = intake_answers()
    del data[f"screen_{SCREEN_ITEMS[0].code}"]
    response = browser.post("/portal/intake/", data)
    assert response.status_code == 400
    assert b"Please answer yes or no." in response.content
    assert not Intake.objects.filter(client=client_record).exists()


@pytest.mark.django_db
def test_the_client_reads_and_signs_the_new_consent_version(
    browser, account, practice, client_record
) -> None:
    form = make_consent_form(practice, body="Version two: we pause whenever you ask.")
    page = browser.get("/portal/consent/")
    assert b"Version two: we pause whenever you ask." in page.content
    wrong = browser.post("/portal/consent/", {"signed_name": "Someone Else", "agree": "on"})
    assert wrong.status_code == 400
    assert b"Please type your name as your practice has it" in wrong.content
    browser.post("/portal/consent/", {"signed_name": "quinn example", "agree": "on"})
    record = ConsentRecord.objects.filter(client=client_record).order_by("-pk").first()
    assert (record.form_id, record.recorded_by_id, record.research_use) == (
        form.pk,
        account.pk,
        False,
    )
    assert b"You signed this version" in browser.get("/portal/consent/").content


@pytest.mark.django_db
def test_a_touch_change_is_a_new_version_the_practitioner_sees(
    browser, login, client, account, practitioner, client_record
) -> None:
    browser.post("/portal/touch/", {"touch_f_head_r": "not_welcome"})
    browser.post("/portal/touch/", {"touch_f_head_r": "welcome", "touch_f_neck_r": "not_welcome"})
    maps = list(TouchConsentMap.objects.filter(client=client_record).order_by("version"))
    assert [(m.version, m.created_by_id) for m in maps] == [(1, account.pk), (2, account.pk)]
    assert maps[1].regions["f_neck_r"] == "not_welcome"
    assert browser.post("/portal/touch/", {"touch_f_head_r": "anything"}).status_code == 400
    client.logout()
    staff = login(practitioner).get(f"/bodymaps/clients/{client_record.pk}/touch-consent/")
    assert b"Version 2" in staff.content


@pytest.mark.django_db
def test_the_home_lists_what_is_still_to_do_before_the_first_visit(
    client, portal_login, practice, practitioner
) -> None:
    make_consent_form(practice)
    newcomer = make_client(practice, practitioner, name="Nova New")
    page = portal_login(client, make_client_account(newcomer)).get("/portal/")
    assert b"Before your first visit" in page.content
    for url in (b"/portal/intake/", b"/portal/consent/", b"/portal/touch/"):
        assert url in page.content
