"""Assigning instruments on a schedule and giving one now."""

from __future__ import annotations

import pytest

from somatrace.audit.models import Action, AuditEvent
from somatrace.measures.models import Administration, Assignment, PracticeMeasures


def test_assign_every_n_sessions_starts_with_a_baseline(login, practitioner, client_record) -> None:
    response = login(practitioner).post(
        f"/measures/clients/{client_record.pk}/assign/",
        {"instrument": "PHQ9", "schedule": "every_n_sessions", "n": "4"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(client=client_record)
    assert (assignment.instrument, assignment.schedule, assignment.n) == (
        "PHQ9",
        "every_n_sessions",
        4,
    )
    assert Administration.objects.filter(client=client_record, status="pending").count() == 1
    assert AuditEvent.objects.filter(actor=practitioner, action=Action.CREATE).exists()


def test_assign_at_discharge_waits_for_discharge(login, practitioner, client_record) -> None:
    login(practitioner).post(
        f"/measures/clients/{client_record.pk}/assign/",
        {"instrument": "GAD7", "schedule": "discharge"},
    )
    assert not Administration.objects.exists()
    client_record.status = "discharged"
    client_record.save()
    assert Administration.objects.get().instrument == "GAD7"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"instrument": "PHQ9", "schedule": "every_n_weeks"},
            b"Say how many sessions or weeks apart.",
        ),
        ({"instrument": "TAS20", "schedule": "on_demand"}, b"Select a valid choice"),
        (
            {"instrument": "WHO5", "schedule": "on_demand"},
            b"Select a valid choice",
        ),  # off by default
        (
            {"instrument": "PHQ9", "schedule": "every_n_weeks", "n": "0"},
            b"greater than or equal to 1",
        ),
        (
            {"instrument": "PHQ9", "schedule": "every_n_weeks", "n": "٣"},
            "Enter a whole number using the digits 0-9 (“٣” uses digits other than 0-9).".encode(),
        ),
        (
            {"instrument": "PHQ9", "schedule": "every_n_weeks", "n": "２"},
            "Enter a whole number using the digits 0-9 (“２” uses digits other than 0-9).".encode(),
        ),
        (
            {"instrument": "PHQ9", "schedule": "every_n_weeks", "n": "0_4"},
            "Enter a whole number using the digits 0-9 (“0_4” contains an underscore).".encode(),
        ),
        (
            {"instrument": "PHQ9", "schedule": "every_n_weeks", "n": "+4"},
            "Enter a whole number using the digits 0-9 (“+4” has a plus or minus sign).".encode(),
        ),
        (
            {"instrument": "PHQ9", "schedule": "every_n_weeks", "n": "4.5"},
            "Enter a whole number using the digits 0-9 (“4.5” is not a whole number).".encode(),
        ),
    ],
)
def test_assign_validates_input(login, practitioner, client_record, data, message) -> None:
    response = login(practitioner).post(f"/measures/clients/{client_record.pk}/assign/", data)
    assert response.status_code == 400
    assert message in response.content
    assert not Assignment.objects.exists()


def test_who5_can_be_assigned_once_the_owner_enables_it(login, practitioner, client_record) -> None:
    PracticeMeasures.objects.create(practice=client_record.practice, enabled=["PHQ9", "WHO5"])
    response = login(practitioner).post(
        f"/measures/clients/{client_record.pk}/assign/",
        {"instrument": "WHO5", "schedule": "on_demand"},
    )
    assert response.status_code == 302


def test_give_now_by_paper_goes_to_the_paper_form(login, practitioner, client_record) -> None:
    response = login(practitioner).post(
        f"/measures/clients/{client_record.pk}/give/", {"instrument": "PSS10", "channel": "paper"}
    )
    administration = Administration.objects.get()
    assert response.url == f"/measures/administrations/{administration.pk}/paper/"


def test_give_now_by_link_shows_the_link(login, practitioner, client_record) -> None:
    response = login(practitioner).post(
        f"/measures/clients/{client_record.pk}/give/", {"instrument": "GAD7", "channel": "link"}
    )
    assert response.status_code == 200 and b"/q/" in response.content


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_assign_and_give_validate_ownership(request, login, client_record, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    for url, data in (
        ("assign", {"instrument": "PHQ9", "schedule": "on_demand"}),
        ("give", {"instrument": "PHQ9", "channel": "paper"}),
    ):
        response = browser.post(f"/measures/clients/{client_record.pk}/{url}/", data)
        assert response.status_code in (403, 404)
    assert not Administration.objects.exists() and not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(actor=user).exists()
