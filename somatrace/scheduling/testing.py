"""Test builders for the calendar and booking, and what the URL walk needs to know."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from somatrace.scheduling.models import (
    Appointment,
    AppointmentType,
    BookingRequest,
    BookingRules,
    WorkingHours,
)

# Reachable without signing in, on purpose: the public request page (404 unless the practice
# turned it on) and the calendar feed (its secret in the path; 404 for an unknown one).
PUBLIC_URL_NAMES = {"public_booking", "public_booking_thanks", "calendar_feed"}


def make_type(practice: Any, name: str = "Somatic session", **fields: Any) -> AppointmentType:
    return AppointmentType.objects.create(practice=practice, name=name, **fields)


def make_hours(
    practitioner: Any,
    weekdays: range | list[int] = range(7),
    starts: time = time(9),
    ends: time = time(17),
) -> None:
    practice_id = practitioner.membership.practice_id
    for weekday in weekdays:
        WorkingHours.objects.create(
            practice_id=practice_id,
            practitioner=practitioner,
            weekday=weekday,
            starts=starts,
            ends=ends,
        )


def make_appointment(
    client: Any,
    starts_at: datetime,
    *,
    appointment_type: AppointmentType | None = None,
    practitioner: Any = None,
    **fields: Any,
) -> Appointment:
    """An appointment written directly (no rules checked): for setting the scene."""
    kind = appointment_type or make_type(client.practice, name=f"Session {starts_at:%H%M%S%f}")
    return Appointment.objects.create(
        practice_id=client.practice_id,
        client=client,
        practitioner=practitioner or client.assigned_practitioner,
        appointment_type=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=kind.duration_minutes),
        **fields,
    )


def set_rules(practice: Any, **fields: Any) -> BookingRules:
    rules, _ = BookingRules.objects.get_or_create(practice=practice)
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    appointment = make_appointment(client, session.starts_at + timedelta(days=30))
    request = BookingRequest.objects.create(
        practice_id=client.practice_id, name="Avery Asker", email="asker@example.org"
    )
    return {"appointment_id": appointment.pk, "booking_request_id": request.pk}
