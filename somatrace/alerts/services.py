"""Raising and acknowledging alerts. Every other app raises alerts through raise_alert()."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from somatrace.alerts.models import Alert, Priority
from somatrace.clients.models import Client


def raise_alert(client: Client, kind: str, title: str, priority: str = Priority.HIGH) -> Alert:
    """Open an alert of this kind for the client, or return the one already open.

    An alert is never dropped: if one of the same kind is already waiting, it stays (and is
    returned) rather than being duplicated.
    """
    existing = Alert.objects.open().filter(client=client, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Alert.objects.create(
                practice_id=client.practice_id,
                client=client,
                kind=kind,
                title=title,
                priority=priority,
            )
    except IntegrityError:  # raised concurrently by another request
        return Alert.objects.open().get(client=client, kind=kind)


def acknowledge(alert: Alert, user: object, note: str) -> Alert:
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = user  # type: ignore[assignment]
    alert.acknowledgement_note = note
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return alert
