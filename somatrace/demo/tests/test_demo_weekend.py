"""A demo seeded on a Saturday or a Sunday: the practice works that day too, so that today's
appointments pass the same checks as any booking (a weekend seed once stopped on "outside
the practitioner's working hours")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from somatrace.demo.seed import seed_demo
from somatrace.scheduling.models import Appointment, WorkingHours
from somatrace.therapy.models import Session

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


# Made at 08:00 nothing is over yet; made at 20:00 all four slots are (09:00 to 16:30).
@pytest.mark.parametrize(
    ("weekend_day", "clock", "held"),
    [(date(2026, 11, 28), (8, 0), 0), (date(2026, 11, 29), (20, 0), 4)],
)
def test_a_demo_seeded_at_the_weekend_works_that_day_too(
    weekend_day: date, clock: tuple[int, int], held: int
) -> None:
    practice = seed_demo(today=weekend_day, log=lambda _: None, clock=clock)
    assert practice is not None
    days = set(WorkingHours.objects.filter(practice=practice).values_list("weekday", flat=True))
    assert days == {0, 1, 2, 3, 4, weekend_day.weekday()}
    start = datetime.combine(weekend_day, datetime.min.time(), tzinfo=UTC)  # GMT in November
    today = Appointment.objects.filter(
        practice=practice, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    )
    assert today.count() == 4
    assert today.filter(session__isnull=False).count() == held
    assert (
        Session.objects.filter(
            practice=practice, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        ).count()
        == held
    )  # no session is made for an appointment still to come
