"""No stray sessions: opening "Start a live session" creates nothing, and a session left behind
by an older release, opened and never used, can be removed from its page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from somatrace.testing import make_session
from somatrace.therapy.models import Session

from .axe import serious_violations

pytestmark = pytest.mark.browser


def test_backing_out_leaves_nothing_and_an_old_draft_can_be_removed(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    page = signed_in_page(practitioner)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    page.get_by_role("link", name="Start a live session").click()
    expect(page.get_by_role("heading", name="Before you start: pre-check")).to_be_visible()
    assert serious_violations(page) == []
    page.go_back()
    expect(page.get_by_role("heading", name=client_record.name)).to_be_visible()
    assert not Session.objects.exists()

    # A session opened and never used, as releases before this one left behind.
    draft = make_session(client_record, days_ago=0)
    page.goto(f"{live_server.url}/")
    notes_to_sign = page.locator("section", has=page.locator("#unsigned-heading"))
    expect(notes_to_sign.get_by_role("link", name=client_record.name)).to_be_visible()
    notes_to_sign.get_by_role("link", name=client_record.name).click()
    page.get_by_role("link", name="Remove this unused session…").click()
    expect(page.get_by_role("heading", name="Remove this unused session?")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Remove the session").click()
    expect(page.get_by_text("was removed")).to_be_visible()
    assert not Session.objects.filter(pk=draft.pk).exists()

    page.goto(f"{live_server.url}/")
    expect(page.locator("#unsigned-heading")).to_be_visible()
    expect(notes_to_sign).to_contain_text("All your notes are signed.")
    assert problems == []
