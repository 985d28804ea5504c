"""Every change to the calendar: booking (single or a weekly series), moving, resizing,
cancelling, no-shows, starting an appointment in the console; and the practice's setup
(appointment types, rooms, working hours, time off).

Each function takes the Actor who acts, checks the role and the rules, writes and audits in
one transaction. Scheduling is contact data, not clinical: owners, practitioners and
assistants manage appointments of the clients they may see with
`visible_to(actor, clinical=False)`; a client in the portal manages their own.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from somatrace.accounts.models import Practice, Role, User
from somatrace.accounts.services import hash_token
from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.clients.services import create_client, practitioners_of
from somatrace.core import throttle
from somatrace.core.actor import Actor, ActorKind, Channel
from somatrace.core.errors import RuleError
from somatrace.mail.models import OutgoingEmail
from somatrace.mail.services import queue_email
from somatrace.scheduling import availability, conflicts, ical, recurrence
from somatrace.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRequest,
    BookingRules,
    CalendarFeed,
    RequestStatus,
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
        starts_at=appointment.starts_at,
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


# --- Booking by clients, public requests, reminders, feeds ---------------------------------------
#
# What clients may do themselves in the portal, within the practice's BookingRules; first
# appointment requests from the public booking page; the reminder emails; practitioners'
# private calendar feeds. Every email carries times, the practice's name and the appointment
# type only: never a note or anything clinical.


def current_rules(practice_id: int) -> BookingRules:
    """The practice's rules for reading (pages, the reminder job): the stored row, or the
    defaults unsaved, so that a read never writes."""
    rules = BookingRules.objects.filter(practice_id=practice_id).first()
    return rules if rules is not None else BookingRules(practice_id=practice_id)


def _portal_actor(actor: Actor) -> None:
    if actor.kind is not ActorKind.CLIENT or actor.client_id is None:
        raise PermissionDenied("Only a client books in their own portal.")


def _portal_rules(practice_id: int) -> BookingRules:
    rules = rules_for(practice_id)
    if not rules.portal_booking:
        raise RuleError("Your practice does not take bookings in the portal; please contact them.")
    return rules


def bookable_types(practice_id: int) -> Any:
    """The appointment types clients may book online."""
    return AppointmentType.objects.filter(
        practice_id=practice_id, is_active=True, bookable_online=True
    ).order_by("name")


def _check_window(rules: BookingRules, starts_at: datetime, now: datetime, zone: tzinfo) -> None:
    """A start the client may choose: at least the minimum notice ahead, within the horizon."""
    if starts_at < now + timedelta(hours=rules.min_notice_hours):
        raise RuleError(
            f"Appointments are booked at least {rules.min_notice_hours} hours ahead: "
            f"{_when(starts_at, zone)} is too soon. Please choose a later time or contact "
            "your practice."
        )
    if starts_at > now + timedelta(days=rules.horizon_days):
        raise RuleError(
            f"Appointments can be booked up to {rules.horizon_days} days ahead: "
            f"{_when(starts_at, zone)} is too far."
        )


def _check_changeable(rules: BookingRules, appointment: Appointment, now: datetime) -> None:
    """The client may still move or cancel it: booked, and far enough ahead."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise RuleError("This appointment is no longer booked.")
    if appointment.starts_at - timedelta(hours=rules.cancel_window_hours) < now:
        raise RuleError(
            f"Appointments can be moved or cancelled here up to {rules.cancel_window_hours} "
            "hours before they start. Please contact your practice."
        )


def open_times(
    *,
    practice_id: int,
    practitioner_id: int,
    appointment_type: AppointmentType,
    first_day: date,
    last_day: date,
    now: datetime,
    ignore_appointment_id: int | None = None,
) -> list[datetime]:
    """The open start times (UTC) for a type with a practitioner, within the practice's rules
    (minimum notice, horizon), from first_day to last_day (days in the practice's zone).
    Five queries, whatever the range."""
    rules = current_rules(practice_id)
    zone = zone_of(practice_id)
    assert isinstance(zone, ZoneInfo)
    last_day = min(last_day, first_day + timedelta(days=MAX_OPEN_DAYS))
    range_start = datetime.combine(first_day, time(0), zone) - timedelta(days=1)
    range_end = datetime.combine(last_day, time(0), zone) + timedelta(days=2)
    working = [
        availability.Stretch(d, s, e)
        for d, s, e in WorkingHours.objects.filter(
            practice_id=practice_id, practitioner_id=practitioner_id
        ).values_list("weekday", "starts", "ends")
    ]
    away = [
        availability.Busy(s, e)
        for s, e in TimeOff.objects.filter(
            practitioner_id=practitioner_id, starts_at__lt=range_end, ends_at__gt=range_start
        ).values_list("starts_at", "ends_at")
    ]
    taken = Appointment.objects.filter(
        practice_id=practice_id,
        practitioner_id=practitioner_id,
        status=AppointmentStatus.BOOKED,
        starts_at__lt=range_end,
        ends_at__gt=range_start - MAX_BUFFER,
    )
    if ignore_appointment_id is not None:
        taken = taken.exclude(pk=ignore_appointment_id)
    booked = [
        availability.Busy(s, e + timedelta(minutes=b))
        for s, e, b in taken.values_list("starts_at", "ends_at", "appointment_type__buffer_minutes")
    ]
    return availability.open_starts(
        zone=zone,
        first_day=first_day,
        last_day=last_day,
        duration=timedelta(minutes=appointment_type.duration_minutes),
        buffer=timedelta(minutes=appointment_type.buffer_minutes),
        working=working,
        time_off=away,
        booked=booked,
        now=now,
        min_notice=timedelta(hours=rules.min_notice_hours),
        horizon=timedelta(days=rules.horizon_days),
    )


# The most days one question about open times looks at (the portal shows one day at a time).
MAX_OPEN_DAYS = 31


def appointment_uid(appointment: Appointment) -> str:
    """The stable UID of an appointment in every calendar (RFC 5545 3.8.4.7)."""
    host = urlsplit(settings.SOMATRACE_BASE_URL).hostname or "somatrace"
    return f"appointment-{appointment.pk}@{host}"


def _calendar_event(appointment: Appointment, *, with_practice: bool) -> ical.CalendarEvent:
    summary = appointment.appointment_type.name
    if with_practice:
        summary = f"{summary} · {appointment.practice.name}"
    return ical.CalendarEvent(
        uid=appointment_uid(appointment),
        starts=appointment.starts_at,
        ends=appointment.ends_at,
        summary=summary,
        cancelled=appointment.status == AppointmentStatus.CANCELLED,
        updated=appointment.updated_at,
        location=appointment.room.name if appointment.room_id and appointment.room else "",
    )


def appointment_ics(appointment: Appointment, now: datetime | None = None) -> bytes:
    """The .ics of one appointment, for the client's own calendar (METHOD:PUBLISH)."""
    zone = zone_of(appointment.practice_id)
    assert isinstance(zone, ZoneInfo)
    return ical.build_calendar(
        [_calendar_event(appointment, with_practice=True)],
        zone=zone,
        now=now or timezone.now(),
        method="PUBLISH",
    )


def _client_address(client: Client) -> str:
    """Where the client's appointment emails go: their portal sign-in, else their record's."""
    account = getattr(client, "portal_account", None)
    if account is not None and account.user.is_active and account.user.email:
        return str(account.user.email)
    return (client.email or "").strip()


def _portal_appointments_url() -> str:
    return settings.SOMATRACE_BASE_URL + reverse("portal_appointments")


APPOINTMENT_EMAIL = (
    "Hello,\n\n{what}\n\n"
    "  {when} ({zone})\n  {type} with {practice}\n\n"
    "{how}\n\n{url}\n\n"
    "The attached file adds it to your calendar.\n"
)
HOW_TO_CANCEL = (
    "To move or cancel it, sign in to your space (up to {hours} hours before), or contact "
    "{practice}:"
)


def _email_client_about(
    actor: Actor,
    appointment: Appointment,
    *,
    what: str,
    subject: str,
    kind: str,
    key: str,
    how: str = "",
) -> OutgoingEmail | None:
    """Queue an email to the client about one appointment, with its .ics; None when the
    client has no address we may write to."""
    appointment = (
        Appointment.objects.select_related(
            "client__portal_account__user", "appointment_type", "practice", "room"
        )
        .filter(pk=appointment.pk)
        .get()
    )
    address = _client_address(appointment.client)
    if not address:
        return None
    zone = zone_of(appointment.practice_id)
    practice = appointment.practice.name
    rules = current_rules(appointment.practice_id)
    text = APPOINTMENT_EMAIL.format(
        what=what,
        when=_when(appointment.starts_at, zone),
        zone=str(zone),
        type=appointment.appointment_type.name,
        practice=practice,
        how=how
        or (
            HOW_TO_CANCEL.format(hours=rules.cancel_window_hours, practice=practice)
            if rules.portal_booking
            else f"To move or cancel it, please contact {practice}. Your appointments:"
        ),
        url=_portal_appointments_url(),
    )
    try:
        return queue_email(
            actor,
            to=address,
            subject=subject,
            text=text,
            kind=kind,
            key=key,
            attachments=[("appointment.ics", appointment_ics(appointment), ICS_TYPE)],
        )
    except RuleError:  # an address the mail service refuses: the portal still shows it
        return None


ICS_TYPE = "text/calendar"


def _stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M}"


@transaction.atomic
def book_in_portal(
    actor: Actor,
    *,
    appointment_type: AppointmentType,
    starts_at: datetime,
    now: datetime | None = None,
) -> Appointment:
    """The client books one appointment with their own practitioner, within the rules:
    portal booking on, an active type bookable online, at least the minimum notice ahead,
    within the horizon, at an open time. Emails a confirmation with the .ics."""
    _portal_actor(actor)
    now = now or timezone.now()
    rules = _portal_rules(actor.practice_id)
    if (
        appointment_type.practice_id != actor.practice_id
        or not appointment_type.is_active
        or not appointment_type.bookable_online
    ):
        raise RuleError("This kind of appointment cannot be booked online; please contact us.")
    zone = zone_of(actor.practice_id)
    _check_window(rules, starts_at, now, zone)
    client = Client.objects.select_related("assigned_practitioner").get(pk=actor.client_id or 0)
    if not client.assigned_practitioner.is_active:
        raise RuleError("Please contact your practice to book.")
    if not WorkingHours.objects.filter(
        practice_id=actor.practice_id, practitioner_id=client.assigned_practitioner_id
    ).exists():
        raise RuleError("Your practitioner has no times open for online booking yet.")
    (appointment,) = book(
        actor,
        client=client,
        practitioner=client.assigned_practitioner,
        appointment_type=appointment_type,
        starts_at=starts_at,
        in_portal=True,
    )
    _email_client_about(
        actor,
        appointment,
        what="Your appointment is booked:",
        subject=f"Your appointment with {appointment.practice.name}",
        kind="scheduling.booked",
        key=f"booked:{appointment.pk}:{_stamp(appointment.starts_at)}",
    )
    return appointment


def _own_appointment(actor: Actor, appointment: Appointment) -> Appointment:
    _portal_actor(actor)
    if appointment.client_id != actor.client_id or appointment.practice_id != actor.practice_id:
        raise PermissionDenied("This appointment is not yours.")
    return Appointment.objects.select_related("appointment_type").get(pk=appointment.pk)


@transaction.atomic
def move_in_portal(
    actor: Actor, appointment: Appointment, starts_at: datetime, *, now: datetime | None = None
) -> Appointment:
    """The client moves their appointment: outside the cancel window, to an open time
    within the rules. Emails the new time with the .ics."""
    now = now or timezone.now()
    appointment = _own_appointment(actor, appointment)
    rules = _portal_rules(actor.practice_id)
    _check_changeable(rules, appointment, now)
    _check_window(rules, starts_at, now, zone_of(actor.practice_id))
    appointment = move(actor, appointment, starts_at)
    _email_client_about(
        actor,
        appointment,
        what="Your appointment has moved to:",
        subject=f"Your appointment with {appointment.practice.name} has moved",
        kind="scheduling.moved",
        key=f"moved:{appointment.pk}:{_stamp(appointment.starts_at)}",
    )
    return appointment


@transaction.atomic
def cancel_in_portal(
    actor: Actor, appointment: Appointment, *, now: datetime | None = None
) -> Appointment:
    """The client cancels their appointment, outside the cancel window."""
    now = now or timezone.now()
    appointment = _own_appointment(actor, appointment)
    rules = _portal_rules(actor.practice_id)
    _check_changeable(rules, appointment, now)
    appointment = cancel(actor, appointment, by_client=True)
    _email_client_about(
        actor,
        appointment,
        what="Your appointment is cancelled:",
        subject=f"Your appointment with {appointment.practice.name} is cancelled",
        kind="scheduling.cancelled",
        key=f"cancelled:{appointment.pk}",
        how="To book another time, sign in to your space or contact your practice:",
    )
    return appointment


# --- The booking rules ---------------------------------------------------------------------------

# At most this many reminders per appointment, each 1 hour to 14 days before: more would be
# noise, and the job looks this far ahead.
MAX_REMINDERS = 3
MAX_REMINDER_HOURS = 14 * 24


def parse_reminder_hours(text: str) -> list[int]:
    """ "24, 2" -> [24, 2]; RuleError for anything else. Empty: no reminders."""
    hours: list[int] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= MAX_REMINDER_HOURS:
            raise RuleError(
                f"Reminders are whole hours from 1 to {MAX_REMINDER_HOURS}, separated by "
                'commas, such as "24, 2".'
            )
        if int(part) not in hours:
            hours.append(int(part))
    if len(hours) > MAX_REMINDERS:
        raise RuleError(f"At most {MAX_REMINDERS} reminders per appointment.")
    return sorted(hours, reverse=True)


RULE_FIELDS = (
    "portal_booking",
    "horizon_days",
    "min_notice_hours",
    "cancel_window_hours",
    "reminder_hours",
    "public_booking",
)


@transaction.atomic
def update_rules(actor: Actor, fields: Mapping[str, Any]) -> BookingRules:
    """The owner sets what clients may do online. Turning the public page on gives it its
    random address (kept when it is turned off and on again)."""
    actor.require_owner("Only the practice owner sets the booking rules.")
    rules = BookingRules.objects.select_for_update().get(pk=rules_for(actor.practice_id).pk)
    changed = []
    for name, value in fields.items():
        if name not in RULE_FIELDS:
            continue
        if name == "reminder_hours":
            value = ", ".join(str(h) for h in parse_reminder_hours(value))
        if getattr(rules, name) != value:
            setattr(rules, name, value)
            changed.append(name)
    if rules.public_booking and not rules.public_key:
        rules.public_key = secrets.token_urlsafe(18)  # 24 characters, 144 random bits
        changed.append("public_key")
    try:
        rules.full_clean()
    except ValidationError as error:
        raise RuleError(" ".join(error.messages)) from error
    rules.save()
    if changed:
        audit.updated(actor, rules, changed)
    return rules


# --- First-appointment requests from the public page -------------------------------------------

# Against floods, not one extra (core/throttle.py): a person asks once or twice; an address
# sending more is a script. Per practice too, so that owners' inboxes cannot be flooded.
REQUESTS_PER_ADDRESS = 5
REQUESTS_PER_PRACTICE = 100
REQUEST_WINDOW = timedelta(hours=1)
REQUEST_PRACTICE_WINDOW = timedelta(days=1)


class TooManyRequests(RuleError):
    """The public page was used too often from one address, or for one practice."""


def public_rules(public_key: str) -> BookingRules | None:
    """The booking rules of the practice whose public page this is, if the page is on."""
    if not public_key:
        return None
    return (
        BookingRules.objects.select_related("practice")
        .filter(public_key=public_key, public_booking=True)
        .first()
    )


@transaction.atomic
def request_first_appointment(
    rules: BookingRules, details: Mapping[str, Any], *, address: str, now: datetime | None = None
) -> BookingRequest:
    """Someone asks for a first appointment on the public page. details: name, email,
    phone, appointment_type (or None), preferred_start (or None), message. The owners get
    an email with a bare link to the requests page: nothing of the person in it."""
    if not rules.public_booking:
        raise RuleError("This practice does not take requests online.")
    practice_id = rules.practice_id
    refused = throttle.check(
        throttle.Limit("booking-request-address", address, REQUESTS_PER_ADDRESS, REQUEST_WINDOW),
        throttle.Limit(
            "booking-request-practice",
            str(practice_id),
            REQUESTS_PER_PRACTICE,
            REQUEST_PRACTICE_WINDOW,
        ),
    )
    if refused is not None:
        raise TooManyRequests(
            "Several requests have been sent from here recently. Please try again later, "
            "or contact the practice directly."
        )
    actor = Actor.system(practice_id, "scheduling: public booking request", channel=Channel.WEB)
    appointment_type = details.get("appointment_type")
    if appointment_type is not None and (
        appointment_type.practice_id != practice_id
        or not appointment_type.is_active
        or not appointment_type.bookable_online
    ):
        raise RuleError("Choose one of the practice's appointment types.")
    request = BookingRequest(
        practice_id=practice_id,
        name=str(details.get("name", "")).strip(),
        email=str(details.get("email", "")).strip().lower(),
        phone=str(details.get("phone", "")).strip(),
        appointment_type=appointment_type,
        preferred_start=details.get("preferred_start"),
        message=str(details.get("message", "")).strip(),
        created_at=now or timezone.now(),
    )
    try:
        request.full_clean()
    except ValidationError as error:
        raise RuleError(" ".join(error.messages)) from error
    request.save()
    audit.created(actor, request, ["name", "email", "phone", "appointment_type", "preferred_start"])
    link = settings.SOMATRACE_BASE_URL + reverse("booking_requests")
    owners = User.objects.filter(
        membership__practice_id=practice_id, membership__role=Role.OWNER, is_active=True
    ).order_by("pk")
    for owner in owners:
        queue_email(
            actor,
            to=owner.email,
            subject="A new request for a first appointment",
            text=(
                "Hello,\n\nSomeone has asked for a first appointment on your public booking "
                f"page. See the request and answer it here:\n\n{link}\n"
            ),
            kind="scheduling.request",
            key=f"booking-request:{request.pk}:{owner.pk}",
        )
    return request


def _require_request_handler(actor: Actor) -> None:
    actor.require_clinical_staff("Requests are answered by the owner or a practitioner.")


def requests_for(actor: Actor) -> Any:
    """The practice's requests that wait for an answer, newest first (owners, practitioners)."""
    _require_request_handler(actor)
    return BookingRequest.objects.filter(
        practice_id=actor.practice_id, status=RequestStatus.NEW
    ).select_related("appointment_type")


def _open_request(actor: Actor, booking_request: BookingRequest) -> BookingRequest:
    _require_request_handler(actor)
    row = (
        BookingRequest.objects.select_for_update()
        .filter(pk=booking_request.pk, practice_id=actor.practice_id)
        .first()
    )
    if row is None:
        raise PermissionDenied("This request belongs to another practice.")
    if row.status != RequestStatus.NEW:
        raise RuleError("This request has been answered already.")
    return row


@transaction.atomic
def decline_request(actor: Actor, booking_request: BookingRequest) -> BookingRequest:
    """Decline a request: it leaves the list (the practice answers the person itself)."""
    row = _open_request(actor, booking_request)
    row.status = RequestStatus.DECLINED
    row.handled_at = timezone.now()
    row.save(update_fields=["status", "handled_at"])
    audit.updated(actor, row, ["status", "handled_at"])
    return row


@transaction.atomic
def client_from_request(actor: Actor, booking_request: BookingRequest) -> Client:
    """Make the client a request asked for (held by the practitioner who answers, or the
    owner's choice), and mark the request invited. The portal's door then sends the
    invitation (portal.services.invite_client) in the same transaction."""
    row = _open_request(actor, booking_request)
    client = create_client(actor, {"name": row.name, "email": row.email, "phone": row.phone})
    row.status = RequestStatus.INVITED
    row.client = client
    row.handled_at = timezone.now()
    row.save(update_fields=["status", "client", "handled_at"])
    audit.updated(actor, row, ["status", "client", "handled_at"])
    return client


# --- Reminders -----------------------------------------------------------------------------------


def reminder_key(appointment: Appointment, hours: int) -> str:
    """One reminder per appointment, hour and start: a moved appointment is reminded again,
    and two workers queue it once (mail.services.queue_email is idempotent by key)."""
    return f"reminder:{appointment.pk}:{hours}:{appointment.starts_at.astimezone(UTC):%Y%m%dT%H%M}"


def send_reminders(actor: Actor, now: datetime) -> list[Appointment]:
    """Queue the reminders now due in the actor's practice: for each hour h of the rules'
    reminder_hours, every booked appointment with starts_at - h <= now < starts_at. When
    several of one appointment's reminders are due at once (booked late, or the worker was
    down), only the nearest is sent: one email, not two in a row. Safe to run twice."""
    rules = current_rules(actor.practice_id)
    try:
        hours = parse_reminder_hours(rules.reminder_hours)
    except RuleError:
        return []
    if not hours:
        return []
    due = (
        Appointment.objects.filter(
            practice_id=actor.practice_id,
            status=AppointmentStatus.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=max(hours)),
        )
        .select_related("appointment_type", "practice")
        .order_by("starts_at", "pk")
    )
    reminded = []
    for appointment in due:
        nearest = min(h for h in hours if appointment.starts_at - timedelta(hours=h) <= now)
        with transaction.atomic():
            email = _email_client_about(
                actor,
                appointment,
                what="A reminder of your appointment:",
                subject=f"Reminder: your appointment with {appointment.practice.name}",
                kind="scheduling.reminder",
                key=reminder_key(appointment, nearest),
            )
        if email is not None:
            reminded.append(appointment)
    return reminded


# --- Practitioners' calendar feeds ---------------------------------------------------------------

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=365)


@transaction.atomic
def reset_feed(actor: Actor) -> str:
    """Make (or remake) the actor's own calendar feed; returns its secret, shown once. The
    old secret stops working at once. Owners and practitioners, for themselves."""
    actor.require_clinical_staff("Calendar feeds are for practitioners and owners.")
    token = secrets.token_urlsafe(32)
    feed, made = CalendarFeed.objects.update_or_create(
        practitioner_id=actor.user_id,
        defaults={
            "practice_id": actor.practice_id,
            "token_hash": hash_token(token),
            "created_at": timezone.now(),
            "last_fetched_at": None,
        },
    )
    if made:
        audit.created(actor, feed, ["token_hash"])
    else:
        audit.access_changed(actor, feed, ["token_hash"])
    return token


@transaction.atomic
def remove_feed(actor: Actor) -> None:
    """Turn the actor's feed off: its address stops working."""
    feed = CalendarFeed.objects.filter(practitioner_id=actor.user_id).first()
    if feed is not None:
        audit.deleted(actor, feed)
        feed.delete()


def feed_of(actor: Actor) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        practitioner_id=actor.user_id, practice_id=actor.practice_id
    ).first()


def read_feed(token: str, now: datetime | None = None) -> bytes | None:
    """The iCalendar text of the feed with this secret (None: no such feed), noting when it
    was fetched. Times and appointment types only: no client is named, so no read of a
    client's record is audited (the fetch time is kept on the feed)."""
    now = now or timezone.now()
    feed = (
        CalendarFeed.objects.select_related("practitioner", "practice")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if feed is None or not feed.practitioner.is_active:
        return None
    appointments = (
        Appointment.objects.filter(
            practice_id=feed.practice_id,
            practitioner_id=feed.practitioner_id,
            starts_at__gte=now - FEED_PAST,
            starts_at__lte=now + FEED_AHEAD,
        )
        .select_related("appointment_type", "room", "practice")
        .order_by("starts_at", "pk")
    )
    zone = zone_of(feed.practice_id)
    assert isinstance(zone, ZoneInfo)
    body = ical.build_calendar(
        [_calendar_event(a, with_practice=False) for a in appointments],
        zone=zone,
        now=now,
        name=f"{feed.practice.name}: appointments",
    )
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
    return body
