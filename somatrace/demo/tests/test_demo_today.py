"""Which of the demo practitioner's four slots today (09:00, 10:30, 13:00, 15:30, an hour
each) were held depends on the time the demo is made: a session is held once it is over."""

from __future__ import annotations

import pytest

from somatrace.demo.seed import MIDDAY, slots_over_by


@pytest.mark.parametrize(
    ("clock", "held"),
    [
        ((0, 0), 0),
        ((8, 0), 0),  # the whole day still to come
        ((9, 59), 0),  # 09:00 still under way
        ((10, 0), 1),  # 09:00-10:00 just over
        ((11, 29), 1),
        ((11, 30), 2),  # 10:30-11:30 over
        ((16, 29), 3),  # 15:30-16:30 still under way
        ((16, 30), 4),
        ((23, 59), 4),
    ],
)
def test_a_slot_counts_as_held_once_its_hour_is_over(clock, held):
    assert slots_over_by(clock) == held


def test_a_demo_made_for_a_given_day_is_made_as_at_midday():
    assert slots_over_by(MIDDAY) == 2
