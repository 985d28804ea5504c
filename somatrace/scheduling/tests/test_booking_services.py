"""Booking by clients within the practice's rules, public requests, reminders and feeds
(the booking section of scheduling/services.py)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.core.periodic import run_due_jobs
from somatrace.mail.models import OutgoingEmail
from somatrace.mail.testing import deliver_queued_mail
from somatrace.scheduling import services
from somatrace.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    CalendarFeed,
    RequestStatus,
)
from somatrace.scheduling.testing import make_appointment, make_hours, make_type, set_rules
from somatrace.testing import make_client, make_client_account, staff_actor, system_actor

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def scene(practice: Any, practitioner: Any, client_record: Any) -> dict[str, Any]:
    """Portal booking on: 60 days ahead, 24 hours' notice, cancel up to 24 hours before,
    reminders 24 and 2 hours before; the practitioner works 09:00-17:00 every day."""
    set_rules(
        practice,
        portal_booking=True,
        horizon_days=60,
        min_notice_hours=24,
        cancel_window_hours=24,
        reminder_hours="24, 2",
    )
    make_hours(practitioner)
    account = make_client_account(client_record, email="quinn@example.org")
    actor = Actor.portal_client(
        practice_id=practice.pk,
        client_id=client_record.pk,
        account_id=account.client_account.pk,
        user=account,
    )
    kind = make_type(practice, "Somatic session", duration_minutes=60)
    return {"actor": actor, "type": kind, "in_3_days": timezone.localdate() + timedelta(days=3)}


def book(scene: dict[str, Any], starts_at: datetime, **kw: Any) -> Appointment:
    return services.book_in_portal(
        scene["actor"], appointment_type=kw.pop("kind", scene["type"]), starts_at=starts_at, **kw
    )


def ics_of(email: OutgoingEmail) -> bytes:
    [attachment] = email.attachments
    assert attachment["filename"] == "appointment.ics"
    assert attachment["content_type"] == "text/calendar"
    return base64.b64decode(attachment["content"])


# --- Booking in the portal ---------------------------------------------------------------------


def test_a_client_books_an_open_time_and_is_emailed_an_ics(scene, client_record, practitioner):
    starts = local(scene["in_3_days"], 10)
    appointment = book(scene, starts)
    assert appointment.client_id == client_record.pk
    assert appointment.practitioner_id == practitioner.pk
    assert appointment.booked_in_portal
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)
    email = OutgoingEmail.objects.get(kind="scheduling.booked")
    assert email.to == "quinn@example.org"
    body = ics_of(email)
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == starts.astimezone(UTC)
    assert str(event["SUMMARY"]) == "Somatic session · Riverside Practice"
    assert client_record.name.encode() not in body
    assert f"{starts:%H:%M}" in email.text and "Europe/London" in email.text


def test_it_refuses_when_portal_booking_is_off(scene, practice):
    set_rules(practice, portal_booking=False)
    with pytest.raises(RuleError, match="does not take bookings in the portal"):
        book(scene, local(scene["in_3_days"], 10))
    assert not Appointment.objects.exists()


def test_it_refuses_a_type_not_bookable_online(scene, practice):
    private = make_type(practice, "Intake call", bookable_online=False)
    retired = make_type(practice, "Old session", is_active=False)
    for kind in (private, retired):
        with pytest.raises(RuleError, match="cannot be booked online"):
            book(scene, local(scene["in_3_days"], 10), kind=kind)
    assert not Appointment.objects.exists()


def test_it_refuses_a_time_inside_the_minimum_notice(scene):
    soon = timezone.now() + timedelta(hours=23)  # 24 hours' notice needed
    with pytest.raises(RuleError, match="at least 24 hours ahead"):
        book(scene, soon)


def test_it_refuses_a_time_beyond_the_horizon(scene):
    far = local(timezone.localdate() + timedelta(days=62), 10)  # 60 days allowed
    with pytest.raises(RuleError, match="up to 60 days ahead"):
        book(scene, far)


def test_it_refuses_a_time_taken_by_another_appointment(scene, practice, practitioner):
    other = make_client(practice, practitioner, name="Robin Other")
    make_appointment(other, local(scene["in_3_days"], 10), appointment_type=scene["type"])
    with pytest.raises(RuleError, match="already booked") as refusal:
        book(scene, local(scene["in_3_days"], 10, 30))
    assert "Robin" not in str(refusal.value)


def test_it_refuses_a_time_outside_working_hours(scene):
    with pytest.raises(RuleError, match="outside the practitioner's working hours"):
        book(scene, local(scene["in_3_days"], 18))


def test_staff_do_not_book_through_the_portal_service(scene, practitioner):
    with pytest.raises(PermissionDenied):
        services.book_in_portal(
            staff_actor(practitioner),
            appointment_type=scene["type"],
            starts_at=local(scene["in_3_days"], 10),
        )


def test_open_times_leave_out_the_booked_hour(scene, practice, practitioner):
    day = scene["in_3_days"]
    book(scene, local(day, 10))
    times = services.open_times(
        practice_id=practice.pk,
        practitioner_id=practitioner.pk,
        appointment_type=scene["type"],
        first_day=day,
        last_day=day,
        now=timezone.now(),
    )
    # 09:00-17:00 with 60 minutes: starts 09:00..16:00 every 15 minutes = 29; the booking
    # 10:00-11:00 rules out starts from 09:15 to 10:45 (7 of them): 22 left.
    assert len(times) == 22
    assert local(day, 9).astimezone(UTC) in times
    assert local(day, 9, 15).astimezone(UTC) not in times
    assert local(day, 11).astimezone(UTC) in times


# --- Moving and cancelling: the cancel window ---------------------------------------------------


def test_a_client_cancels_outside_the_cancel_window(scene, client_record):
    appointment = make_appointment(
        client_record, timezone.now() + timedelta(hours=48), appointment_type=scene["type"]
    )
    cancelled = services.cancel_in_portal(scene["actor"], appointment)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.status_reason.startswith("Cancelled by the client")
    email = OutgoingEmail.objects.get(kind="scheduling.cancelled")
    [event] = Calendar.from_ical(ics_of(email)).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_it_refuses_a_cancel_inside_the_cancel_window(scene, client_record):
    # 23 hours ahead, cancel window 24 hours: too late to cancel in the portal.
    appointment = make_appointment(
        client_record, timezone.now() + timedelta(hours=23), appointment_type=scene["type"]
    )
    with pytest.raises(RuleError, match="up to 24 hours before"):
        services.cancel_in_portal(scene["actor"], appointment)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_it_refuses_a_move_inside_the_cancel_window(scene, client_record):
    appointment = make_appointment(
        client_record, timezone.now() + timedelta(hours=23), appointment_type=scene["type"]
    )
    with pytest.raises(RuleError, match="up to 24 hours before"):
        services.move_in_portal(scene["actor"], appointment, local(scene["in_3_days"], 10))


def test_a_client_moves_to_another_open_time(scene):
    appointment = book(scene, local(scene["in_3_days"], 10))
    moved = services.move_in_portal(scene["actor"], appointment, local(scene["in_3_days"], 14))
    assert moved.starts_at == local(scene["in_3_days"], 14)
    assert OutgoingEmail.objects.filter(kind="scheduling.moved").count() == 1


def test_a_client_cannot_touch_another_clients_appointment(scene, practice, practitioner):
    other = make_client(practice, practitioner, name="Robin Other")
    theirs = make_appointment(
        other, timezone.now() + timedelta(days=3), appointment_type=scene["type"]
    )
    with pytest.raises(PermissionDenied):
        services.cancel_in_portal(scene["actor"], theirs)
    with pytest.raises(PermissionDenied):
        services.move_in_portal(scene["actor"], theirs, local(scene["in_3_days"], 14))
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.BOOKED


# --- The rules ------------------------------------------------------------------------------


def test_the_owner_sets_the_rules_and_the_public_page_gets_an_address(owner, practice):
    rules = services.update_rules(
        staff_actor(owner), {"public_booking": True, "reminder_hours": "2,24 ,24"}
    )
    assert rules.public_booking
    assert rules.reminder_hours == "24, 2"
    assert rules.public_key and len(rules.public_key) >= 20
    assert services.public_rules(rules.public_key) == rules


def test_only_the_owner_sets_the_rules(practitioner):
    with pytest.raises(PermissionDenied):
        services.update_rules(staff_actor(practitioner), {"portal_booking": True})


def test_it_refuses_reminder_hours_it_cannot_read(owner):
    for bad in ("soon", "0", "400", "1,2,3,4"):
        with pytest.raises(RuleError):
            services.update_rules(staff_actor(owner), {"reminder_hours": bad})


# --- Requests from the public page ----------------------------------------------------------


def public_rules(owner: Any) -> Any:
    return services.update_rules(staff_actor(owner), {"public_booking": True})


DETAILS = {"name": "Sam Newcomer", "email": "sam@example.org", "phone": "", "message": "Hi"}


def test_a_request_emails_the_owners_a_bare_link(owner, practitioner):
    request = services.request_first_appointment(public_rules(owner), DETAILS, address="1.2.3.4")
    assert request.status == RequestStatus.NEW
    [email] = OutgoingEmail.objects.filter(kind="scheduling.request")
    assert email.to == owner.email
    assert "Sam" not in email.subject and "Sam" not in email.text
    assert "sam@example.org" not in email.text
    assert "/booking-requests/" in email.text


def test_requests_are_throttled_per_address(owner):
    rules = public_rules(owner)
    for _ in range(services.REQUESTS_PER_ADDRESS):  # 5 an hour from one address
        services.request_first_appointment(rules, DETAILS, address="1.2.3.4")
    with pytest.raises(services.TooManyRequests):
        services.request_first_appointment(rules, DETAILS, address="1.2.3.4")
    services.request_first_appointment(rules, DETAILS, address="5.6.7.8")
    assert BookingRequest.objects.count() == 6


def test_declining_and_inviting_answer_the_request_once(owner, practitioner):
    rules = public_rules(owner)
    first = services.request_first_appointment(rules, DETAILS, address="1.2.3.4")
    second = services.request_first_appointment(rules, DETAILS, address="1.2.3.4")
    services.decline_request(staff_actor(practitioner), first)
    client = services.client_from_request(staff_actor(practitioner), second)
    assert client.name == "Sam Newcomer" and client.email == "sam@example.org"
    assert client.assigned_practitioner_id == practitioner.pk
    second.refresh_from_db()
    assert second.status == RequestStatus.INVITED and second.client_id == client.pk
    with pytest.raises(RuleError, match="answered already"):
        services.decline_request(staff_actor(practitioner), second)


def test_other_practices_and_assistants_cannot_answer(owner, outsider, assistant):
    request = services.request_first_appointment(public_rules(owner), DETAILS, address="1.2.3.4")
    with pytest.raises(PermissionDenied):
        services.decline_request(staff_actor(outsider), request)
    with pytest.raises(PermissionDenied):
        services.client_from_request(staff_actor(assistant), request)
    assert not Client.objects.filter(name="Sam Newcomer").exists()


# --- Reminders ---------------------------------------------------------------------------------


def test_a_reminder_is_queued_once_across_two_runs(scene, practice, client_record):
    now = timezone.now()
    appointment = make_appointment(
        client_record, now + timedelta(hours=23), appointment_type=scene["type"]
    )
    services.send_reminders(system_actor(practice), now)
    services.send_reminders(system_actor(practice), now + timedelta(minutes=5))
    [email] = OutgoingEmail.objects.filter(kind="scheduling.reminder")
    assert email.key == services.reminder_key(appointment, 24)
    assert email.to == "quinn@example.org"
    assert client_record.name not in email.text
    assert "/portal/appointments/" in email.text


def test_nothing_is_reminded_before_its_hour_or_after_the_start(scene, practice, client_record):
    now = timezone.now()
    make_appointment(client_record, now + timedelta(hours=25), appointment_type=scene["type"])
    make_appointment(client_record, now - timedelta(minutes=1), appointment_type=scene["type"])
    cancelled = make_appointment(
        client_record, now + timedelta(hours=3), appointment_type=scene["type"]
    )
    cancelled.status = AppointmentStatus.CANCELLED
    cancelled.save()
    assert services.send_reminders(system_actor(practice), now) == []
    assert not OutgoingEmail.objects.exists()


def test_a_moved_appointment_is_reminded_again(scene, practice, client_record):
    now = timezone.now()
    appointment = make_appointment(
        client_record, now + timedelta(hours=23), appointment_type=scene["type"]
    )
    services.send_reminders(system_actor(practice), now)
    appointment.starts_at += timedelta(hours=1)  # moved by the practice
    appointment.ends_at += timedelta(hours=1)
    appointment.save()
    services.send_reminders(system_actor(practice), now + timedelta(minutes=5))
    assert OutgoingEmail.objects.filter(kind="scheduling.reminder").count() == 2
    # An hour and a half before: the 2-hour reminder, once.
    later = appointment.starts_at - timedelta(minutes=90)
    services.send_reminders(system_actor(practice), later)
    services.send_reminders(system_actor(practice), later + timedelta(minutes=5))
    keys = sorted(OutgoingEmail.objects.filter(kind="scheduling.reminder").values_list("key"))
    assert len(keys) == 3
    assert (services.reminder_key(appointment, 2),) in keys


def test_when_two_reminders_are_due_at_once_only_the_nearest_goes(scene, practice, client_record):
    now = timezone.now()
    appointment = make_appointment(
        client_record, now + timedelta(hours=1), appointment_type=scene["type"]
    )
    services.send_reminders(system_actor(practice), now)
    [email] = OutgoingEmail.objects.filter(kind="scheduling.reminder")
    assert email.key == services.reminder_key(appointment, 2)


def test_the_worker_sends_the_reminder_with_an_ics_that_parses(
    smtp_server, scene, practice, client_record
):
    now = timezone.now()
    appointment = make_appointment(
        client_record, now + timedelta(hours=20), appointment_type=scene["type"]
    )
    run_due_jobs(now)
    run_due_jobs(now + timedelta(minutes=5))  # the next period: the job runs again
    assert deliver_queued_mail() == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "quinn@example.org"
    assert "Riverside Practice" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    local_start = appointment.starts_at.astimezone(LONDON)
    assert f"{local_start:%H:%M}" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    [event] = Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == appointment.starts_at.replace(microsecond=0)
    assert client_record.name not in body


# --- Calendar feeds ----------------------------------------------------------------------------


def test_the_feed_shows_times_and_types_only_across_the_clock_change(
    practice, practitioner, client_record
):
    client_record.email = "quinn@example.org"
    client_record.save()
    kind = make_type(practice, "Somatic session")
    for day in (22, 29):  # a weekly 09:00 London on either side of 28 March 2027
        make_appointment(
            client_record,
            local(date(2027, 3, day), 9),
            appointment_type=kind,
            status_reason="Secret-reason-81",
        )
    token = services.reset_feed(staff_actor(practitioner))
    body = services.read_feed(token, now=datetime(2027, 3, 20, tzinfo=UTC))
    assert body is not None
    events = Calendar.from_ical(body).walk("VEVENT")
    # 09:00 GMT is 09:00Z; 09:00 BST is 08:00Z.
    assert [e.decoded("DTSTART").astimezone(UTC) for e in events] == [
        datetime(2027, 3, 22, 9, tzinfo=UTC),
        datetime(2027, 3, 29, 8, tzinfo=UTC),
    ]
    for secret in (client_record.name, "Quinn", "quinn@example.org", "Secret-reason-81"):
        assert secret.encode() not in body
    feed = CalendarFeed.objects.get(practitioner=practitioner)
    assert feed.last_fetched_at == datetime(2027, 3, 20, tzinfo=UTC)
    assert feed.token_hash != token and token not in feed.token_hash


def test_resetting_the_feed_retires_the_old_secret(practitioner):
    old = services.reset_feed(staff_actor(practitioner))
    new = services.reset_feed(staff_actor(practitioner))
    assert services.read_feed(old) is None
    assert services.read_feed(new) is not None
    assert CalendarFeed.objects.count() == 1


def test_assistants_have_no_feed(assistant):
    with pytest.raises(PermissionDenied):
        services.reset_feed(staff_actor(assistant))
