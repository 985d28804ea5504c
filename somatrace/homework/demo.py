"""Demo data for home practice and shared progress, added by somatrace.demo.seed.

The demo client with a portal account (client@demo.test) gets two exercises from the
practice's list, done on most days since they were assigned, and their practitioner shares
session ratings and questionnaire scores with them (body maps stay private), so the portal's
home practice and "Your progress" can be tried at once. Bulk-inserted and not audited, like
the rest of the demo.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from somatrace.accounts.models import ClientAccount, Practice
from somatrace.clients.models import ProgressSharing
from somatrace.homework.models import Completion, Exercise, ExerciseAssignment

DEMO_SEED = 11
DEMO_CLIENT_EMAIL = "client@demo.test"

# (exercise code, times a week, minutes, days ago assigned, days still to go, chance a day)
PLAN = (
    ("slow-exhale", 5, 3, 20, 30, 0.7),
    ("body-scan", 2, 10, 12, None, 0.3),
)


def seed(practice: Practice, today: date, log: Callable[[str], None] = print) -> None:
    account = (
        ClientAccount.objects.filter(practice=practice, user__email=DEMO_CLIENT_EMAIL)
        .select_related("client")
        .first()
    )
    if account is None:
        log(f"No portal account {DEMO_CLIENT_EMAIL}: no home practice added.")
        return
    client = account.client
    rng = random.Random(DEMO_SEED)
    zone = practice.zone
    exercises = {e.code: e for e in Exercise.objects.filter(practice=None)}
    completions = []
    for code, per_week, minutes, days_ago, to_go, chance in PLAN:
        exercise = exercises[code]
        start = today - timedelta(days=days_ago)
        assignment = ExerciseAssignment.objects.create(
            client=client,
            exercise_code=exercise.code,
            label=exercise.label,
            exercise_instructions=exercise.instructions,
            per_week=per_week,
            minutes=minutes,
            starts_on=start,
            until=today + timedelta(days=to_go) if to_go is not None else None,
            instructions="In the evening, before bed." if code == "slow-exhale" else "",
            assigned_by=client.assigned_practitioner,
            created_at=datetime.combine(start, time(11, 0), zone),
        )
        for offset in range(days_ago):  # not today: left for the visitor to try
            if rng.random() < chance:
                day = start + timedelta(days=offset)
                completions.append(
                    Completion(
                        assignment=assignment,
                        client=client,
                        client_uuid=uuid.UUID(int=rng.getrandbits(128)),
                        done_at=datetime.combine(day, time(21, rng.randint(0, 50)), zone),
                        duration_seconds=minutes * 60 + rng.randint(-45, 90),
                    )
                )
    Completion.objects.bulk_create(completions)
    ProgressSharing.objects.update_or_create(
        client=client,
        defaults={
            "ratings": True,
            "scores": True,
            "bodymaps": False,
            "updated_by": client.assigned_practitioner,
        },
    )
    log(f"Home practice for {DEMO_CLIENT_EMAIL}: {len(PLAN)} exercises, {len(completions)} done.")
