"""core/idle.py: staff are signed out after SOMATRACE_IDLE_MINUTES without activity; pages go
to the login page with a message, JSON gets a 401; background requests are not activity; the
session is written at most once a refresh interval. The clock is the session's timestamp,
set directly."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.core.idle import (
    BACKGROUND_HEADER,
    LAST_ACTIVE,
    describe,
    refresh_interval,
    warning_seconds,
)
from somatrace.therapy.models import TimelineEvent
from somatrace.therapy.testing import started_session

MINUTE = 60.0


def idle_for(browser, seconds: float) -> float:
    """Make the browser's last recorded activity `seconds` ago; returns that time."""
    session = browser.session
    session[LAST_ACTIVE] = time.time() - seconds
    session.save()
    return session[LAST_ACTIVE]


def last_active(browser) -> float:
    return browser.session[LAST_ACTIVE]


def test_the_limit_reads_as_words_and_sets_the_warning_and_refresh() -> None:
    assert describe(30 * MINUTE) == "30 minutes"
    assert describe(MINUTE) == "1 minute"
    assert describe(12) == "12 seconds"
    assert warning_seconds(30 * MINUTE) == 180  # three minutes before
    assert warning_seconds(12) == 4  # a third of a tiny limit
    assert refresh_interval(30 * MINUTE) == 60  # the session is written once a minute at most
    assert refresh_interval(12) == 0.4


def test_the_default_is_thirty_minutes(settings) -> None:
    assert settings.SOMATRACE_IDLE_MINUTES == 30


def test_a_page_after_31_idle_minutes_signs_out_with_a_message(login, practitioner) -> None:
    browser = login(practitioner)
    idle_for(browser, 31 * MINUTE)
    response = browser.get("/clients/")
    assert response.status_code == 302
    assert response.url == "/login/?next=/clients/"
    page = browser.get(response.url).content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    assert browser.get("/clients/").status_code == 302  # still signed out
    assert "_auth_user_id" not in browser.session


def test_29_idle_minutes_is_still_signed_in_and_the_page_counts_as_activity(
    login, practitioner
) -> None:
    browser = login(practitioner)
    before = idle_for(browser, 29 * MINUTE)
    assert browser.get("/clients/").status_code == 200
    assert last_active(browser) > before + 29 * MINUTE - 5  # now, give or take a slow machine


def test_the_session_is_not_written_again_within_the_refresh_interval(login, practitioner) -> None:
    browser = login(practitioner)
    before = idle_for(browser, 20)  # 20 s ago: under the minute
    assert browser.get("/clients/").status_code == 200
    assert last_active(browser) == before


def test_a_json_request_after_the_limit_gets_a_401_and_nothing_is_stored(
    login, practitioner, client_record
) -> None:
    session = started_session(client_record)
    browser = login(practitioner)
    idle_for(browser, 31 * MINUTE)
    event = {
        "uuid": str(uuid.uuid4()),
        "kind": "cue",
        "code": "heat",
        "at": (timezone.now() - timedelta(seconds=5)).isoformat(),
    }
    response = browser.post(
        f"/sessions/{session.pk}/events/", json.dumps(event), content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": "You were signed out after 30 minutes without activity.",
        "signed_out": "idle",
        "login_url": "/login/",
    }
    assert not TimelineEvent.objects.exists()


def test_background_requests_and_the_status_do_not_count_as_activity(login, practitioner) -> None:
    browser = login(practitioner)
    before = idle_for(browser, 10 * MINUTE)
    status = browser.get("/session/idle/").json()
    assert status["signed_in"] is True
    assert 19 * MINUTE < status["remaining"] <= 20 * MINUTE
    assert browser.get("/clients/", headers={BACKGROUND_HEADER: "1"}).status_code == 200
    assert last_active(browser) == before


def test_stay_signed_in_counts_as_activity(login, practitioner) -> None:
    browser = login(practitioner)
    before = idle_for(browser, 28 * MINUTE)
    response = browser.post("/session/stay/", "{}", content_type="application/json")
    assert response.status_code == 200 and response.json() == {"remaining": 30 * MINUTE}
    assert last_active(browser) > before + 28 * MINUTE - 5
    assert browser.get("/session/idle/").json()["remaining"] > 29 * MINUTE


def test_a_signed_out_browser_learns_it_from_the_status(client) -> None:
    assert client.get("/session/idle/").json() == {"signed_in": False, "remaining": None}
    response = client.post("/session/stay/", "{}", content_type="application/json")
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize("minutes", [0, 0.0])
def test_a_limit_of_zero_turns_idle_sign_out_off(settings, login, practitioner, minutes) -> None:
    settings.SOMATRACE_IDLE_MINUTES = minutes
    browser = login(practitioner)
    idle_for(browser, 10 * 3600)
    assert browser.get("/clients/").status_code == 200


def test_a_tiny_limit_from_the_settings_applies(settings, login, practitioner) -> None:
    settings.SOMATRACE_IDLE_MINUTES = 0.2  # 12 seconds
    browser = login(practitioner)
    idle_for(browser, 13)
    response = browser.get("/clients/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json()["error"] == "You were signed out after 12 seconds without activity."


def test_activity_does_not_move_the_absolute_limit(settings, login, practitioner) -> None:
    browser = login(practitioner)
    start = timezone.now()
    assert browser.get("/clients/").status_code == 200  # the first activity pins the expiry
    expiry = browser.session.get_expiry_date()
    assert abs((expiry - start).total_seconds() - settings.SESSION_COOKIE_AGE) < 60
    idle_for(browser, 5 * MINUTE)
    assert browser.get("/clients/").status_code == 200  # activity: the session is written
    assert last_active(browser) > time.time() - 60
    assert browser.session.get_expiry_date() == expiry


def test_after_the_limit_a_public_page_goes_on_signed_out(login, practitioner) -> None:
    browser = login(practitioner)
    idle_for(browser, 31 * MINUTE)
    response = browser.get("/session/idle/", headers={BACKGROUND_HEADER: "1"})
    assert response.status_code == 200
    assert response.json() == {"signed_in": False, "remaining": None}
    assert "_auth_user_id" not in browser.session
