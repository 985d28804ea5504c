"""Test builders for the calendar, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from somatrace.scheduling.models import Appointment, AppointmentType, Room, TimeOff, WorkingHours

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()


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
    return {
        "appointment_id": appointment.pk,
        "hours_id": hours.pk,
        "time_off_id": off.pk,
        "type_id": appointment.appointment_type_id,
        "room_id": room.pk,
    }
