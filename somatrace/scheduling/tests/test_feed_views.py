"""A practitioner's calendar feed (scheduling/views/feed.py): the secret shown once, the
feed fetched without signing in, and the old address dead after a reset."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from somatrace.scheduling.models import CalendarFeed
from somatrace.scheduling.testing import make_appointment, make_type

pytestmark = pytest.mark.django_db

FEED_PATH = re.compile(rb"/calendar/feed/[-\w]+/appointments\.ics")


def make_feed(browser: Any) -> str:
    page = browser.post(reverse("calendar_feed_settings"))
    assert page.status_code == 200
    found = FEED_PATH.search(page.content)
    assert found is not None
    return found.group(0).decode()


def test_the_feed_lists_the_practitioners_appointments_without_names(
    client, login, practitioner, practice, client_record
):
    kind = make_type(practice, "Somatic session")
    appointment = make_appointment(
        client_record, timezone.now() + timedelta(days=2), appointment_type=kind
    )
    path = make_feed(login(practitioner))
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Somatic session"
    assert str(event["UID"]).startswith(f"appointment-{appointment.pk}@")
    assert client_record.name.encode() not in response.content
    assert CalendarFeed.objects.get(practitioner=practitioner).last_fetched_at is not None


def test_the_secret_is_shown_once(login, practitioner):
    browser = login(practitioner)
    path = make_feed(browser)
    again = browser.get(reverse("calendar_feed_settings"))
    assert path.encode() not in again.content
    assert b"Reset the address" in again.content


def test_a_reset_makes_the_old_address_404(client, login, practitioner):
    browser = login(practitioner)
    old = make_feed(browser)
    new = make_feed(browser)
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_the_feed_off_makes_it_404(client, login, practitioner):
    browser = login(practitioner)
    path = make_feed(browser)
    browser.post(reverse("calendar_feed_remove"))
    client.logout()
    assert client.get(path).status_code == 404


def test_an_unknown_address_is_not_found(client):
    assert client.get("/calendar/feed/made-up-secret/appointments.ics").status_code == 404


def test_assistants_have_no_feed_page(login, assistant):
    browser = login(assistant)
    assert browser.get(reverse("calendar_feed_settings")).status_code == 403
    assert browser.post(reverse("calendar_feed_settings")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_one_practitioners_feed_never_shows_anothers_appointments(
    client, login, colleague, practice, client_record
):
    kind = make_type(practice, "Somatic session")
    make_appointment(client_record, timezone.now() + timedelta(days=2), appointment_type=kind)
    path = make_feed(login(colleague))
    client.logout()
    assert Calendar.from_ical(client.get(path).content).walk("VEVENT") == []
