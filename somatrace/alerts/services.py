"""Raising and acknowledging safety alerts. Every other app raises alerts through raise_alert().

An alert is a record, not a message: it stays open on the dashboard and the client page until
a practitioner acknowledges it with a note of what was done. A new alert also emails the
client's practitioner and the practice's owners, so that it reaches a person who is not
looking at Somatrace: the email says only that an alert waits, with a link to it (no client,
no answer, no score: an email can be read by anyone near the recipient's phone).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from somatrace.accounts.models import Membership, Role, User
from somatrace.alerts.models import Alert, Priority
from somatrace.audit import services as audit
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.mail.services import queue_email

logger = logging.getLogger("somatrace.alerts")

EMAIL_SUBJECT = "A safety alert needs your attention"


def raise_alert(
    actor: Actor,
    client: Any,
    kind: str,
    title: str,
    priority: str = Priority.HIGH,
    *,
    details: Mapping[str, Any] | None = None,
) -> Alert:
    """Open an alert of this kind for the client, or return the one already open.

    client: a clients.Client of the actor's practice. An alert is never dropped: if one of
    the same kind is already waiting, it stays (and is returned) rather than being duplicated.
    details: what raised it, shown on the alert's page: {"source": str, "items": [{"label":
    str, "value": str}]}. A new alert emails its people when the transaction commits.
    """
    existing = Alert.objects.open().filter(client_id=client.pk, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                practice_id=client.practice_id,
                client_id=client.pk,
                kind=kind,
                title=title[:200],
                priority=priority,
                details=dict(details or {}),
            )
            audit.created(actor, alert, ["kind", "title", "priority", "details"])
            _email_people(alert, client)
            return alert
    except IntegrityError:  # raised concurrently by another request
        return Alert.objects.open().get(client_id=client.pk, kind=kind)


def recipients(client: Any) -> list[User]:
    """Who is emailed about a client's alert: their practitioner and the practice's owners."""
    owners = Membership.objects.filter(practice_id=client.practice_id, role=Role.OWNER)
    people = User.objects.filter(is_active=True).filter(
        pk__in=[client.assigned_practitioner_id, *owners.values_list("user_id", flat=True)]
    )
    return list(people.order_by("pk"))


def _email_people(alert: Alert, client: Any) -> None:
    """Queue one email per person; idempotent by alert and person. Nothing identifying."""
    link = settings.SOMATRACE_BASE_URL + reverse("alert_detail", args=[alert.pk])
    text = (
        "A safety alert in Somatrace needs your attention.\n\n"
        f"Open it (you will be asked to sign in):\n{link}\n\n"
        "This email says nothing more on purpose: the details stay in Somatrace.\n"
    )
    system = Actor.system(alert.practice_id, "alerts: email")
    for person in recipients(client):
        try:
            queue_email(
                system,
                to=person.email,
                subject=EMAIL_SUBJECT,
                text=text,
                kind="alert",
                key=f"alert:{alert.pk}:{person.pk}",
            )
        except RuleError:  # an unusable address must not stop the alert itself
            logger.warning("Alert %s: member %s has no usable email address.", alert.pk, person.pk)


@transaction.atomic
def acknowledge(actor: Actor, alert: Alert, note: str) -> Alert:
    """A practitioner's acknowledgement: who, when, and what was done."""
    actor.require_clinical_staff("Only a practitioner or owner acknowledges a safety alert.")
    if not alert.is_open:
        raise RuleError("This alert was already acknowledged.")
    if not note.strip():
        raise RuleError("An acknowledgement needs a note of what was done.")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor.user
    alert.acknowledgement_note = note
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    audit.updated(actor, alert, ["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return alert
