"""Test builders for billing (and the appointments it bills), and what the URL walk needs
to know about its URLs."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from somatrace.billing import services
from somatrace.billing.models import BillingSettings, Invoice, Payment
from somatrace.core.actor import Actor, ActorKind, Channel
from somatrace.scheduling.models import Appointment, AppointmentType
from somatrace.testing import staff_actor

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()


def make_billing_settings(practice: Any, **fields: Any) -> BillingSettings:
    """Billing set up as an owner would: pounds, 20 % VAT unless told otherwise."""
    fields.setdefault("currency", "GBP")
    fields.setdefault("legal_name", "Riverside Somatic Practice Ltd")
    fields.setdefault("address", "12 River Lane\nBristol BS1 4AA")
    fields.setdefault("tax_id", "GB123456789")
    fields.setdefault("tax_label", "VAT")
    fields.setdefault("tax_rate", Decimal("20"))
    fields.setdefault("payment_terms_days", 14)
    return BillingSettings.objects.create(practice=practice, **fields)


def make_appointment_type(
    practice: Any, name: str = "Somatic session", price: str = "65.00", **fields: Any
) -> AppointmentType:
    return AppointmentType.objects.get_or_create(
        practice=practice, name=name, defaults={"price": Decimal(price), **fields}
    )[0]


def make_appointment(
    client: Any,
    *,
    appointment_type: AppointmentType | None = None,
    starts_at: datetime | None = None,
    days_ago: int = 1,
    **fields: Any,
) -> Appointment:
    kind = appointment_type or make_appointment_type(client.practice)
    starts = starts_at or (timezone.now() - timedelta(days=days_ago)).replace(
        second=0, microsecond=0
    )
    return Appointment.objects.create(
        practice_id=client.practice_id,
        client=client,
        practitioner=fields.pop("practitioner", client.assigned_practitioner),
        appointment_type=kind,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=kind.duration_minutes),
        **fields,
    )


def make_invoice(client: Any, *, appointments: int = 1, **options: Any) -> Invoice:
    """An invoice issued by the client's practitioner for new appointments (billing set up
    first when it is not)."""
    if not BillingSettings.objects.filter(practice_id=client.practice_id).exists():
        make_billing_settings(client.practice)
    booked = [make_appointment(client, days_ago=n + 1) for n in range(appointments)]
    actor = staff_actor(client.assigned_practitioner)
    return services.invoice_appointments(actor, client, booked, **options)


def make_payment(invoice: Invoice, amount: str, *, method: str = "card") -> Payment:
    actor = staff_actor(invoice.client.assigned_practitioner)
    return services.record_payment(actor, invoice, Decimal(amount), method=method)


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    invoice = make_invoice(client, diagnosis_codes=["M54.50"], procedure_code="97140")
    payment = make_payment(invoice, "10.00")
    return {"invoice_id": invoice.pk, "payment_id": payment.pk}


def client_actor(client: Any) -> Actor:
    return Actor(
        kind=ActorKind.CLIENT,
        practice_id=client.practice_id,
        channel=Channel.PORTAL,
        client_id=client.pk,
        reference="client: test",
    )
