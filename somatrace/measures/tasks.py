"""The measures app's periodic jobs (core/periodic.py): questionnaires that fall due every N
weeks, and questionnaires whose secure link lapsed unanswered."""

from __future__ import annotations

from datetime import datetime, timedelta

from somatrace.accounts.models import Practice
from somatrace.core.actor import Actor
from somatrace.core.periodic import periodic
from somatrace.measures import services


# Hourly: a schedule counts in days (measures/due.py), so an hour's lateness at midnight is
# the most a client waits for a questionnaire that fell due.
@periodic("measures.due_by_weeks", every=timedelta(hours=1))
def make_due_by_weeks(now: datetime) -> None:
    """For every practice: the every-N-weeks questionnaires now due. Safe to run late or
    twice: a questionnaire still waiting means nothing new is due, and each schedule is
    locked while it is looked at."""
    for practice_id in Practice.objects.order_by("pk").values_list("pk", flat=True):
        services.make_due_by_weeks(Actor.system(practice_id, "measures: schedule"), now)


# Every 15 minutes: a link lapses at the minute it was made plus its days; the client page
# already shows "link expired" from that moment, the job only records the questionnaire as
# missed (and lets the schedule move on) within a quarter of an hour.
@periodic("measures.expire_links", every=timedelta(minutes=15))
def expire_lapsed_links(now: datetime) -> None:
    """For every practice: questionnaires whose secure link lapsed unanswered are missed."""
    for practice_id in Practice.objects.order_by("pk").values_list("pk", flat=True):
        services.expire_lapsed_links(Actor.system(practice_id, "measures: link expiry"), now)
