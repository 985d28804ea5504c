"""The client's journal and check-ins on a phone (360 px, touch): an entry painted with a
finger while offline waits on the phone, the portal opens offline to the journal's writer,
and the entry arrives once when the phone is back online; a check-in above the window shows crisis resources at once, raises an alert and
emails the practitioner through a real SMTP server."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from somatrace.alerts.models import Alert
from somatrace.journal.models import CheckIn, JournalEntry
from somatrace.journal.testing import make_checkin
from somatrace.mail.testing import deliver_queued_mail
from somatrace.testing import make_client_account, make_session

from .axe import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PASSWORD = "a-long-client-passphrase"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "has_touch": True, "is_mobile": True}


def sign_in(page: Page, live_server: Any, email: str) -> None:
    page.goto(f"{live_server.url}/portal/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/portal/")


def finger_stroke(page: Page) -> None:
    """A finger drag across the chest (real touch events through the DevTools protocol)."""
    canvas = page.locator("#bm-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    points = [(145, 150), (160, 165), (175, 180)]  # atlas units: the chest, front view
    screen = [
        (box["x"] + x / 290 * box["width"], box["y"] + y / 580 * box["height"]) for x, y in points
    ]
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", *screen[0])
    for (x0, y0), (x1, y1) in itertools.pairwise(screen):
        for k in range(1, 5):
            touch("touchMove", x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4)
    touch("touchEnd", *screen[-1])
    cdp.detach()


def test_an_entry_written_offline_waits_on_the_phone_and_arrives_once(
    page: Page, live_server, client_record
) -> None:
    make_client_account(client_record, email="quinn@example.org", password=PASSWORD)
    sign_in(page, live_server, "quinn@example.org")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.goto(f"{live_server.url}/portal/journal/")
    expect(page.locator("#bm-paint[data-ready=true]")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(page) == []
    # The journal page has the service worker keep the writer (it holds no entry).
    page.wait_for_function("async () => Boolean(await caches.match('/portal/journal/write/'))")

    page.context.set_offline(True)
    finger_stroke(page)
    page.locator("#journal-emotions-box summary").click()
    page.locator("#journal-emotion-sadness").select_option("7")
    page.locator("#bm-words").fill("Heavy chest on the bus")
    page.locator("#bm-save").click()
    expect(page.locator("#journal-pending-list li")).to_have_count(1)
    expect(page.locator("#journal-status")).to_contain_text("kept on this phone")

    # Still offline, the portal opens to the journal's writer, and the entry still waits.
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="Write in your journal").click()
    expect(page.get_by_role("heading", name="Your body-scan journal")).to_be_visible()
    expect(page.locator("#journal-pending-list li")).to_have_count(1)
    assert JournalEntry.objects.count() == 0

    # The connection is back: it is sent, once, and stays private.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#journal-pending")).to_be_hidden(timeout=10_000)
    page.goto(f"{live_server.url}/portal/journal/")
    expect(page.locator(".journal-entry")).to_have_count(1)
    entry = JournalEntry.objects.get()
    assert entry.client_id == client_record.pk
    assert entry.shared is False
    assert entry.words == "Heavy chest on the bus"
    assert entry.emotions == [{"code": "sadness", "intensity": 7}]
    assert entry.strokes["strokes"] and entry.strokes["strokes"][0]["view"] == "front"
    expect(page.locator(".journal-entry").first).to_contain_text("Private")


def test_a_checkin_above_the_window_shows_crisis_resources_and_alerts_by_email(
    page: Page, live_server, smtp_server, practice, client_record
) -> None:
    practice.crisis_resources = "Call 112 (Riverside emergency line)"
    practice.save()
    make_client_account(client_record, email="quinn@example.org", password=PASSWORD)
    session = make_session(client_record, starts_at=timezone.now() - timedelta(hours=26))
    checkin = make_checkin(session, hours=24)
    sign_in(page, live_server, "quinn@example.org")
    page.goto(f"{live_server.url}/portal/checkins/{checkin.pk}/")
    page.locator("input[name=suds]").fill("9")  # above the default window (up to 7)
    page.locator("input[name=calm]").fill("2")
    page.locator("input[name=tension]").fill("6")
    page.get_by_role("button", name="Send").click()
    resources = page.locator("#crisis-resources")
    expect(resources).to_contain_text("Call 112 (Riverside emergency line)")
    expect(resources).to_contain_text("Slow exhale")
    alert = Alert.objects.get(client=client_record)
    assert {"label": "SUDS", "value": "9"} in alert.details["items"]
    assert CheckIn.objects.get().alert_id == alert.pk
    # The alerts app emails the practitioner and the owner about every safety alert.
    assert deliver_queued_mail() >= 1
    messages = smtp_server.wait_for(1)
    assert all("SUDS" not in m.get_body(("plain",)).get_content() for m in messages)
