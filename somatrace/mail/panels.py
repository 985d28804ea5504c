"""The owner's dashboard says when email could not be sent (the outbox shows which)."""

from __future__ import annotations

from typing import Any

from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData
from somatrace.mail.models import OutgoingEmail, Status


def failed_mail(actor: Actor, _: Any) -> PanelData | None:
    """How many emails failed for good, for owners only (one query, no client data)."""
    if not actor.is_owner:
        return None
    failed = OutgoingEmail.objects.filter(
        practice_id=actor.practice_id, status=Status.FAILED
    ).count()
    if not failed:
        return None
    return PanelData({"failed": failed})


PANELS = [Panel("dashboard", "summary", 50, "mail/panels/dashboard.html", failed_mail)]
