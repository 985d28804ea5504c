"""The journal's demo data for client@demo.test: entries shared and private, check-ins
answered and one waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.journal import demo
from somatrace.journal.models import CheckIn, JournalEntry
from somatrace.journal.tests.helpers import client_actor
from somatrace.testing import make_client_account, make_session, staff_actor

pytestmark = pytest.mark.django_db


def test_the_demo_client_gets_entries_some_private_and_checkins_one_waiting(
    practice, practitioner, client_record
) -> None:
    make_client_account(client_record, email="client@demo.test")
    for days in (3, 10, 17):
        make_session(client_record, days_ago=days)
    demo.seed(practice, timezone.localdate(), lambda _: None)
    entries = JournalEntry.objects.filter(client=client_record)
    assert entries.count() == 5
    assert entries.filter(shared=True).count() == 3
    assert JournalEntry.objects.visible_to(staff_actor(practitioner)).count() == 3
    assert JournalEntry.objects.visible_to(client_actor(client_record)).count() == 5
    checkins = CheckIn.objects.filter(client=client_record)
    # 24 h after each of the three sessions, 72 h after the two older ones: the newest ended
    # 71 hours ago (it started 3 days ago and lasted an hour), so its 72 h is not due yet.
    assert checkins.count() == 5
    assert checkins.filter(answered_at__isnull=True).count() == 1
    assert all(c.due_at <= timezone.now() + timedelta(seconds=1) for c in checkins)


def test_without_the_demo_account_nothing_is_added(practice, client_record) -> None:
    make_session(client_record, days_ago=3)
    demo.seed(practice, timezone.localdate(), lambda _: None)
    assert not JournalEntry.objects.exists() and not CheckIn.objects.exists()
