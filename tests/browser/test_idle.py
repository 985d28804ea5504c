"""The idle sign-out in a real browser: the live console warns before it, "Stay signed in"
keeps the session, and after it an event logged in the console stays queued on the device
and is delivered once the practitioner has signed in again in another tab. The idle limit is
set to 12 seconds (the live server reads the setting on every request)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from somatrace.testing import PASSWORD
from somatrace.therapy.models import TimelineEvent
from somatrace.therapy.testing import started_session

from .axe import serious_violations

pytestmark = pytest.mark.browser

LIMIT_MINUTES = 0.2  # 12 seconds: the warning comes 4 s before (a third of it)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 768, "height": 1024}, "has_touch": True}


def watch_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_the_console_warns_then_keeps_events_until_the_practitioner_signs_in_again(
    signed_in_page, practitioner, client_record, live_server, settings
) -> None:
    settings.SOMATRACE_IDLE_MINUTES = LIMIT_MINUTES
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    problems = watch_errors(page)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    expect(page.locator("#console-state")).to_have_text("Running")
    banner = page.locator("#idle-banner")
    expect(banner).to_be_hidden()

    # The warning, with a countdown and a way to stay.
    expect(banner).to_be_visible(timeout=20_000)
    expect(banner).to_contain_text("You will be signed out in 0:0")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Stay signed in").tap()
    expect(banner).to_be_hidden()

    # No activity: signed out, and the page says so.
    expect(banner).to_contain_text(
        "You were signed out after 12 seconds without activity.", timeout=30_000
    )
    expect(page.get_by_role("button", name="Stay signed in")).to_be_hidden()
    expect(page.get_by_role("link", name="Sign in again in a new tab")).to_be_visible()

    # An event logged now is kept on the device, not lost.
    page.get_by_role("button", name="Heat", exact=True).tap()
    expect(page.locator("#console-unsent")).to_contain_text("1 unsent", timeout=15_000)
    expect(page.locator("#console-unsent")).to_contain_text("your login has run out")
    assert not TimelineEvent.objects.filter(session=session).exists()

    # Signing in again in another tab; back in the console, the event goes out.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/login/")
    other.get_by_label("Email").fill(practitioner.email)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    other.wait_for_url(f"{live_server.url}/")
    page.bring_to_front()
    expect(page.locator("#console-unsent")).to_have_text("All events sent", timeout=15_000)
    assert TimelineEvent.objects.filter(session=session, code="heat").count() == 1
    expect(page.locator("#idle-banner")).to_be_hidden()
    # The refused sends were answered (401 / a redirect to the login page), not failures of
    # the page; the browser logs each refused fetch, which is all that may appear.
    assert [p for p in problems if "401" not in p and "Failed to load resource" not in p] == []
