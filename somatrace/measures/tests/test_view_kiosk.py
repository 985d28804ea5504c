"""Kiosk mode: the practitioner hands over the tablet; only one questionnaire is reachable
and everything else needs the practitioner's login again."""

from __future__ import annotations

import pytest

from somatrace.alerts.models import Alert
from somatrace.audit.models import AuditEvent
from somatrace.measures.models import Status
from somatrace.measures.testing import make_administration
from somatrace.testing import make_client, make_session

GAD7_ANSWERS = {f"item_{n}": "2" for n in range(1, 8)}  # 7 * 2 = 14 -> Moderate


@pytest.fixture
def pending(client_record):
    return make_administration(client_record, "GAD7")


def test_starting_kiosk_logs_the_practitioner_out_and_shows_only_the_questionnaire(
    login, practitioner, pending
) -> None:
    browser = login(practitioner)
    response = browser.post(f"/measures/administrations/{pending.pk}/kiosk/")
    assert response.status_code == 302 and response.url == "/measures/kiosk/"
    page = browser.get("/measures/kiosk/")
    assert page.status_code == 200
    assert b"Feeling nervous, anxious, or on edge" in page.content
    assert pending.client.name.encode() not in page.content
    assert b"Log out" not in page.content  # no practitioner navigation
    assert AuditEvent.objects.filter(actor=practitioner, client_id=pending.client_id).exists()


def test_in_kiosk_every_other_page_needs_the_login(login, practitioner, practice, pending) -> None:
    other = make_client(practice, practitioner, name="Other Person", consented=True)
    session = make_session(other, subjective="kiosk-secret-note")
    browser = login(practitioner)
    browser.post(f"/measures/administrations/{pending.pk}/kiosk/")
    for url in (
        "/",
        "/clients/",
        f"/clients/{other.pk}/",
        f"/clients/{pending.client_id}/",
        f"/sessions/{session.pk}/",
        f"/measures/administrations/{pending.pk}/",
        "/measures/caseload/",
        "/practice/",
    ):
        response = browser.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    # ...and the questionnaire is still there to finish
    assert browser.get("/measures/kiosk/").status_code == 200


def test_finishing_locks_the_tablet_back(login, practitioner, pending) -> None:
    browser = login(practitioner)
    browser.post(f"/measures/administrations/{pending.pk}/kiosk/")
    done = browser.post("/measures/kiosk/", GAD7_ANSWERS)
    assert done.status_code == 200
    assert b"please hand the tablet back" in done.content
    pending.refresh_from_db()
    assert (pending.status, pending.total, pending.band, pending.channel) == (
        Status.COMPLETED,
        14,
        "Moderate",
        "kiosk",
    )
    again = browser.get("/measures/kiosk/")
    assert again.status_code == 302 and again.url.startswith("/login")
    assert browser.get("/clients/").url.startswith("/login/")


def test_risk_answer_in_kiosk_shows_crisis_resources(
    login, practitioner, practice, client_record
) -> None:
    practice.crisis_resources = "Crisis line 0800 000"
    practice.save()
    phq = make_administration(client_record, "PHQ9")
    browser = login(practitioner)
    browser.post(f"/measures/administrations/{phq.pk}/kiosk/")
    answers = {f"item_{n}": "0" for n in range(1, 10)} | {"item_9": "2"}
    done = browser.post("/measures/kiosk/", answers)
    assert b"Crisis line 0800 000" in done.content
    assert Alert.objects.filter(client=client_record, kind="phq9.item9").exists()


def test_kiosk_without_a_started_questionnaire_goes_to_login(client, db) -> None:
    response = client.get("/measures/kiosk/")
    assert response.status_code == 302 and response.url.startswith("/login")


def test_kiosk_refuses_malformed_answers_with_400(login, practitioner, pending) -> None:
    browser = login(practitioner)
    browser.post(f"/measures/administrations/{pending.pk}/kiosk/")
    response = browser.post("/measures/kiosk/", {"item_1": "9"})
    assert response.status_code == 400
    assert b"Please answer question 2." in response.content


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_kiosk_start_validates_ownership(request, login, pending, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    response = browser.post(f"/measures/administrations/{pending.pk}/kiosk/")
    assert response.status_code in (403, 404)
    assert browser.get("/measures/kiosk/").status_code == 302
    assert not AuditEvent.objects.filter(actor=user, client_id=pending.client_id).exists()


def test_kiosk_start_needs_post(login, practitioner, pending) -> None:
    assert (
        login(practitioner).get(f"/measures/administrations/{pending.pk}/kiosk/").status_code == 405
    )


def test_the_answers_given_on_the_handed_over_tablet_are_in_the_owners_log(
    login, owner, practitioner, practice, pending
) -> None:
    browser = login(practitioner)
    browser.post(f"/measures/administrations/{pending.pk}/kiosk/")
    browser.post("/measures/kiosk/", GAD7_ANSWERS)
    [update] = [e for e in AuditEvent.objects.filter(action="update") if "answers" in e.fields]
    assert update.actor_kind == "link"
    assert (update.practice_id, update.client_id) == (practice.pk, pending.client_id)
    assert update.actor_ref == f"kiosk: questionnaire {pending.pk}"
    [handed] = [e for e in AuditEvent.objects.all() if "kiosk_started" in e.fields]
    assert handed.actor == practitioner and handed.practice_id == practice.pk
    page = login(owner).get(f"/practice/audit/?client={pending.client_id}").content.decode()
    assert f"kiosk: questionnaire {pending.pk}" in page
