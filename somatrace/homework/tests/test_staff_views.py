"""The practitioner's home-practice and sharing actions from the client page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.clients.models import ProgressSharing
from somatrace.homework.models import Completion, Exercise, ExerciseAssignment
from somatrace.homework.testing import make_completion, make_home_practice
from somatrace.testing import make_client

pytestmark = pytest.mark.django_db


def _assign_form(**fields: object) -> dict[str, object]:
    form: dict[str, object] = {
        "exercise": Exercise.objects.get(practice=None, code="five-things").pk,
        "per_week": 5,
        "minutes": "",
        "until": "",
        "instructions": "When you wake up.",
    }
    form.update(fields)
    return form


def test_the_client_page_shows_home_practice_with_adherence_and_the_sharing_form(
    login, practitioner, client_record
) -> None:
    assignment = make_home_practice(client_record, "slow-exhale", days_ago=13, per_week=3)
    for day in (1, 2, 9):
        make_completion(assignment, on=timezone.localdate() - timedelta(days=day))
    page = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert "Home practice" in page
    assert "Slow exhale" in page
    # 14 days from the start to today: 3 x 14 / 7 = 6 asked; 3 done, 2 in the last 7 days.
    assert "Done 3 times so far, 6 asked for; 2 times in the last 7 days, 3 a week asked." in page
    assert 'name="ratings"' in page and 'name="scores"' in page and 'name="bodymaps"' in page


def test_the_practitioner_assigns_from_the_client_page(login, practitioner, client_record):
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/home-practice/", _assign_form()
    )
    assert response.status_code == 302
    assert response.url.endswith("#home-practice")
    assignment = ExerciseAssignment.objects.get()
    # Minutes left empty: the exercise's own suggestion (2 for naming five things).
    assert (assignment.label, assignment.per_week, assignment.minutes) == (
        "Naming five things seen",
        5,
        2,
    )
    assert assignment.instructions == "When you wake up."


def test_bad_input_assigns_nothing_and_says_why(login, practitioner, client_record) -> None:
    browser = login(practitioner)
    response = browser.post(
        f"/clients/{client_record.pk}/home-practice/", _assign_form(per_week=40), follow=True
    )
    assert "Nothing was assigned." in response.content.decode()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = browser.post(
        f"/clients/{client_record.pk}/home-practice/", _assign_form(until=yesterday), follow=True
    )
    assert "The end date is in the past." in response.content.decode()
    assert not ExerciseAssignment.objects.exists()


def test_the_practitioner_stops_an_exercise(login, practitioner, client_record) -> None:
    assignment = make_home_practice(client_record)
    make_completion(assignment)
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/home-practice/{assignment.pk}/end/"
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert Completion.objects.count() == 1


def test_the_practitioner_chooses_what_the_client_sees(login, practitioner, client_record):
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/sharing/", {"ratings": "on", "bodymaps": "on"}
    )
    assert response.status_code == 302
    assert ProgressSharing.shared_with(client_record.pk) == {"ratings", "bodymaps"}


@pytest.mark.parametrize("who", ["colleague", "assistant", "outsider"])
def test_the_wrong_staff_member_changes_nothing(request, login, client_record, who) -> None:
    assignment = make_home_practice(client_record)
    browser = login(request.getfixturevalue(who))
    for url, data in (
        (f"/clients/{client_record.pk}/home-practice/", _assign_form()),
        (f"/clients/{client_record.pk}/home-practice/{assignment.pk}/end/", {}),
        (f"/clients/{client_record.pk}/sharing/", {"ratings": "on"}),
    ):
        response = browser.post(url, data)
        assert response.status_code in (403, 404), (who, url)
        assert client_record.name.encode() not in response.content
    assignment.refresh_from_db()
    assert assignment.ended_at is None
    assert ExerciseAssignment.objects.count() == 1
    assert not ProgressSharing.objects.exists()


def test_an_assignment_of_another_client_is_not_found_under_this_one(
    login, practice, practitioner, client_record
) -> None:
    other = make_home_practice(make_client(practice, practitioner))
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/home-practice/{other.pk}/end/"
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.ended_at is None


def test_the_pages_are_post_only(login, practitioner, client_record) -> None:
    browser = login(practitioner)
    assert browser.get(f"/clients/{client_record.pk}/sharing/").status_code == 405
    assert browser.get(f"/clients/{client_record.pk}/home-practice/").status_code == 405


def test_the_practice_adds_its_own_exercise_and_assigns_it(
    login, practitioner, client_record, practice
) -> None:
    browser = login(practitioner)
    page = browser.get("/home-practice/exercises/").content.decode()
    assert "Orienting to the room" in page and "Gentle body scan" in page
    response = browser.post(
        "/home-practice/exercises/",
        {
            "label": "Butterfly hug",
            "code": "butterfly-hug",
            "minutes": "2",
            "instructions": "Cross your arms and tap each shoulder in turn.",
        },
    )
    assert response.status_code == 302
    own = Exercise.objects.get(practice=practice)
    assert (own.code, own.minutes) == ("butterfly-hug", 2)
    browser.post(f"/clients/{client_record.pk}/home-practice/", _assign_form(exercise=own.pk))
    assert ExerciseAssignment.objects.get().label == "Butterfly hug"


def test_a_code_already_on_the_list_is_refused(login, practitioner) -> None:
    response = login(practitioner).post(
        "/home-practice/exercises/",
        {"label": "Mine", "code": "slow-exhale", "minutes": "2", "instructions": "Breathe."},
    )
    assert response.status_code == 400
    assert "already on the list" in response.content.decode()


def test_another_practices_exercises_are_not_on_the_list(login, practitioner, other_practice):
    Exercise.objects.create(
        practice=other_practice, code="secret", label="Elsewhere only", instructions="x"
    )
    assert (
        "Elsewhere only"
        not in login(practitioner).get("/home-practice/exercises/").content.decode()
    )


def test_assistants_are_refused_the_exercise_list(login, assistant) -> None:
    assert login(assistant).get("/home-practice/exercises/").status_code == 403
