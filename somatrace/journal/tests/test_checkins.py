"""Check-ins after a session: made once when due, answered by the client, and an answer
above the client's window of tolerance raises an alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from somatrace.alerts.models import Alert
from somatrace.core.errors import RuleError
from somatrace.journal import services
from somatrace.journal.models import CheckIn, JournalSettings
from somatrace.journal.testing import make_checkin
from somatrace.journal.tests.helpers import client_actor
from somatrace.journal.window import Ratings, above_window
from somatrace.testing import make_client, make_session, staff_actor, system_actor

pytestmark = pytest.mark.django_db


def test_at_the_upper_limit_is_inside_the_window_one_above_is_outside() -> None:
    # Window 3-7 (the default): 7 is inside, 8 is above; tension counts like SUDS; calm 0
    # (not calm at all) is not compared with the window.
    assert above_window(Ratings(suds=7, calm=0, tension=7), high=7) == []
    assert above_window(Ratings(suds=8, calm=5, tension=2), high=7) == ["suds"]
    assert above_window(Ratings(suds=2, calm=5, tension=8), high=7) == ["tension"]
    assert above_window(Ratings(suds=10, calm=0, tension=10), high=7) == ["suds", "tension"]


def ended_session(client, hours_ago: float):
    """A session run in the console that ended `hours_ago` hours ago (it lasted an hour)."""
    now = timezone.now()
    end = now - timedelta(hours=hours_ago)
    return make_session(
        client,
        starts_at=end - timedelta(hours=1),
        started_at=end - timedelta(hours=1),
        ended_at=end,
    )


def test_due_checkins_are_made_once(practice, client_record) -> None:
    actor = system_actor(practice)
    now = timezone.now()
    s25 = ended_session(client_record, 25)  # 24 h due 1 h ago; 72 h not yet
    s80 = ended_session(client_record, 80)  # 24 h due 56 h ago: past the 48 h grace; 72 h due
    ended_session(client_record, 10)  # nothing due yet
    made = services.create_due_checkins(actor, now)
    assert sorted((c.session_id, c.hours) for c in made) == sorted([(s25.pk, 24), (s80.pk, 72)])
    assert services.create_due_checkins(actor, now) == []
    assert CheckIn.objects.count() == 2
    checkin = CheckIn.objects.get(session=s25)
    assert checkin.due_at == s25.ended_at + timedelta(hours=24)


def test_a_booked_session_without_the_console_ends_after_its_length(
    practice, client_record
) -> None:
    now = timezone.now()
    # Starts 25 h 30 min ago, 60 minutes long: ended 24 h 30 min ago, so 24 h is due.
    session = make_session(
        client_record, starts_at=now - timedelta(hours=25, minutes=30), duration_minutes=60
    )
    made = services.create_due_checkins(system_actor(practice), now)
    assert [(c.session_id, c.hours) for c in made] == [(session.pk, 24)]
    assert made[0].due_at == now - timedelta(minutes=30)


def test_the_practice_chooses_the_hours(practice, owner, client_record) -> None:
    services.set_checkin_hours(staff_actor(owner), [6, 48])
    assert JournalSettings.hours_for(practice.pk) == [6, 48]
    session = ended_session(client_record, 7)
    made = services.create_due_checkins(system_actor(practice), timezone.now())
    assert [(c.session_id, c.hours) for c in made] == [(session.pk, 6)]


def test_only_the_owner_sets_the_hours_and_within_two_weeks(practitioner, owner) -> None:
    with pytest.raises(PermissionDenied):
        services.set_checkin_hours(staff_actor(practitioner), [24])
    with pytest.raises(RuleError):
        services.set_checkin_hours(staff_actor(owner), [0])
    with pytest.raises(RuleError):
        services.set_checkin_hours(staff_actor(owner), [24 * 15])


def test_another_practices_sessions_are_not_asked_about(practice, other_practice, outsider) -> None:
    theirs = make_client(other_practice, outsider)
    ended_session(theirs, 25)
    assert services.create_due_checkins(system_actor(practice), timezone.now()) == []


def test_an_answer_inside_the_window_raises_no_alert(client_record) -> None:
    checkin = make_checkin(ended_session(client_record, 25))
    answered = services.answer_checkin(
        client_actor(client_record), checkin, suds=7, calm=3, tension=7, note="Tired"
    )
    assert answered.above == [] and answered.alert is None
    assert not Alert.objects.exists()
    checkin.refresh_from_db()
    assert (checkin.suds, checkin.calm, checkin.tension, checkin.note) == (7, 3, 7, "Tired")
    assert checkin.window_high == 7 and not checkin.above_window


def test_an_answer_above_the_clients_own_window_raises_an_alert_with_the_ratings(
    client_record,
) -> None:
    client_record.suds_window_low, client_record.suds_window_high = 2, 5
    client_record.save()
    checkin = make_checkin(ended_session(client_record, 25))
    answered = services.answer_checkin(
        client_actor(client_record), checkin, suds=6, calm=2, tension=4
    )
    assert answered.above == ["suds"]
    alert = Alert.objects.get()
    assert alert.client_id == client_record.pk and alert.kind == "journal.checkin"
    answers = {item["label"]: item["value"] for item in alert.details["items"]}
    assert answers["SUDS"] == "6" and answers["Calm"] == "2" and answers["Body tension"] == "4"
    assert answers["Window of tolerance (SUDS up to)"] == "5"
    checkin.refresh_from_db()
    assert checkin.alert_id == alert.pk and checkin.above_window


def test_a_checkin_is_answered_once_by_its_client_only(
    practice, practitioner, client_record
) -> None:
    checkin = make_checkin(ended_session(client_record, 25))
    other = make_client(practice, practitioner)
    for actor in (client_actor(other), staff_actor(practitioner)):
        with pytest.raises(PermissionDenied):
            services.answer_checkin(actor, checkin, suds=1, calm=9, tension=1)
    services.answer_checkin(client_actor(client_record), checkin, suds=1, calm=9, tension=1)
    with pytest.raises(RuleError):
        services.answer_checkin(client_actor(client_record), checkin, suds=2, calm=9, tension=1)


def test_ratings_outside_0_to_10_are_refused(client_record) -> None:
    checkin = make_checkin(ended_session(client_record, 25))
    for bad in ({"suds": 11}, {"calm": -1}, {"tension": "5"}, {"suds": True}):
        values = {"suds": 1, "calm": 1, "tension": 1, **bad}
        with pytest.raises(RuleError):
            services.answer_checkin(client_actor(client_record), checkin, **values)
    checkin.refresh_from_db()
    assert checkin.answered_at is None
