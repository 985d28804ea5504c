"""The journal's periodic job: check-ins after sessions (core/periodic.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from somatrace.accounts.models import Practice
from somatrace.core.actor import Actor
from somatrace.core.periodic import periodic
from somatrace.journal import services


@periodic("journal.checkins", every=timedelta(minutes=5))
def send_checkins(now: datetime) -> None:
    """For every practice: create the check-ins now due and email the clients who have a
    portal account. Safe to run late or twice: check-ins are unique per session and hour, and
    each email is queued once by its key."""
    for practice_id in Practice.objects.order_by("pk").values_list("pk", flat=True):
        services.run_checkins(Actor.system(practice_id, "journal: check-ins"), now)
