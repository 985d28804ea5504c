"""Raising and acknowledging safety alerts. Every other app raises alerts through raise_alert().

An alert is a record, not a message: it stays open on the dashboard and the client page until
a practitioner acknowledges it with a note of what was done.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from somatrace.alerts.models import Alert, Priority
from somatrace.audit import services as audit
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError


def raise_alert(
    actor: Actor, client: Any, kind: str, title: str, priority: str = Priority.HIGH
) -> Alert:
    """Open an alert of this kind for the client, or return the one already open.

    client: a clients.Client of the actor's practice. An alert is never dropped: if one of
    the same kind is already waiting, it stays (and is returned) rather than being duplicated.
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
            )
            audit.created(actor, alert, ["kind", "title", "priority"])
            return alert
    except IntegrityError:  # raised concurrently by another request
        return Alert.objects.open().get(client_id=client.pk, kind=kind)


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
