"""When an every-N-weeks questionnaire falls due: whole days, counted from the day given."""

from __future__ import annotations

from datetime import date

from somatrace.measures.due import is_due, weeks_due_on


def test_every_two_weeks_from_monday_2_november_is_due_monday_16_november() -> None:
    # 2 Nov + 2 x 7 days = 16 Nov (both Mondays).
    assert weeks_due_on(date(2026, 11, 2), 2) == date(2026, 11, 16)


def test_a_schedule_crossing_the_spring_clock_change_keeps_its_weekday() -> None:
    # Sun 21 Mar 2027 + 7 days = Sun 28 Mar 2027 (the day the UK clocks go forward).
    assert weeks_due_on(date(2027, 3, 21), 1) == date(2027, 3, 28)


def test_it_is_due_from_the_due_day_on_and_not_the_day_before() -> None:
    assert not is_due(date(2026, 11, 2), 2, date(2026, 11, 15))
    assert is_due(date(2026, 11, 2), 2, date(2026, 11, 16))
    assert is_due(date(2026, 11, 2), 2, date(2026, 11, 20))  # a late run still finds it
