"""A practitioner's first day, in a real browser: from an empty practice to a signed session."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from somatrace.testing import make_consent_form

from .axe import serious_violations

pytestmark = pytest.mark.browser


def choose_rating(page: Page, field: str, value: int) -> None:
    page.locator(f"label[for='id_{field}_{value + 1}']").click()


def test_a_practitioner_records_a_client_and_a_session(
    signed_in_page, practitioner, practice, live_server
) -> None:
    make_consent_form(practice, "We work gently and you may stop at any time.")
    page = signed_in_page(practitioner)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    assert serious_violations(page) == []

    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Add a client").first.click()
    page.get_by_label("Full name").fill("Rowan Testwell")
    page.get_by_label("Pronouns").fill("they/them")
    page.get_by_label("Tags").fill("evening")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name="Rowan Testwell")).to_be_visible()
    expect(page.locator("#cannot-start")).to_contain_text("without current consent")

    page.get_by_role("link", name="Complete intake").first.click()
    page.get_by_label("Presenting concerns").fill("Tight jaw and shoulders")
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save intake").click()
    expect(page.get_by_text("Intake saved.")).to_be_visible()

    page.get_by_role("link", name="Record consent").click()
    expect(page.get_by_text("We work gently")).to_be_visible()
    page.get_by_label("Client types their full name to sign").fill("Rowan Testwell")
    page.get_by_label("The client has read this version and agrees to it.").check()
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded (version 1).")).to_be_visible()

    page.get_by_role("link", name="Record a session").click()
    choose_rating(page, "pre_suds", 7)
    choose_rating(page, "post_suds", 3)
    choose_rating(page, "pre_tension", 8)
    choose_rating(page, "post_tension", 4)
    page.get_by_label("Unwinding").check()
    page.get_by_label("Subjective").fill("Jaw tight after a long week")
    page.get_by_label("Objective").fill("Trembling in the legs, then a long exhale")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Sign and lock note…").click()
    expect(page.get_by_text("Trembling in the legs, then a long exhale")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign and lock the note").click()
    expect(page.get_by_text(re.compile(r"Note signed and locked at \d\d:\d\d"))).to_be_visible()
    expect(page.get_by_role("link", name="Amend note")).to_be_visible()

    page.get_by_role("link", name="← Rowan Testwell").click()
    expect(page.get_by_text("SUDS 7 → 3")).to_be_visible()
    chart = page.locator(".vega-chart[data-rendered=true] svg")
    expect(chart).to_be_visible()
    # Two ratings pairs were given: four points on the chart, before/after for SUDS and tension.
    expect(page.locator(".vega-chart .mark-symbol.role-mark path")).to_have_count(4)
    assert serious_violations(page) == []
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_a_session_is_refused_in_the_browser_without_consent(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    client_record.consents.all().delete()
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/sessions/new/")
    expect(page.get_by_role("alert")).to_contain_text("cannot be started without current consent")
    expect(page.get_by_role("button", name="Save session")).to_have_count(0)
