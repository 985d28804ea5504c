"""The recording charts read the console's clock and timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from somatrace.physio import services
from somatrace.testing import make_session
from somatrace.therapy import guard
from somatrace.therapy.testing import make_event


@pytest.fixture
def session(client_record):
    return make_session(client_record, duration_minutes=60)


@pytest.mark.django_db
def test_the_clock_starts_when_the_console_started_the_session(session) -> None:
    assert services.session_clock_start(session) == session.starts_at
    session.started_at = session.starts_at + timedelta(minutes=4)
    assert services.session_clock_start(session) == session.starts_at + timedelta(minutes=4)


@pytest.mark.django_db
def test_the_length_is_the_wall_clock_from_start_to_end_once_ended(session) -> None:
    assert services.session_length_s(session) == 3600.0  # as booked: 60 min
    session.started_at = session.starts_at
    session.ended_at = session.starts_at + timedelta(minutes=52, seconds=30)
    assert services.session_length_s(session) == 52 * 60 + 30


@pytest.mark.django_db
def test_marks_are_the_timeline_events_except_suds_check_ins(session) -> None:
    make_event(session, "cue", code="stillpoint", seconds=600)
    make_event(session, "suds", suds=7, seconds=700)
    make_event(session, "guard", code=guard.AT_UPPER_LIMIT, seconds=701)
    make_event(session, "emotion", code="other", text="a wave of grief", seconds=900)
    assert services.session_marks(session) == [
        (600.0, "Stillpoint", "Cue"),
        (701.0, "Pacing prompt: SUDS at the upper limit", "Pacing prompt"),
        (900.0, "a wave of grief", "Emotion"),
    ]
