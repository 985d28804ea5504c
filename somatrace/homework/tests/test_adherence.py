"""How often an exercise was done against how often it was asked for, worked by hand."""

from __future__ import annotations

from datetime import date

from somatrace.homework.adherence import adherence, expected_count, format_duration

MONDAY = date(2026, 3, 2)


def test_three_a_week_asked_over_two_full_weeks_is_six() -> None:
    # 2 Mar to 15 Mar: 14 days, both ends included; 3 x 14 / 7 = 6.
    assert expected_count(3, MONDAY, None, date(2026, 3, 15)) == 6


def test_the_count_is_rounded_down_part_way_through_a_week() -> None:
    # 2 Mar to 4 Mar: 3 days; 3 x 3 / 7 = 1.28... -> 1.
    assert expected_count(3, MONDAY, None, date(2026, 3, 4)) == 1
    # Daily, started today: once.
    assert expected_count(7, MONDAY, None, MONDAY) == 1


def test_nothing_is_expected_after_the_end_date_or_before_the_start() -> None:
    # Until 8 Mar: 7 days counted whatever today is; 2 a week -> 2.
    assert expected_count(2, MONDAY, date(2026, 3, 8), date(2026, 4, 30)) == 2
    assert expected_count(5, MONDAY, None, date(2026, 3, 1)) == 0


def test_adherence_counts_the_last_seven_days_and_the_last_day_done() -> None:
    today = date(2026, 3, 15)
    done = [date(2026, 3, 3), date(2026, 3, 9), date(2026, 3, 9), date(2026, 3, 14)]
    result = adherence(3, MONDAY, None, today, done)
    assert result.done == 4
    assert result.expected == 6
    # The last 7 days are 9-15 Mar: 9, 9 and 14 Mar.
    assert result.done_this_week == 3
    assert result.last_done == date(2026, 3, 14)
    assert (
        result.sentence
        == "Done 4 times so far, 6 asked for; 3 times in the last 7 days, 3 a week asked."
    )


def test_a_completion_before_the_start_is_not_counted() -> None:
    result = adherence(1, MONDAY, None, MONDAY, [date(2026, 3, 1)])
    assert (result.done, result.expected, result.last_done) == (0, 0, None)
    assert result.sentence == "Not started yet; 1 time a week asked."


def test_durations_read_in_minutes_and_seconds() -> None:
    assert format_duration(12) == "12 s"
    assert format_duration(60) == "1 min"
    assert format_duration(95) == "1 min 35 s"
    assert format_duration(3600) == "60 min"
