"""Test builders for the calendar and booking, and what the URL walk needs to know."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from somatrace.scheduling.models import (
    Appointment,
    AppointmentType,
    BookingRequest,
    BookingRules,
    Room,
    TimeOff,
    WorkingHours,
)

# Reachable without signing in, on purpose: the public request page (404 unless the practice
# turned it on) and the calendar feed (its secret in the path; 404 for an unknown one).
PUBLIC_URL_NAMES = {"public_booking", "public_booking_thanks", "calendar_feed"}


def make_appointment_type(practice: Any, name: str = "Session", **fields: Any) -> AppointmentType:
    fields.setdefault("duration_minutes", 60)
    return AppointmentType.objects.get_or_create(practice=practice, name=name, defaults=fields)[0]


def make_appointment(
    client: Any, starts_at: datetime | None = None, *, minutes: int = 60, **fields: Any
) -> Appointment:
    """A booked appointment (unchecked and unaudited, like demo data): tomorrow at 10:00
    unless `starts_at` says otherwise."""
    if starts_at is None:
        tomorrow = timezone.localdate() + timedelta(days=1)
        starts_at = timezone.make_aware(datetime.combine(tomorrow, time(10)))
    fields.setdefault("practitioner", client.assigned_practitioner)
    fields.setdefault("appointment_type", make_appointment_type(client.practice))
    return Appointment.objects.create(
        practice_id=client.practice_id,
        client=client,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )


def make_type(practice: Any, name: str = "Somatic session", **fields: Any) -> AppointmentType:
    return AppointmentType.objects.create(practice=practice, name=name, **fields)


def make_hours(
    practitioner: Any,
    weekdays: range | list[int] = range(7),
    starts: time = time(9),
    ends: time = time(17),
) -> None:
    """Working hours on each of `weekdays` (0 is Monday), in the practice's wall clock."""
    practice_id = practitioner.membership.practice_id
    for weekday in weekdays:
        WorkingHours.objects.create(
            practice_id=practice_id,
            practitioner=practitioner,
            weekday=weekday,
            starts=starts,
            ends=ends,
        )


def set_rules(practice: Any, **fields: Any) -> BookingRules:
    rules, _ = BookingRules.objects.get_or_create(practice=practice)
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    practitioner = client.assigned_practitioner
    appointment = make_appointment(client)
    hours = WorkingHours.objects.create(
        practice_id=client.practice_id,
        practitioner=practitioner,
        weekday=0,
        starts=time(9),
        ends=time(17),
    )
    now = timezone.now()
    off = TimeOff.objects.create(
        practice_id=client.practice_id,
        practitioner=practitioner,
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=31),
    )
    room = Room.objects.create(practice_id=client.practice_id, name="Victim room")
    request = BookingRequest.objects.create(
        practice_id=client.practice_id, name="Avery Asker", email="asker@example.org"
    )
    return {
        "booking_request_id": request.pk,
        "appointment_id": appointment.pk,
        "hours_id": hours.pk,
        "time_off_id": off.pk,
        "type_id": appointment.appointment_type_id,
        "room_id": room.pk,
    }
