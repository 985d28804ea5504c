"""The client's home practice in their portal: their own exercises only, and "I did it"."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.homework.models import Completion
from somatrace.homework.testing import make_completion, make_home_practice
from somatrace.testing import make_client, make_client_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client: Any, portal_login: Any, client_record: Any) -> Any:
    return portal_login(client, make_client_account(client_record))


def test_the_client_sees_their_exercises_with_instructions_and_timer(portal, client_record) -> None:
    assignment = make_home_practice(
        client_record, "slow-exhale", per_week=2, minutes=4, instructions="Before bed."
    )
    page = portal.get("/portal/home-practice/").content.decode()
    assert "Slow exhale" in page
    assert "2 times a week, about 4 min" in page
    page = portal.get(f"/portal/home-practice/{assignment.pk}/").content.decode()
    assert "Breathe in gently through your nose" in page
    assert "Before bed." in page
    assert 'data-seconds="240"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "js/homework/timer" in page
    row = AuditEvent.objects.filter(object_type="homework.exerciseassignment").last()
    assert (row.action, row.actor_kind, row.channel) == ("read", "client", "portal")


def test_the_home_page_lists_current_exercises(portal, client_record) -> None:
    make_home_practice(client_record, "orienting")
    page = portal.get("/portal/").content.decode()
    assert "Your home practice" in page
    assert "Orienting to the room" in page
    assert 'href="/portal/home-practice/"' in page  # the navigation link


def test_the_timer_records_how_long_the_client_practised(portal, client_record) -> None:
    assignment = make_home_practice(client_record, minutes=3)
    key = str(uuid.uuid4())
    form = {"client_uuid": key, "seconds": "187", "minutes": "3"}
    response = portal.post(f"/portal/home-practice/{assignment.pk}/done/", form, follow=True)
    assert response.redirect_chain[-1][0] == "/portal/home-practice/"
    assert "3 min 7 s, noted." in response.content.decode()
    # Sent twice (a double tap, a retry): stored once.
    portal.post(f"/portal/home-practice/{assignment.pk}/done/", form)
    completion = Completion.objects.get()
    assert (completion.duration_seconds, str(completion.client_uuid)) == (187, key)
    page = portal.get("/portal/home-practice/").content.decode()
    # Started today at 3 a week: none due yet (3 x 1 / 7 rounds down to 0), one done.
    assert "Done 1 time so far; 1 time in the last 7 days, 3 a week asked." in page


def test_without_the_timer_the_minutes_typed_in_count(portal, client_record) -> None:
    assignment = make_home_practice(client_record)
    portal.post(
        f"/portal/home-practice/{assignment.pk}/done/",
        {"client_uuid": str(uuid.uuid4()), "seconds": "", "minutes": "5"},
    )
    assert Completion.objects.get().duration_seconds == 300


def test_nothing_done_is_refused_kindly(portal, client_record) -> None:
    assignment = make_home_practice(client_record)
    response = portal.post(
        f"/portal/home-practice/{assignment.pk}/done/",
        {"client_uuid": str(uuid.uuid4()), "seconds": "", "minutes": "0"},
        follow=True,
    )
    assert "between one second and four hours" in response.content.decode()
    assert not Completion.objects.exists()


def test_another_clients_exercise_is_not_found(
    portal, practice, practitioner, client_record
) -> None:
    theirs = make_home_practice(make_client(practice, practitioner, name="Robin Other"))
    make_completion(theirs)
    for method, url in (
        (portal.get, f"/portal/home-practice/{theirs.pk}/"),
        (portal.post, f"/portal/home-practice/{theirs.pk}/done/"),
    ):
        response = method(url, {"client_uuid": str(uuid.uuid4()), "minutes": "5"})
        assert response.status_code == 404
        assert b"Robin Other" not in response.content
    assert "Slow exhale" not in portal.get("/portal/home-practice/").content.decode()
    assert Completion.objects.count() == 1


def test_a_stopped_exercise_leaves_the_clients_list(portal, client_record) -> None:
    assignment = make_home_practice(client_record, ended_at=timezone.now())
    assert portal.get(f"/portal/home-practice/{assignment.pk}/").status_code == 404
    assert "Slow exhale" not in portal.get("/portal/home-practice/").content.decode()


@pytest.mark.parametrize("who", ["practitioner", "owner"])
def test_staff_are_refused_the_portal_pages(request, login, client_record, who) -> None:
    assignment = make_home_practice(client_record)
    browser = login(request.getfixturevalue(who))
    for url in (
        "/portal/home-practice/",
        f"/portal/home-practice/{assignment.pk}/",
        f"/portal/home-practice/{assignment.pk}/done/",
        "/portal/progress/",
    ):
        response = browser.post(url) if url.endswith("done/") else browser.get(url)
        assert response.status_code == 403, url
        assert b"Slow exhale" not in response.content
