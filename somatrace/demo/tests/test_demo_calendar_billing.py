"""The demo practice's calendar: appointment types, hours, rules, today's day, a full week
ahead of weekly clients, the past week's held appointments, a cancellation and a no-show;
and its billing: invoices paid, part-paid and open.

Seeded once for the module (rolled back at its end), with TODAY = Wednesday 25 November 2026.
Europe/London is on GMT then, so local times equal UTC times below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F

from somatrace.accounts.models import Practice, User
from somatrace.billing import services
from somatrace.billing.models import Invoice, Payment
from somatrace.demo.seed import seed_demo
from somatrace.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRules,
    Series,
    WorkingHours,
)
from somatrace.therapy.models import Session

TODAY = date(2026, 11, 25)  # a Wednesday

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[Practice]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        practice = seed_demo(today=TODAY, log=lambda _: None)
        assert practice is not None
        yield practice
        transaction.set_rollback(True)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026 (or December for day > 30), UTC = London in winter."""
    if day > 30:
        return datetime(2026, 12, day - 30, hour, minute, tzinfo=UTC)
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_the_practice_has_three_appointment_types_hours_and_portal_booking(
    demo: Practice,
) -> None:
    types = {
        t.name: (t.duration_minutes, t.buffer_minutes, t.price)
        for t in AppointmentType.objects.filter(practice=demo)
    }
    assert types == {
        "SER session 60 min": (60, 15, Decimal("75.00")),
        "First consultation 90 min": (90, 15, Decimal("95.00")),
        "Short follow-up 30 min": (30, 10, Decimal("40.00")),
    }
    # 3 practitioners x Monday-Friday = 15 stretches, all 09:00-18:00.
    hours = WorkingHours.objects.filter(practice=demo)
    assert hours.count() == 15
    assert set(hours.values_list("weekday", flat=True)) == {0, 1, 2, 3, 4}
    assert {(h.starts.hour, h.ends.hour) for h in hours} == {(9, 18)}
    assert BookingRules.objects.get(practice=demo).portal_booking


def test_today_two_sessions_were_held_this_morning_and_two_clients_are_still_to_come(
    demo: Practice,
) -> None:
    today = Appointment.objects.filter(
        practice=demo, starts_at__gte=at(25, 0), starts_at__lt=at(26, 0)
    ).select_related("practitioner", "session")
    assert [(a.starts_at, a.practitioner.email, a.status) for a in today] == [
        (at(25, 9), "practitioner@demo.test", "booked"),
        (at(25, 10, 30), "practitioner@demo.test", "booked"),
        (at(25, 13), "practitioner@demo.test", "booked"),
        (at(25, 15, 30), "practitioner@demo.test", "booked"),
    ]
    held, to_come = today[:2], today[2:]
    for appointment in held:
        session = appointment.session
        assert session is not None and session.client_id == appointment.client_id
        assert session.started_at == appointment.starts_at and session.ended_at is not None
    assert all(a.session is None for a in to_come)
    # No session made ahead of time: today's sessions are exactly the two held.
    todays_sessions = Session.objects.filter(
        practice=demo, starts_at__gte=at(25, 0), starts_at__lt=at(26, 0)
    )
    assert sorted(todays_sessions.values_list("pk", flat=True)) == sorted(
        a.session_id for a in held
    )


def test_a_full_week_ahead_of_weekly_clients(demo: Practice) -> None:
    ahead = Appointment.objects.filter(
        practice=demo, starts_at__gte=at(26, 0), starts_at__lt=at(33, 0)
    )
    # Thu 26 Nov to Wed 2 Dec: five weekdays. The main practitioner: two new clients on each
    # of Thu, Fri, Mon, Tue (4 x 2 = 8) and today's four back on Wed 2 Dec (4): 12. The two
    # others: one client at 10:00 on each of the five weekdays: 5 each. 12 + 5 + 5 = 22.
    per_practitioner = defaultdict(int)
    for email in ahead.values_list("practitioner__email", flat=True):
        per_practitioner[email] += 1
    assert dict(per_practitioner) == {
        "practitioner@demo.test": 12,
        "practitioner2@demo.test": 5,
        "practitioner3@demo.test": 5,
    }
    assert set(ahead.values_list("status", flat=True)) == {"booked"}
    assert not ahead.filter(session__isnull=False).exists()
    assert {s.weekday() for s in ahead.values_list("starts_at", flat=True)} == {0, 1, 2, 3, 4}
    # Every client of the week ahead and of today is in a weekly series of 4: today's 4
    # series, 8 + 5 + 5 new ones = 22 series, 22 x 4 = 88 appointments.
    series = Series.objects.filter(practice=demo)
    assert series.count() == 22
    assert {(s.every_weeks, s.count) for s in series} == {(1, 4)}
    assert Appointment.objects.filter(practice=demo, series__isnull=False).count() == 88
    assert ahead.filter(series__isnull=True).count() == 0


def test_the_demo_client_comes_back_next_wednesday_at_nine(demo: Practice) -> None:
    me = User.objects.get(email="client@demo.test").client_account.client
    upcoming = Appointment.objects.filter(client=me, starts_at__gt=at(25, 12))
    assert [a.starts_at for a in upcoming] == [at(32, 9), at(39, 9), at(46, 9)]


def test_the_past_week_has_held_appointments_a_cancellation_and_a_no_show(
    demo: Practice,
) -> None:
    past = Appointment.objects.filter(
        practice=demo, starts_at__gte=at(18, 0), starts_at__lt=at(25, 0)
    )
    cancelled = past.get(status=AppointmentStatus.CANCELLED)
    no_show = past.get(status=AppointmentStatus.NO_SHOW)
    # 25 - 5 = Fri 20 Nov, 25 - 2 = Mon 23 Nov, at the first free hour from 12:00.
    assert cancelled.starts_at.date() == date(2026, 11, 20)
    assert cancelled.status_reason.startswith("Cancelled by the client.")
    assert no_show.starts_at.date() == date(2026, 11, 23) and no_show.status_reason
    assert cancelled.session_id is None and no_show.session_id is None
    held = past.filter(status=AppointmentStatus.BOOKED)
    assert held.count() > 10
    # Every booked appointment of the past week was held: it has its session, same client.
    assert not held.filter(session__isnull=True).exists()
    assert not held.exclude(session__client_id=F("client_id")).exists()


def test_no_practitioner_is_booked_twice_at_once_buffers_included(demo: Practice) -> None:
    booked = (
        Appointment.objects.filter(practice=demo, status=AppointmentStatus.BOOKED)
        .select_related("appointment_type")
        .order_by("practitioner_id", "starts_at")
    )
    free_from: dict[int, datetime] = {}
    for appointment in booked:
        previous = free_from.get(appointment.practitioner_id)
        assert previous is None or appointment.starts_at >= previous, appointment.starts_at
        free_from[appointment.practitioner_id] = appointment.ends_at + timedelta(
            minutes=appointment.appointment_type.buffer_minutes
        )


# --- Billing ---------------------------------------------------------------------------------


def test_three_past_appointments_are_invoiced_paid_part_paid_and_open(demo: Practice) -> None:
    invoices = list(
        Invoice.objects.filter(practice=demo).order_by("sequence").prefetch_related("lines")
    )
    assert len(invoices) == 3
    assert len({invoice.client_id for invoice in invoices}) == 3
    # One SER session each at £75.00, no VAT: total £75.00. Paid by card: 75 - 75 = 0 due;
    # part-paid in cash: 75 - 40 = 35 due; open: 75 due.
    amounts = [services.invoice_amounts(invoice) for invoice in invoices]
    assert [(a.total, a.paid, a.due) for a in amounts] == [
        (Decimal("75.00"), Decimal("75.00"), Decimal("0.00")),
        (Decimal("75.00"), Decimal("40.00"), Decimal("35.00")),
        (Decimal("75.00"), Decimal("0.00"), Decimal("75.00")),
    ]
    for invoice in invoices:
        [line] = invoice.lines.all()
        appointment = line.appointment
        assert appointment is not None and appointment.session_id is not None
        assert appointment.client_id == invoice.client_id
        # Held in the past week (18-24 Nov) and invoiced on the day.
        assert date(2026, 11, 18) <= invoice.issued_on <= date(2026, 11, 24)
        assert invoice.issued_on == appointment.starts_at.date()
    receipts = Payment.objects.filter(practice=demo).order_by("receipt_sequence")
    assert [(p.method, p.amount) for p in receipts] == [
        ("card", Decimal("75.00")),
        ("cash", Decimal("40.00")),
    ]
