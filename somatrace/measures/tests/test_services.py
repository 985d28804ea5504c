"""Scheduling, alerts on submit and reliable deterioration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.alerts.models import Alert
from somatrace.measures.models import Administration, Schedule, Status
from somatrace.measures.services import AlreadyAnswered, assign, record_answers
from somatrace.measures.testing import link_holder, make_administration, phq9_answers
from somatrace.testing import make_session, staff_actor


def test_every_n_sessions_makes_the_next_one_due(client_record, practitioner) -> None:
    assignment = assign(
        staff_actor(practitioner), client_record, "PHQ9", Schedule.EVERY_N_SESSIONS, 2
    )
    baseline = Administration.objects.get(assignment=assignment)
    record_answers(link_holder(baseline), baseline, phq9_answers(10), "paper")
    make_session(client_record, days_ago=0)
    assert Administration.objects.filter(status=Status.PENDING).count() == 0  # 1 of 2 sessions
    make_session(client_record, days_ago=0)
    assert Administration.objects.filter(status=Status.PENDING).count() == 1  # 2 of 2
    make_session(client_record, days_ago=0)
    assert (
        Administration.objects.filter(status=Status.PENDING).count() == 1
    )  # one waiting is enough


def test_every_n_weeks(client_record, practitioner) -> None:
    assignment = assign(staff_actor(practitioner), client_record, "GAD7", Schedule.EVERY_N_WEEKS, 2)
    baseline = Administration.objects.get(assignment=assignment)
    record_answers(link_holder(baseline), baseline, [1] * 7, "paper")
    make_session(client_record, days_ago=0)
    assert not Administration.objects.filter(status=Status.PENDING).exists()
    Administration.objects.filter(pk=baseline.pk).update(
        created_at=timezone.now() - timedelta(weeks=2, hours=1)
    )
    make_session(client_record, days_ago=0)
    assert Administration.objects.filter(status=Status.PENDING).count() == 1


def test_reliable_deterioration_raises_a_lower_priority_alert(client_record) -> None:
    make_administration(client_record, "GAD7", answers=[1] * 7, days_ago=30)  # 7
    later = make_administration(client_record, "GAD7")
    outcome = record_answers(link_holder(later), later, [2] * 7, "link")  # 14: +7 >= 5.59
    assert outcome.change is not None and outcome.change.category == "deteriorated"
    alert = Alert.objects.get(client=client_record)
    assert alert.kind == "measures.deterioration.gad7" and alert.priority == "lower"


def test_change_within_error_raises_nothing(client_record) -> None:
    make_administration(client_record, "GAD7", answers=[1] * 7, days_ago=30)  # 7
    later = make_administration(client_record, "GAD7")
    record_answers(link_holder(later), later, [1, 1, 2, 2, 2, 2, 2], "link")  # 12: +5 < 5.59
    assert not Alert.objects.exists()


def _pcl5(total: int) -> list[int | None]:
    """PCL-5 answers summing to ``total`` with item 16 (the risk item) at 0: 4s first."""
    answers: list[int | None] = []
    rest = total
    for number in range(1, 21):
        value = 0 if number == 16 else min(4, rest)
        answers.append(value)
        rest -= value
    assert rest == 0
    return answers


@pytest.mark.parametrize("rise", [10, 12, 14])
def test_a_pcl5_rise_of_10_to_14_points_raises_no_deterioration_alert(client_record, rise) -> None:
    # Reliable change on the PCL-5 is 15 points (Jacobson-Truax, Marx et al. 2022); 10 is the
    # National Center for PTSD's clinically meaningful change, not a reliable change.
    make_administration(client_record, "PCL5", answers=_pcl5(20), days_ago=30)
    later = make_administration(client_record, "PCL5")
    outcome = record_answers(link_holder(later), later, _pcl5(20 + rise), "link")
    assert outcome.score.total == 20 + rise
    assert outcome.change is not None
    assert (outcome.change.reliable, outcome.change.category) == (False, "unchanged")
    assert outcome.change.meaningful is True  # >= 10: shown, but no alert
    assert not Alert.objects.exists()


def test_a_pcl5_rise_of_15_points_is_reliable_deterioration(client_record) -> None:
    make_administration(client_record, "PCL5", answers=_pcl5(20), days_ago=30)
    later = make_administration(client_record, "PCL5")
    outcome = record_answers(link_holder(later), later, _pcl5(35), "link")  # +15 >= 15
    assert outcome.change is not None and outcome.change.category == "deteriorated"
    alert = Alert.objects.get(client=client_record)
    assert alert.kind == "measures.deterioration.pcl5" and alert.priority == "lower"


def test_a_prorated_phq9_is_stored_as_prorated(client_record) -> None:
    pending = make_administration(client_record, "PHQ9")
    # 2+2+2+2+2+2+2+0 = 14 over 8; 14/8 x 9 = 15.75 -> 16 (NHS Data Dictionary prorating)
    outcome = record_answers(link_holder(pending), pending, [2, 2, None, 2, 2, 2, 2, 2, 0], "paper")
    assert outcome.score.prorated
    pending.refresh_from_db()
    assert (pending.valid, pending.total, pending.band) == (True, 16, "Moderately severe")
    assert pending.details["prorated"] is True and pending.details["missing_items"] == [3]
    assert pending.answers[2] is None


def test_incomplete_answers_still_raise_the_risk_alert(client_record) -> None:
    pending = make_administration(client_record, "PHQ9")
    outcome = record_answers(link_holder(pending), pending, [None] * 8 + [3], "paper")
    assert outcome.risk and not outcome.score.valid
    assert Alert.objects.get(client=client_record).kind == "phq9.item9"


def test_a_second_risk_answer_keeps_the_one_open_alert(client_record) -> None:
    for _ in range(2):
        pending = make_administration(client_record, "PHQ9")
        record_answers(link_holder(pending), pending, phq9_answers(5, item9=1), "link")
    assert Alert.objects.filter(client=client_record, kind="phq9.item9").count() == 1


def test_answers_for_an_administration_no_longer_pending_are_refused(client_record) -> None:
    pending = make_administration(client_record, "PHQ9")
    stale = Administration.objects.get(pk=pending.pk)  # e.g. a second tab
    record_answers(link_holder(pending), pending, phq9_answers(4), "link")
    with pytest.raises(AlreadyAnswered):
        record_answers(link_holder(stale), stale, phq9_answers(20, item9=3), "link")
    pending.refresh_from_db()
    assert pending.total == 4 and not Alert.objects.exists()
