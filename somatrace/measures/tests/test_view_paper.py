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


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("٣", "uses digits other than 0-9"),
        ("２", "uses digits other than 0-9"),
        ("0_1", "contains an underscore"),
        ("+1", "has a plus or minus sign"),
        ("1.0", "is not a whole number"),
    ],
)
def test_paper_entry_refuses_answers_that_are_not_ascii_whole_numbers(
    login, practitioner, pcl, value, problem
) -> None:
    answers = {f"item_{n}": "1" for n in range(1, 21)} | {"item_4": value}
    response = login(practitioner).post(f"/measures/administrations/{pcl.pk}/paper/", answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Question 4: the answer must be one of the options shown, sent as a whole number with "
        f"the digits 0-9 (“{value}” {problem})."
    ) in html
    pcl.refresh_from_db()
    assert pcl.status == Status.PENDING


def test_paper_phq9_with_two_blank_items_is_prorated_and_says_so(
    login, practitioner, client_record
) -> None:
    phq = make_administration(client_record, "PHQ9")
    answers = {f"item_{n}": "1" for n in range(1, 10) if n not in (4, 7)}
    browser = login(practitioner)
    response = browser.post(f"/measures/administrations/{phq.pk}/paper/", answers, follow=True)
    html = response.content.decode()
    # 7 answered at 1: mean 1 x 9 = 9 (NHS Data Dictionary), "Mild"
    assert "Prorated: items 4 and 7 not answered" in html
    assert ">prorated</span>" in html
    phq.refresh_from_db()
    assert (phq.valid, phq.total, phq.band) == (True, 9, "Mild")


def test_paper_phq9_with_three_blank_items_is_not_scored(
    login, practitioner, client_record
) -> None:
    phq = make_administration(client_record, "PHQ9")
    answers = {f"item_{n}": "1" for n in range(1, 10) if n not in (1, 4, 7)}
    response = login(practitioner).post(
        f"/measures/administrations/{phq.pk}/paper/", answers, follow=True
    )
    assert "Not answered: items 1, 4 and 7." in response.content.decode()
    phq.refresh_from_db()
    assert phq.valid is False and phq.total is None


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
