"""Appointment types, rooms, working hours and time off (views/setup.py)."""

from __future__ import annotations

import pytest

from somatrace.scheduling.models import AppointmentType, Room, TimeOff, WorkingHours
from somatrace.testing import make_client_account

pytestmark = pytest.mark.django_db


def test_the_owner_adds_types_and_rooms(login, owner, practice) -> None:
    browser = login(owner)
    added = browser.post(
        "/practice/calendar/",
        {
            "kind": "type",
            "type-name": "First session",
            "type-duration_minutes": "90",
            "type-buffer_minutes": "15",
            "type-price": "70.00",
            "type-is_active": "on",
        },
    )
    assert added.status_code == 302
    kind = AppointmentType.objects.get()
    assert (kind.practice_id, kind.duration_minutes, kind.buffer_minutes) == (practice.pk, 90, 15)
    browser.post(
        "/practice/calendar/", {"kind": "room", "room-name": "Blue", "room-is_active": "on"}
    )
    assert Room.objects.get().name == "Blue"
    twice = browser.post("/practice/calendar/", {"kind": "room", "room-name": "Blue"})
    assert twice.status_code == 400
    assert Room.objects.count() == 1


def test_only_the_owner_opens_the_settings(
    login, practitioner, assistant, outsider, practice
) -> None:
    room = Room.objects.create(practice=practice, name="Blue")
    for who in (practitioner, assistant):
        assert login(who).get("/practice/calendar/").status_code == 403
    assert login(outsider).get(f"/practice/calendar/rooms/{room.pk}/").status_code == 404


def test_a_practitioner_sets_their_own_hours_and_time_off(login, practitioner, owner) -> None:
    browser = login(practitioner)
    answer = browser.post(
        f"/calendar/hours/?who={owner.pk}",  # not theirs to choose: their own hours
        {"kind": "hours", "hours-weekday": "0", "hours-starts": "09:00", "hours-ends": "17:00"},
    )
    assert answer.status_code == 302
    assert WorkingHours.objects.get().practitioner == practitioner
    browser.post(
        "/calendar/hours/",
        {
            "kind": "off",
            "off-first_day": "2027-08-02",
            "off-last_day": "2027-08-06",
            "off-reason": "Holiday",
        },
    )
    off = TimeOff.objects.get()
    # Whole London days (BST, UTC+1): from Mon 2 Aug 00:00 BST = 1 Aug 23:00Z to the midnight
    # after Fri 6 Aug = Sat 7 Aug 00:00 BST = 6 Aug 23:00Z.
    assert off.starts_at.isoformat() == "2027-08-01T23:00:00+00:00"
    assert off.ends_at.isoformat() == "2027-08-06T23:00:00+00:00"


def test_hours_that_end_before_they_start_are_a_form_error(login, practitioner) -> None:
    answer = login(practitioner).post(
        "/calendar/hours/",
        {"kind": "hours", "hours-weekday": "0", "hours-starts": "17:00", "hours-ends": "09:00"},
    )
    assert answer.status_code == 400
    assert b"The hours end after they start." in answer.content


def test_a_colleague_cannot_remove_someone_elses_hours(
    login, practitioner, colleague, practice, client, portal_login, client_record
) -> None:
    from datetime import time

    hours = WorkingHours.objects.create(
        practice=practice, practitioner=practitioner, weekday=0, starts=time(9), ends=time(17)
    )
    assert login(colleague).post(f"/calendar/hours/{hours.pk}/remove/").status_code == 403
    assert WorkingHours.objects.filter(pk=hours.pk).exists()
    browser = portal_login(client, make_client_account(client_record))
    assert browser.get("/calendar/hours/").status_code in (302, 403)
