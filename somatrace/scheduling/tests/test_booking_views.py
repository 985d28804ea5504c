"""The booking doors (scheduling/views/booking.py): the client's appointments in the portal,
the public request page and the staff's list of requests."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.mail.models import OutgoingEmail
from somatrace.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    RequestStatus,
)
from somatrace.scheduling.testing import make_appointment, make_hours, make_type, set_rules
from somatrace.testing import make_client, make_client_account

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def portal(client: Any, portal_login: Any, practice: Any, practitioner: Any, client_record: Any):
    set_rules(practice, portal_booking=True, min_notice_hours=24, cancel_window_hours=24)
    make_hours(practitioner)
    return portal_login(client, make_client_account(client_record, email="quinn@example.org"))


@pytest.fixture
def kind(practice: Any) -> Any:
    return make_type(practice, "Somatic session", duration_minutes=60)


def day_after_tomorrow() -> Any:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=2)


def test_the_client_books_in_three_steps(portal, kind, client_record):
    page = portal.get(reverse("portal_book"))
    assert b"Somatic session" in page.content
    page = portal.get(reverse("portal_book"), {"type": kind.pk})
    day = day_after_tomorrow()
    assert f"day={day:%Y-%m-%d}".encode() in page.content
    page = portal.get(reverse("portal_book"), {"type": kind.pk, "day": f"{day:%Y-%m-%d}"})
    starts = datetime.combine(day, time(10), LONDON).astimezone(UTC)
    assert starts.isoformat().encode() in page.content
    assert b"Europe/London" in page.content
    response = portal.post(
        reverse("portal_book"), {"type": kind.pk, "starts_at": starts.isoformat()}
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == starts and appointment.client_id == client_record.pk
    listing = portal.get(reverse("portal_appointments"))
    assert b"Somatic session" in listing.content
    assert f"{datetime.combine(day, time(10)):%H:%M}".encode() in listing.content
    assert OutgoingEmail.objects.filter(kind="scheduling.booked").count() == 1


def test_a_time_inside_the_minimum_notice_is_refused_with_the_rule(portal, kind):
    soon = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    response = portal.post(reverse("portal_book"), {"type": kind.pk, "starts_at": soon.isoformat()})
    assert response.status_code == 400
    assert b"at least 24 hours ahead" in response.content
    assert not Appointment.objects.exists()


def test_nonsense_times_get_a_message_not_an_error(portal, kind):
    for value in ("", "tomorrow", "2027-03-22T10:00"):  # the last has no zone
        response = portal.post(reverse("portal_book"), {"type": kind.pk, "starts_at": value})
        assert response.status_code == 400
        assert b"Choose a kind of appointment and one of the times offered" in response.content


def test_booking_off_sends_the_client_back_with_a_word(portal, practice, kind):
    set_rules(practice, portal_booking=False)
    response = portal.get(reverse("portal_book"), follow=True)
    assert b"does not take bookings here" in response.content


def test_the_client_cancels_and_a_late_cancel_is_refused(portal, client_record, kind):
    far = make_appointment(client_record, timezone.now() + timedelta(days=3), appointment_type=kind)
    near = make_appointment(
        client_record, timezone.now() + timedelta(hours=5), appointment_type=kind
    )
    response = portal.post(reverse("portal_appointment_cancel", args=[near.pk]))
    assert response.status_code == 400
    assert b"up to 24 hours before" in response.content
    response = portal.post(reverse("portal_appointment_cancel", args=[far.pk]))
    assert response.status_code == 302
    far.refresh_from_db()
    near.refresh_from_db()
    assert (far.status, near.status) == (AppointmentStatus.CANCELLED, AppointmentStatus.BOOKED)


def test_the_client_moves_to_an_offered_time(portal, client_record, kind):
    appointment = make_appointment(
        client_record,
        datetime.combine(day_after_tomorrow(), time(10), LONDON),
        appointment_type=kind,
    )
    day = day_after_tomorrow()
    page = portal.get(
        reverse("portal_appointment_move", args=[appointment.pk]), {"day": f"{day:%Y-%m-%d}"}
    )
    later = datetime.combine(day, time(15), LONDON).astimezone(UTC)
    assert later.isoformat().encode() in page.content
    response = portal.post(
        reverse("portal_appointment_move", args=[appointment.pk]),
        {"starts_at": later.isoformat()},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == later


def test_another_clients_appointment_is_not_found(portal, practice, practitioner, kind):
    other = make_client(practice, practitioner, name="Robin Other")
    theirs = make_appointment(other, timezone.now() + timedelta(days=3), appointment_type=kind)
    for name in ("portal_appointment_move", "portal_appointment_cancel"):
        for method in (portal.get, portal.post):
            response = method(reverse(name, args=[theirs.pk]))
            assert response.status_code == 404
            assert b"Robin" not in response.content
    assert b"Robin" not in portal.get(reverse("portal_appointments")).content
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.BOOKED


def test_the_appointments_page_is_audited_and_its_queries_bounded(
    portal, client_record, kind, django_assert_max_num_queries
):
    for days in range(1, 12):
        make_appointment(
            client_record, timezone.now() + timedelta(days=days), appointment_type=kind
        )
    with django_assert_max_num_queries(15):
        response = portal.get(reverse("portal_appointments"))
    assert response.status_code == 200
    row = AuditEvent.objects.filter(client_id=client_record.pk, actor_kind="client").last()
    assert row is not None and len(row.shown["scheduling.appointment"]) == 11


def test_staff_cannot_open_the_portal_pages(login, practitioner, client_record, kind):
    appointment = make_appointment(
        client_record, timezone.now() + timedelta(days=3), appointment_type=kind
    )
    browser = login(practitioner)
    assert browser.get(reverse("portal_appointments")).status_code == 403
    assert (
        browser.post(reverse("portal_appointment_cancel", args=[appointment.pk])).status_code == 403
    )


# --- The public page ---------------------------------------------------------------------------


def public_key(practice: Any, *, on: bool = True) -> str:
    rules = set_rules(practice, public_booking=on, public_key="k" * 24)
    return str(rules.public_key)


def test_the_public_page_is_not_found_while_it_is_off(client, practice):
    key = public_key(practice, on=False)
    assert client.get(reverse("public_booking", args=[key])).status_code == 404
    assert client.post(reverse("public_booking", args=[key])).status_code == 404
    assert client.get(reverse("public_booking", args=["nothing-here"])).status_code == 404


def test_someone_new_asks_for_a_first_appointment(client, practice, practitioner, owner, kind):
    make_hours(practitioner)
    key = public_key(practice)
    page = client.get(reverse("public_booking", args=[key]), {"type": kind.pk})
    assert page.status_code == 200
    day = day_after_tomorrow()
    wanted = datetime.combine(day, time(11), LONDON).astimezone(UTC)
    assert wanted.isoformat().encode() in page.content
    response = client.post(
        reverse("public_booking", args=[key]),
        {
            "name": "Sam Newcomer",
            "email": "sam@example.org",
            "appointment_type": kind.pk,
            "preferred_start": wanted.isoformat(),
            "message": "Evenings are best.",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("public_booking_thanks", args=[key])
    request = BookingRequest.objects.get()
    assert (request.name, request.preferred_start, request.practice_id) == (
        "Sam Newcomer",
        wanted,
        practice.pk,
    )
    email = OutgoingEmail.objects.get(kind="scheduling.request")
    assert email.to == owner.email and "Sam" not in email.subject


def test_the_public_form_keeps_what_was_typed_on_a_mistake(client, practice):
    key = public_key(practice)
    response = client.post(
        reverse("public_booking", args=[key]), {"name": "Sam Newcomer", "email": "not-an-email"}
    )
    assert response.status_code == 400
    assert b"Sam Newcomer" in response.content
    assert not BookingRequest.objects.exists()


def test_the_public_page_is_throttled(client, practice):
    key = public_key(practice)
    data = {"name": "Sam Newcomer", "email": "sam@example.org"}
    codes = [client.post(reverse("public_booking", args=[key]), data).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]  # 5 requests an hour from one address
    assert BookingRequest.objects.count() == 5


def test_the_public_page_refuses_a_post_without_csrf(practice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    key = public_key(practice)
    response = strict.post(
        reverse("public_booking", args=[key]), {"name": "Sam", "email": "sam@example.org"}
    )
    assert response.status_code == 403
    assert not BookingRequest.objects.exists()


# --- Staff: the requests -----------------------------------------------------------------------


def make_request(practice: Any, name: str = "Sam Newcomer") -> BookingRequest:
    return BookingRequest.objects.create(practice=practice, name=name, email="sam@example.org")


def test_practitioners_see_and_decline_their_practices_requests(login, practitioner, practice):
    request = make_request(practice)
    browser = login(practitioner)
    page = browser.get(reverse("booking_requests"))
    assert b"Sam Newcomer" in page.content
    response = browser.post(reverse("booking_request_decline", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert b"Sam Newcomer" not in browser.get(reverse("booking_requests")).content


def test_other_practices_and_assistants_get_nothing(login, outsider, assistant, practice):
    request = make_request(practice)
    for user in (outsider, assistant):
        browser = login(user)
        page = browser.get(reverse("booking_requests"))
        assert b"Sam Newcomer" not in page.content
        response = browser.post(reverse("booking_request_decline", args=[request.pk]))
        assert response.status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_the_requests_page_queries_are_bounded(
    login, owner, practice, django_assert_max_num_queries
):
    for number in range(25):
        make_request(practice, name=f"Person {number}")
    browser = login(owner)
    with django_assert_max_num_queries(20):
        response = browser.get(reverse("booking_requests"))
    assert response.content.count(b"Person ") == 25


def test_the_user_menu_leads_clinical_staff_to_the_requests(login, owner, assistant):
    assert reverse("booking_requests").encode() in login(owner).get("/").content
    assert reverse("booking_requests").encode() not in login(assistant).get("/").content
