"""Questionnaires due, answered in the portal with the secure link's form and service."""

from __future__ import annotations

from typing import Any

import pytest

from somatrace.alerts.models import Alert
from somatrace.audit.models import AuditEvent
from somatrace.measures.models import Administration
from somatrace.measures.testing import make_administration, phq9_answers
from somatrace.testing import make_client, make_client_account


@pytest.fixture
def browser(client: Any, portal_login: Any, client_record: Any) -> Any:
    return portal_login(client, make_client_account(client_record))


def answers(values: list[int | None]) -> dict[str, str]:
    return {f"item_{n}": str(v) for n, v in enumerate(values, start=1)}


@pytest.mark.django_db
def test_the_home_lists_the_questionnaires_due_and_the_client_answers_one(
    browser, client_record
) -> None:
    due = make_administration(client_record, "GAD7")
    make_administration(client_record, "PHQ9", answers=phq9_answers(5))  # done: not listed
    home = browser.get("/portal/")
    assert f"/portal/questionnaires/{due.pk}/".encode() in home.content
    assert home.content.count(b"/portal/questionnaires/") == 1
    page = browser.get(f"/portal/questionnaires/{due.pk}/")
    assert page.status_code == 200
    # GAD-7: seven items scored 0-3; answering 1 to each is 7 (mild: 5-9).
    done = browser.post(f"/portal/questionnaires/{due.pk}/", answers([1] * 7))
    assert done.status_code == 200
    assert b"Your answers are with your practitioner" in done.content
    due.refresh_from_db()
    assert (due.status, due.total, due.channel) == ("completed", 7, "portal")
    row = AuditEvent.objects.filter(action="update", object_type="measures.administration").get()
    assert (row.actor_kind, row.channel) == ("client", "portal")
    assert browser.get(f"/portal/questionnaires/{due.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_risk_answer_raises_an_alert_and_shows_help_at_once(browser, client_record) -> None:
    due = make_administration(client_record, "PHQ9")
    done = browser.post(f"/portal/questionnaires/{due.pk}/", answers(phq9_answers(4, item9=1)))
    assert b"help is available now" in done.content
    assert Alert.objects.filter(client=client_record).exists()


@pytest.mark.django_db
def test_missing_answers_are_asked_for_again(browser, client_record) -> None:
    due = make_administration(client_record, "GAD7")
    response = browser.post(f"/portal/questionnaires/{due.pk}/", answers([1] * 6))
    assert response.status_code == 400
    due.refresh_from_db()
    assert due.status == "pending"


@pytest.mark.django_db
def test_another_clients_questionnaire_is_not_found(
    browser, practice, practitioner, other_practice, outsider
) -> None:
    neighbour = make_client(practice, practitioner, name="Nell Neighbour")
    stranger = make_client(other_practice, outsider, name="Sam Stranger")
    for someone in (neighbour, stranger):
        theirs = make_administration(someone, "GAD7")
        for method in (browser.get, browser.post):
            response = method(f"/portal/questionnaires/{theirs.pk}/")
            assert response.status_code == 404
            assert someone.name.encode() not in response.content
        assert Administration.objects.get(pk=theirs.pk).status == "pending"
