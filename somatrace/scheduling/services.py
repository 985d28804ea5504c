"""Every change to the calendar: booking (single or a weekly series), moving, resizing,
cancelling, no-shows, starting an appointment in the console; and the practice's setup
(appointment types, rooms, working hours, time off).

Each function takes the Actor who acts, checks the role and the rules, writes and audits in
one transaction. Scheduling is contact data, not clinical: owners, practitioners and
assistants manage appointments of the clients they may see with
`visible_to(actor, clinical=False)`; a client in the portal manages their own.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from somatrace.accounts.models import Practice, User
from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.clients.services import practitioners_of
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.errors import RuleError
from somatrace.scheduling import conflicts, recurrence
from somatrace.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRules,
    Room,
    Series,
    TimeOff,
    WorkingHours,
)
from somatrace.therapy import services as therapy_services
from somatrace.therapy.models import Session

# The longest buffer an appointment type may keep (AppointmentType.buffer_minutes' validator):
# how far before a new start an earlier appointment's buffer can reach.
MAX_BUFFER = timedelta(minutes=240)
# The longest appointment (AppointmentType.duration_minutes' validator), for resizing.
MAX_MINUTES = 600


def zone_of(practice_id: int) -> tzinfo:
    """The practice's time zone (Practice.time_zone)."""
    name = Practice.objects.filter(pk=practice_id).values_list("time_zone", flat=True).first()
    return zoneinfo.ZoneInfo(name or "UTC")


def _when(moment: datetime, zone: tzinfo) -> str:
    """A local time for a message: "Mon 29 Mar 2027 at 09:00"."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y} at {local:%H:%M}"


# --- Who may act ---------------------------------------------------------------------------


def _require_scheduler(actor: Actor) -> None:
    """Staff (any role), a client for their own appointments, or the system."""
    if actor.kind is ActorKind.LINK:
        raise PermissionDenied("A secure link cannot change the calendar.")


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff_member:
        raise PermissionDenied("Only the practice's staff can do this.")


def _check_visible(actor: Actor, appointment: Appointment) -> None:
    """The appointment is the actor's to change: same practice, a client they may see."""
    _require_scheduler(actor)
    if appointment.practice_id != actor.practice_id or not (
        Appointment.objects.visible_to(actor, clinical=False).filter(pk=appointment.pk).exists()
    ):
        raise PermissionDenied("This appointment is not yours to change.")


def _may_manage_own(actor: Actor, practitioner_id: int) -> None:
    """The owner for anyone; a practitioner for their own hours and time off."""
    if actor.is_owner:
        return
    if actor.is_staff_member and actor.sees_clinical_data and actor.user_id == practitioner_id:
        return
    raise PermissionDenied("Only the owner, or the practitioner themselves, can change this.")


# --- Checks ---------------------------------------------------------------------------------


def rules_for(practice_id: int) -> BookingRules:
    """The practice's booking rules, made with their defaults (online booking off) when
    missing."""
    rules, _ = BookingRules.objects.get_or_create(practice_id=practice_id)
    return rules


def check_free(
    *,
    practice_id: int,
    practitioner_id: int,
    room_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    buffer_minutes: int,
    ignore_appointment_id: int | None = None,
) -> None:
    """Refuse (RuleError) a time the practitioner or room cannot have: another booked
    appointment of theirs (buffers included), the practitioner's time off, or outside their
    working hours when they have set any. The message names the clashing local times and
    never another client (three queries)."""
    zone = zone_of(practice_id)
    wanted = conflicts.Busy(starts_at, ends_at, buffer_minutes)
    same = Q(practitioner_id=practitioner_id)
    if room_id is not None:
        same |= Q(room_id=room_id)
    nearby = (
        Appointment.objects.filter(
            same,
            practice_id=practice_id,
            status=AppointmentStatus.BOOKED,
            starts_at__lt=wanted.taken_until,
            ends_at__gt=starts_at - MAX_BUFFER,
        )
        .exclude(pk=ignore_appointment_id or 0)
        .values_list(
            "pk", "starts_at", "ends_at", "appointment_type__buffer_minutes", "practitioner_id"
        )
    )
    whose = {pk: holder for pk, _, _, _, holder in nearby}
    taken = [conflicts.Busy(s, e, b, pk) for pk, s, e, b, _ in nearby]
    clash = conflicts.clashes(wanted, taken)
    if clash:
        first = clash[0]
        who = "The practitioner" if whose[first.key or 0] == practitioner_id else "The room"
        buffer = (
            f" (with {first.buffer_minutes} minutes kept free after)"
            if first.buffer_minutes
            else ""
        )
        raise RuleError(
            f"{who} is already booked from {_when(first.starts_at, zone)} to "
            f"{first.ends_at.astimezone(zone):%H:%M}{buffer}."
        )
    off = conflicts.away(
        starts_at,
        ends_at,
        (
            conflicts.Busy(s, e)
            for s, e in TimeOff.objects.filter(
                practitioner_id=practitioner_id, starts_at__lt=ends_at, ends_at__gt=starts_at
            ).values_list("starts_at", "ends_at")
        ),
    )
    if off:
        raise RuleError(
            f"The practitioner is away from {_when(off[0].starts_at, zone)} to "
            f"{_when(off[0].ends_at, zone)}."
        )
    hours = [
        conflicts.Stretch(d, s, e)
        for d, s, e in WorkingHours.objects.filter(
            practice_id=practice_id, practitioner_id=practitioner_id
        ).values_list("weekday", "starts", "ends")
    ]
    if not conflicts.inside_hours(starts_at, ends_at, zone, hours):
        raise RuleError(
            f"{_when(starts_at, zone)} to {ends_at.astimezone(zone):%H:%M} is outside the "
            "practitioner's working hours."
        )


def _lock(practitioner_id: int, room_id: int | None) -> None:
    """Serialise bookings for one practitioner (and room) so that two at once cannot both
    pass the check: a row lock on PostgreSQL; SQLite writes one at a time anyway."""
    list(User.objects.select_for_update().filter(pk=practitioner_id).values_list("pk"))
    if room_id is not None:
        list(Room.objects.select_for_update().filter(pk=room_id).values_list("pk"))


# --- Booking ---------------------------------------------------------------------------------


def _check_parts(
    actor: Actor,
    client: Client,
    practitioner: User,
    appointment_type: AppointmentType,
    room: Room | None,
) -> None:
    if client.practice_id != actor.practice_id or not (
        Client.objects.visible_to(actor, clinical=False).filter(pk=client.pk).exists()
    ):
        raise PermissionDenied("This client is not yours to book.")
    if client.on_hold:
        raise RuleError(
            "This client is on hold for a contraindication found at intake; a practitioner "
            "records a clearance before booking."
        )
    if not practitioners_of(actor.practice_id).filter(pk=practitioner.pk).exists():
        raise RuleError("Choose an active practitioner of this practice.")
    if appointment_type.practice_id != actor.practice_id or not appointment_type.is_active:
        raise RuleError("Choose one of the practice's appointment types.")
    if room is not None and (room.practice_id != actor.practice_id or not room.is_active):
        raise RuleError("Choose one of the practice's rooms.")


@transaction.atomic
def book(
    actor: Actor,
    *,
    client: Client,
    practitioner: User,
    appointment_type: AppointmentType,
    starts_at: datetime,
    room: Room | None = None,
    every_weeks: int | None = None,
    until: date | None = None,
    count: int | None = None,
    in_portal: bool = False,
) -> list[Appointment]:
    """Book one appointment, or a weekly series (every_weeks with until or count) all at once:
    if any occurrence clashes none is booked, and the message names it."""
    _require_scheduler(actor)
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be aware.")
    _check_parts(actor, client, practitioner, appointment_type, room)
    zone = zone_of(actor.practice_id)
    repeats = every_weeks is not None and (until is not None or count is not None)
    try:
        starts = recurrence.weekly(
            starts_at,
            zone,
            every_weeks=every_weeks or 1,
            until=until if repeats else None,
            count=count if repeats else None,
        )
    except recurrence.RecurrenceError as error:
        raise RuleError(str(error)) from error
    length = timedelta(minutes=appointment_type.duration_minutes)
    _lock(practitioner.pk, room.pk if room else None)
    for start in starts:
        try:
            check_free(
                practice_id=actor.practice_id,
                practitioner_id=practitioner.pk,
                room_id=room.pk if room else None,
                starts_at=start,
                ends_at=start + length,
                buffer_minutes=appointment_type.buffer_minutes,
            )
        except RuleError as error:
            if len(starts) == 1:
                raise
            raise RuleError(
                f"Nothing was booked: the appointment on {_when(start, zone)} clashes. {error}"
            ) from error
    series = None
    if len(starts) > 1 or repeats:
        series = Series.objects.create(
            practice_id=actor.practice_id,
            every_weeks=every_weeks or 1,
            until=until if count is None else None,
            count=count,
        )
        audit.created(actor, series, ["every_weeks", "until", "count"])
    made = []
    for start in starts:
        appointment = Appointment.objects.create(
            practice_id=actor.practice_id,
            client=client,
            practitioner=practitioner,
            appointment_type=appointment_type,
            room=room,
            starts_at=start,
            ends_at=start + length,
            series=series,
            booked_in_portal=in_portal,
        )
        audit.created(
            actor,
            appointment,
            ["client", "practitioner", "appointment_type", "room", "starts_at", "ends_at"],
        )
        made.append(appointment)
    return made


@transaction.atomic
def move(
    actor: Actor,
    appointment: Appointment,
    starts_at: datetime,
    *,
    duration_minutes: int | None = None,
) -> Appointment:
    """Move an appointment to a new start, and with `duration_minutes` change its length
    (resize); the same checks as booking, ignoring the appointment itself."""
    _check_visible(actor, appointment)
    appointment = Appointment.objects.select_related("appointment_type").get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise RuleError("Only a booked appointment can be moved.")
    if appointment.session_id is not None:
        raise RuleError("This appointment has been started; its session keeps the time.")
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be aware.")
    minutes = (
        duration_minutes
        if duration_minutes is not None
        else int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    )
    # 5 to 600 minutes: the bounds of AppointmentType.duration_minutes.
    if not 5 <= minutes <= MAX_MINUTES:
        raise RuleError(f"An appointment lasts 5 to {MAX_MINUTES} minutes.")
    ends_at = starts_at + timedelta(minutes=minutes)
    _lock(appointment.practitioner_id, appointment.room_id)
    check_free(
        practice_id=appointment.practice_id,
        practitioner_id=appointment.practitioner_id,
        room_id=appointment.room_id,
        starts_at=starts_at,
        ends_at=ends_at,
        buffer_minutes=appointment.appointment_type.buffer_minutes,
        ignore_appointment_id=appointment.pk,
    )
    changed = [
        name
        for name, new in (("starts_at", starts_at), ("ends_at", ends_at))
        if getattr(appointment, name) != new
    ]
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.save(update_fields=["starts_at", "ends_at", "updated_at"])
    audit.updated(actor, appointment, changed or ["starts_at"])
    return appointment


def _set_status(actor: Actor, appointment: Appointment, status: str, reason: str) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise RuleError(f"This appointment is {appointment.get_status_display().lower()} already.")
    if appointment.session_id is not None:
        raise RuleError("This appointment has been started in the console.")
    appointment.status = status
    appointment.status_reason = reason.strip()[:200]
    appointment.status_changed_at = timezone.now()
    appointment.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    audit.updated(actor, appointment, ["status", "status_reason", "status_changed_at"])
    return appointment


@transaction.atomic
def cancel(
    actor: Actor, appointment: Appointment, reason: str = "", *, by_client: bool = False
) -> Appointment:
    """Cancel a booked appointment; its time becomes free. `by_client`: the client asked
    (said in the reason, so that the practice sees who cancelled)."""
    _check_visible(actor, appointment)
    if actor.kind is ActorKind.CLIENT:
        by_client = True
    reason = reason.strip()
    if by_client:
        reason = f"Cancelled by the client. {reason}".strip()
    return _set_status(actor, appointment, AppointmentStatus.CANCELLED, reason)


@transaction.atomic
def mark_no_show(actor: Actor, appointment: Appointment, reason: str) -> Appointment:
    """Record that the client did not come, with a reason (no clinical detail)."""
    _require_staff(actor)
    _check_visible(actor, appointment)
    if not reason.strip():
        raise RuleError("Say briefly why (for example: no word from the client).")
    if appointment.starts_at > timezone.now():
        raise RuleError("An appointment can be marked as a no-show once its time has come.")
    return _set_status(actor, appointment, AppointmentStatus.NO_SHOW, reason)


@transaction.atomic
def start_appointment(
    actor: Actor, appointment: Appointment, precheck: Mapping[str, Any]
) -> Session:
    """Start the appointment's session in the console (therapy makes the session and its
    note), and link it to the appointment."""
    actor.require_clinical_staff("Sessions are started by practitioners and owners.")
    _check_visible(actor, appointment)
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("client", "appointment_type")
        .get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise RuleError("Only a booked appointment can be started.")
    if appointment.session_id is not None:
        raise RuleError("This appointment has been started already.")
    session: Session = therapy_services.start_new_session(
        actor,
        appointment.client,
        precheck,
        duration_minutes=int((appointment.ends_at - appointment.starts_at).total_seconds() // 60),
    )
    appointment.session = session
    appointment.save(update_fields=["session", "updated_at"])
    audit.updated(actor, appointment, ["session"])
    return session


# --- The practice's setup -------------------------------------------------------------------


@transaction.atomic
def save_appointment_type(
    actor: Actor, appointment_type: AppointmentType | None, fields: Mapping[str, Any]
) -> AppointmentType:
    """Add (None) or change an appointment type (owner)."""
    actor.require_owner()
    if appointment_type is None:
        appointment_type = AppointmentType(practice_id=actor.practice_id)
    elif appointment_type.practice_id != actor.practice_id:
        raise PermissionDenied("Not this practice's appointment type.")
    return _save_setting(actor, appointment_type, fields)


@transaction.atomic
def save_room(actor: Actor, room: Room | None, fields: Mapping[str, Any]) -> Room:
    """Add (None) or change a room (owner)."""
    actor.require_owner()
    if room is None:
        room = Room(practice_id=actor.practice_id)
    elif room.practice_id != actor.practice_id:
        raise PermissionDenied("Not this practice's room.")
    return _save_setting(actor, room, fields)


def _save_setting(actor: Actor, obj: Any, fields: Mapping[str, Any]) -> Any:
    new = obj.pk is None
    for name, value in fields.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as error:
        raise RuleError(" ".join(error.messages)) from error
    obj.save()
    (audit.created if new else audit.updated)(actor, obj, list(fields))
    return obj


@transaction.atomic
def add_working_hours(
    actor: Actor, practitioner: User, weekday: int, starts: time, ends: time
) -> WorkingHours:
    """A stretch of the practitioner's week (owner, or the practitioner)."""
    _may_manage_own(actor, practitioner.pk)
    if not practitioners_of(actor.practice_id).filter(pk=practitioner.pk).exists():
        raise RuleError("Choose an active practitioner of this practice.")
    if not 0 <= weekday <= 6:
        raise RuleError("Choose a day of the week.")
    if ends <= starts:
        raise RuleError("The hours end after they start.")
    overlapping = WorkingHours.objects.filter(
        practitioner=practitioner, weekday=weekday, starts__lt=ends, ends__gt=starts
    )
    if overlapping.exists():
        raise RuleError("These hours overlap hours already set for that day.")
    hours = WorkingHours.objects.create(
        practice_id=actor.practice_id,
        practitioner=practitioner,
        weekday=weekday,
        starts=starts,
        ends=ends,
    )
    audit.created(actor, hours, ["practitioner", "weekday", "starts", "ends"])
    return hours


@transaction.atomic
def remove_working_hours(actor: Actor, hours: WorkingHours) -> None:
    if hours.practice_id != actor.practice_id:
        raise PermissionDenied("Not this practice's hours.")
    _may_manage_own(actor, hours.practitioner_id)
    audit.deleted(actor, hours)
    hours.delete()


@transaction.atomic
def add_time_off(
    actor: Actor, practitioner: User, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> TimeOff:
    """The practitioner away (owner, or the practitioner). Appointments already booked then
    stay booked: the calendar shows them over the time off, to be moved or cancelled."""
    _may_manage_own(actor, practitioner.pk)
    if not practitioners_of(actor.practice_id).filter(pk=practitioner.pk).exists():
        raise RuleError("Choose an active practitioner of this practice.")
    if ends_at <= starts_at:
        raise RuleError("Time off ends after it starts.")
    off = TimeOff.objects.create(
        practice_id=actor.practice_id,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip()[:120],
    )
    audit.created(actor, off, ["practitioner", "starts_at", "ends_at", "reason"])
    return off


@transaction.atomic
def remove_time_off(actor: Actor, off: TimeOff) -> None:
    if off.practice_id != actor.practice_id:
        raise PermissionDenied("Not this practice's time off.")
    _may_manage_own(actor, off.practitioner_id)
    audit.deleted(actor, off)
    off.delete()


def practitioners_queryset(practice_id: int) -> Any:
    """Who can have appointments: the practice's active owners and practitioners."""
    return practitioners_of(practice_id)


def practitioners(practice_id: int) -> Sequence[User]:
    return list(practitioners_of(practice_id))
