"""Demo data for the calendar, added to the demo practice by somatrace.demo.seed.

What it makes (deterministic for a given `today`, all in the practice's zone):

- three appointment types (SER session 60 min, £75, 15 minutes kept free after; first
  consultation 90 min; short follow-up 30 min), working hours Monday to Friday 09:00-18:00
  for the three practitioners, booking rules with portal booking on (the demo client
  client@demo.test can book);
- the main practitioner's day: the sessions seed.py made today (those already over) get the
  appointment they were started from, and the clients still to come today are booked (no
  session yet: one is made when the appointment is started in the console); all four come
  weekly (a series of 4, today's the first);
- a full week ahead of weekly clients (series of 4): on each other weekday of the next seven
  days the main practitioner sees two new clients (10:00 and 14:00,
  see MAIN_SLOTS), the two other practitioners one each at 10:00 on all five weekdays;
- the past week's sessions linked to appointments (those that do not overlap an earlier one
  of the same practitioner, buffers included), one cancellation and one no-show.

Bookings, the cancellation and the no-show go through scheduling.services (so the data obey
the same rules as the calendar: no overlaps, inside working hours); only the appointments of
sessions already held are bulk-inserted, as the other apps' demo data are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from somatrace.accounts.models import Membership, Practice, Role, User
from somatrace.clients.models import Client, ConsentRecord, Status
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.scheduling import services
from somatrace.scheduling.models import (
    Appointment,
    AppointmentType,
    BookingRules,
)
from somatrace.therapy.models import Session

TYPES = (
    # name, minutes, buffer after, price (GBP)
    ("SER session 60 min", 60, 15, Decimal("75.00")),
    ("First consultation 90 min", 90, 15, Decimal("95.00")),
    ("Short follow-up 30 min", 30, 10, Decimal("40.00")),
)
HOURS = (time(9, 0), time(18, 0))  # Monday to Friday, every practitioner
WEEKS = 4  # each weekly client's series: today's (or the first) and three more
# The main practitioner's new clients on each weekday of the week ahead that is not today's
# weekday (today's weekday is full with today's clients coming back); the other two
# practitioners see one client at 10:00 on every weekday of the week ahead.
MAIN_SLOTS = (time(10, 0), time(14, 0))
OTHER_SLOTS = (time(10, 0),)
PAST_DAYS = 7  # the past week's sessions get the appointment they came from


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def seed(
    practice: Practice,
    today: date,
    log: Callable[[str], None],
    *,
    later_today: Sequence[tuple[Client, datetime]] = (),
) -> None:
    """Add the calendar to the demo practice.

    Parameters
    ----------
    practice : Practice
        The demo practice, with its clients and sessions made.
    today : date
        The demo's today (practice's local date).
    log : callable
        Progress messages.
    later_today : sequence of (Client, datetime)
        The main practitioner's clients still to come today, at their (aware) start times
        (seed.py chooses them; the ones already seen are found from today's sessions).
    """
    zone = practice.zone
    members = Membership.objects.filter(practice=practice).select_related("user")
    owner = Actor.staff(next(m for m in members if m.role == Role.OWNER))
    practitioners = sorted(
        (m.user for m in members if m.role == Role.PRACTITIONER), key=lambda u: u.pk
    )
    main = practitioners[0]

    types = [
        services.save_appointment_type(
            owner,
            None,
            {
                "name": name,
                "duration_minutes": minutes,
                "buffer_minutes": buffer,
                "price": price,
                "bookable_online": True,
            },
        )
        for name, minutes, buffer, price in TYPES
    ]
    ser = types[0]
    # Monday to Friday, and the demo's own day when it falls on a weekend: today's
    # appointments go through the same checks as any booking, and the demo always has a day.
    for practitioner in practitioners:
        for weekday in sorted({*range(5), today.weekday()}):
            services.add_working_hours(owner, practitioner, weekday, *HOURS)
    BookingRules.objects.update_or_create(
        practice=practice,
        defaults={
            "portal_booking": True,
            "horizon_days": 60,
            "min_notice_hours": 24,
            "cancel_window_hours": 24,
            "reminder_hours": "24,2",
        },
    )

    # The past week: the appointment each held session was started from.
    linked = _link_held_sessions(practice, today, zone, ser)

    # Today's clients of the main practitioner come weekly: those already seen (the first
    # appointment of their series is the one their session was started from) and those still
    # to come.
    day_start = _at(today, time.min, zone)
    seen_today = list(
        Session.objects.filter(
            practice=practice,
            practitioner=main,
            starts_at__gte=day_start,
            starts_at__lt=day_start + timedelta(days=1),
        )
        .select_related("client")
        .order_by("starts_at")
    )
    series = 0
    for session in seen_today:
        made = services.book(
            owner,
            client=session.client,
            practitioner=main,
            appointment_type=ser,
            starts_at=session.starts_at,
            every_weeks=1,
            count=WEEKS,
        )
        Appointment.objects.filter(pk=made[0].pk).update(session=session)
        series += 1
    for client, starts_at in later_today:
        services.book(
            owner,
            client=client,
            practitioner=main,
            appointment_type=ser,
            starts_at=starts_at,
            every_weeks=1,
            count=WEEKS,
        )
        series += 1

    # A full week ahead: new weekly clients on the other weekdays.
    taken = {s.client_id for s in seen_today} | {c.pk for c, _ in later_today}
    week = [today + timedelta(days=d) for d in range(1, 8)]
    weekdays = [d for d in week if d.weekday() < 5]
    for practitioner in practitioners:
        slots = MAIN_SLOTS if practitioner == main else OTHER_SLOTS
        days = (
            [d for d in weekdays if d.weekday() != today.weekday()]
            if practitioner == main
            else weekdays
        )
        wanted = [(day, at) for day in days for at in slots]
        clients = _weekly_clients(practice, practitioner.pk, taken, len(wanted))
        for client, (day, at) in zip(clients, wanted, strict=False):
            services.book(
                owner,
                client=client,
                practitioner=practitioner,
                appointment_type=ser,
                starts_at=_at(day, at, zone),
                every_weeks=1,
                count=WEEKS,
            )
            taken.add(client.pk)
            series += 1

    # The past week: one late cancellation and one no-show (the second practitioner's).
    other = practitioners[1]
    for days_ago, outcome in ((5, "cancelled"), (2, "no_show")):
        client = _weekly_clients(practice, other.pk, taken, 1)[0]
        taken.add(client.pk)
        day = today - timedelta(days=days_ago)
        while day.weekday() >= 5:  # the practice works Monday to Friday
            day -= timedelta(days=1)
        appointment = _book_free(owner, client, other, ser, day, zone)
        if outcome == "cancelled":
            services.cancel(
                owner, appointment, "Client unwell; will ring to rebook.", by_client=True
            )
        else:
            services.mark_no_show(owner, appointment, "No word from the client; left a message.")
    log(
        f"Calendar: {len(types)} appointment types, {linked} held appointments, {series} weekly "
        "series, a cancellation and a no-show."
    )


def _link_held_sessions(
    practice: Practice, today: date, zone: ZoneInfo, kind: AppointmentType
) -> int:
    """Appointments for the sessions held in the past week (before today), one per session,
    skipping a session that would overlap an earlier one of its practitioner (buffer
    included): the demo's history was made without a calendar."""
    since = _at(today - timedelta(days=PAST_DAYS), time.min, zone)
    until = _at(today, time.min, zone)
    held = Session.objects.filter(
        practice=practice, starts_at__gte=since, starts_at__lt=until
    ).order_by("practitioner_id", "starts_at", "pk")
    buffer = timedelta(minutes=kind.buffer_minutes)
    free_from: dict[int, datetime] = {}
    rows = []
    for session in held:
        ends_at = session.starts_at + timedelta(minutes=session.duration_minutes)
        if session.starts_at < free_from.get(session.practitioner_id, since):
            continue
        free_from[session.practitioner_id] = ends_at + buffer
        rows.append(
            Appointment(
                practice=practice,
                client_id=session.client_id,
                practitioner_id=session.practitioner_id,
                appointment_type=kind,
                starts_at=session.starts_at,
                ends_at=ends_at,
                session=session,
                created_at=session.starts_at - timedelta(days=7),
            )
        )
    Appointment.objects.bulk_create(rows)
    return len(rows)


def _weekly_clients(
    practice: Practice, practitioner_id: int, taken: set[int], n: int
) -> list[Client]:
    """The practitioner's first n active clients (by record number) not yet in the week,
    not on hold and with consent signed."""
    return list(
        Client.objects.filter(
            practice=practice,
            assigned_practitioner_id=practitioner_id,
            status=Status.ACTIVE,
            hold_since__isnull=True,
            pk__in=ConsentRecord.objects.values("client_id"),
        )
        .exclude(pk__in=taken)
        .order_by("pk")[:n]
    )


def _book_free(
    actor: Actor,
    client: Client,
    practitioner: User,
    kind: AppointmentType,
    day: date,
    zone: ZoneInfo,
) -> Appointment:
    """Book the first free hour of the day from 12:00 on (the past day's held appointments
    are in the way at some hours)."""
    for hour in range(12, 18):
        try:
            return services.book(
                actor,
                client=client,
                practitioner=practitioner,
                appointment_type=kind,
                starts_at=_at(day, time(hour, 0), zone),
            )[0]
        except RuleError:
            continue
    raise RuleError("The demo found no free hour for its cancellation and no-show.")
