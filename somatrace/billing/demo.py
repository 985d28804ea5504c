"""Demo data for billing, added to the demo practice by somatrace.demo.seed after the
calendar's (scheduling.demo): the practice's billing details, and three invoices for
appointments held in the past week, one paid, one part-paid and one open.

Everything goes through billing.services, as the billing pages would (numbers, audit).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from somatrace.accounts.models import Membership, Practice, Role
from somatrace.billing import services
from somatrace.billing.models import PaymentMethod
from somatrace.core.actor import Actor
from somatrace.scheduling.models import Appointment, AppointmentStatus

PART_PAID = Decimal("40.00")  # of a £75 session: £35 still due


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    """Set up billing and invoice three of the past week's held appointments (three
    clients, the earliest held appointment of each): paid in full by card the same day,
    part-paid in cash, and open."""
    owner = Actor.staff(
        Membership.objects.select_related("user").get(practice=practice, role=Role.OWNER)
    )
    services.update_settings(
        owner,
        currency="GBP",
        legal_name=practice.name,
        address="1 Millpond Lane\nStillwater SW1 0AA (fictional)",
        email="billing@demo.test",
        # UK: health services by registered practitioners can be VAT-exempt (VAT Act 1994,
        # Sch. 9 Group 7); the demo charges no VAT.
        tax_rate=Decimal(0),
        payment_terms_days=14,
        payment_instructions="Bank transfer to Stillwater Somatic Practice, "
        "sort code 00-00-00, account 00000000 (fictional).",
    )
    zone = practice.zone
    since = datetime.combine(today - timedelta(days=7), time.min, tzinfo=zone)
    until = datetime.combine(today, time.min, tzinfo=zone)
    held = (
        Appointment.objects.filter(
            practice=practice,
            status=AppointmentStatus.BOOKED,
            session__isnull=False,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related("client", "appointment_type")
        .order_by("starts_at", "pk")
    )
    chosen: list[Appointment] = []
    for appointment in held:
        if appointment.client_id not in {a.client_id for a in chosen}:
            chosen.append(appointment)
        if len(chosen) == 3:
            break
    invoices = []
    for appointment in chosen:
        day = appointment.starts_at.astimezone(zone).date()
        invoices.append(
            (
                services.invoice_appointments(
                    owner, appointment.client, [appointment], issued_on=day
                ),
                day,
            )
        )
    if len(invoices) == 3:
        (paid, paid_day), (part, part_day), _open = invoices
        services.record_payment(
            owner, paid, paid.total, method=PaymentMethod.CARD, received_on=paid_day
        )
        services.record_payment(
            owner, part, PART_PAID, method=PaymentMethod.CASH, received_on=part_day
        )
    log(f"Billing: {len(invoices)} invoices (one paid, one part-paid, one open).")
