"""The demo client's home practice and shared progress."""

from __future__ import annotations

from datetime import date

import pytest

from somatrace.clients.models import ProgressSharing
from somatrace.homework import demo
from somatrace.homework.models import Completion, ExerciseAssignment
from somatrace.homework.queries import home_practice
from somatrace.homework.testing import client_actor
from somatrace.testing import make_client_account

pytestmark = pytest.mark.django_db


def test_the_demo_client_gets_exercises_done_on_most_days_and_shared_progress(
    practice, client_record
) -> None:
    make_client_account(client_record, email=demo.DEMO_CLIENT_EMAIL)
    demo.seed(practice, date(2026, 3, 20), log=lambda _: None)
    assignments = ExerciseAssignment.objects.filter(client=client_record)
    assert {a.exercise_code for a in assignments} == {"slow-exhale", "body-scan"}
    done = Completion.objects.filter(client=client_record)
    # 20 + 12 days of chances at 70% and 30%: about 14 + 4; never none, never all 32.
    assert 8 <= done.count() < 32
    assert all(c.done_at.date() < date(2026, 3, 20) for c in done)
    assert ProgressSharing.shared_with(client_record.pk) == {"ratings", "scores"}
    assert home_practice(client_actor(client_record), client_record.pk)


def test_without_the_demo_account_nothing_is_added(practice, client_record) -> None:
    demo.seed(practice, date(2026, 3, 20), log=lambda _: None)
    assert not ExerciseAssignment.objects.exists()
    assert not ProgressSharing.objects.exists()
