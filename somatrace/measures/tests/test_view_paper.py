"""Paper entry: the practitioner types in all answers from a paper form in one go."""

from __future__ import annotations

import pytest

from somatrace.alerts.models import Alert
from somatrace.audit.models import Action, AuditEvent
from somatrace.measures.models import Status
from somatrace.measures.testing import make_administration


@pytest.fixture
def pcl(client_record):
    return make_administration(client_record, "PCL5")


def test_paper_form_shows_all_items(login, practitioner, pcl) -> None:
    response = login(practitioner).get(f"/measures/administrations/{pcl.pk}/paper/")
    assert response.status_code == 200
    assert response.content.count(b'class="q-item') == 20


def test_paper_entry_scores_stores_and_audits(login, practitioner, pcl) -> None:
    answers = {f"item_{n}": "1" for n in range(1, 21)} | {"item_16": "2"}
    response = login(practitioner).post(f"/measures/administrations/{pcl.pk}/paper/", answers)
    assert response.status_code == 302
    pcl.refresh_from_db()
    # 19 items at 1 + item 16 at 2 = 21; clusters B 5, C 2, D 7, E 6 + 1 = 7
    assert pcl.total == 21 and pcl.status == Status.COMPLETED and pcl.channel == "paper"
    assert pcl.subscales == {"B": 5, "C": 2, "D": 7, "E": 7}
    alert = Alert.objects.get(client=pcl.client, kind="pcl5.item16")
    assert alert.priority == "lower"
    event = AuditEvent.objects.get(actor=practitioner, action=Action.UPDATE)
    assert event.client_id == pcl.client_id and "answers" in event.fields


def test_paper_entry_with_blank_items_is_saved_but_not_scored(login, practitioner, pcl) -> None:
    answers = {f"item_{n}": "1" for n in range(1, 20)}  # item 20 left blank
    browser = login(practitioner)
    response = browser.post(f"/measures/administrations/{pcl.pk}/paper/", answers, follow=True)
    assert b"not scored" in response.content and b"item 20" in response.content
    pcl.refresh_from_db()
    assert pcl.valid is False and pcl.total is None and pcl.answers[19] is None


def test_paper_entry_refuses_out_of_range_values(login, practitioner, pcl) -> None:
    response = login(practitioner).post(
        f"/measures/administrations/{pcl.pk}/paper/", {"item_1": "5", "item_2": "x"}
    )
    assert response.status_code == 400
    assert b"Question 1: choose one of the answers shown." in response.content
    pcl.refresh_from_db()
    assert pcl.status == Status.PENDING


def test_completed_questionnaire_cannot_be_entered_twice(
    login, practitioner, client_record
) -> None:
    done = make_administration(client_record, "GAD7", answers=[1] * 7)
    response = login(practitioner).post(f"/measures/administrations/{done.pk}/paper/", {})
    assert response.status_code == 302
    done.refresh_from_db()
    assert done.answers == [1] * 7


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_paper_entry_validates_ownership(request, login, pcl, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    assert browser.get(f"/measures/administrations/{pcl.pk}/paper/").status_code in (403, 404)
    answers = {f"item_{n}": "1" for n in range(1, 21)}
    assert browser.post(f"/measures/administrations/{pcl.pk}/paper/", answers).status_code in (
        403,
        404,
    )
    pcl.refresh_from_db()
    assert pcl.status == Status.PENDING
    assert not AuditEvent.objects.filter(actor=user).exists()
