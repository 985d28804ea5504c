"""The owner's booking rules page (scheduling/views/rules.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from somatrace.scheduling.models import BookingRules

pytestmark = pytest.mark.django_db

FORM = {
    "horizon_days": "30",
    "min_notice_hours": "12",
    "cancel_window_hours": "48",
    "reminder_hours": "2, 24",
}


def test_the_owner_turns_booking_on_and_sees_the_public_address(login, owner, practice):
    browser = login(owner)
    response = browser.post(
        reverse("booking_rules"), {**FORM, "portal_booking": "on", "public_booking": "on"}
    )
    assert response.status_code == 302
    rules = BookingRules.objects.get(practice=practice)
    assert (rules.horizon_days, rules.min_notice_hours, rules.cancel_window_hours) == (30, 12, 48)
    assert rules.reminder_hours == "24, 2" and rules.portal_booking and rules.public_booking
    page = browser.get(reverse("booking_rules"))
    assert f"/book/{rules.public_key}/".encode() in page.content


def test_bad_reminder_hours_come_back_with_a_message(login, owner, practice):
    browser = login(owner)
    response = browser.post(reverse("booking_rules"), {**FORM, "reminder_hours": "soon"})
    assert response.status_code == 400
    assert b"whole hours" in response.content
    assert b'value="soon"' in response.content
    assert not BookingRules.objects.filter(practice=practice, reminder_hours="soon").exists()


def test_only_the_owner_opens_the_rules(login, practitioner, assistant, outsider, practice):
    for user in (practitioner, assistant):
        browser = login(user)
        assert browser.get(reverse("booking_rules")).status_code == 403
        assert (
            browser.post(reverse("booking_rules"), {**FORM, "portal_booking": "on"}).status_code
            == 403
        )
    outsider_view = login(outsider).post(reverse("booking_rules"), {**FORM, "portal_booking": "on"})
    assert outsider_view.status_code == 302  # their own practice's rules, not this one's
    assert not BookingRules.objects.filter(practice=practice, portal_booking=True).exists()
