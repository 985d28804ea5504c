"""The calendar's periodic job: appointment reminders by email (core/periodic.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from somatrace.accounts.models import Practice
from somatrace.core.actor import Actor
from somatrace.core.periodic import periodic
from somatrace.scheduling import services


@periodic("scheduling.reminders", every=timedelta(minutes=5))
def send_reminders(now: datetime) -> None:
    """For every practice: email the reminders now due (BookingRules.reminder_hours). Safe
    to run late or twice, and on several workers: each reminder is queued once by its key
    (appointment, hour, start), so a moved appointment is reminded again at its new time."""
    for practice_id in Practice.objects.order_by("pk").values_list("pk", flat=True):
        services.send_reminders(Actor.system(practice_id, "scheduling: reminders"), now)
