"""The foundation's whole flow, as a practitioner does it in a real browser.

Log in, add a client, complete intake and consent, record a session with ratings and a note,
sign and lock it, and find it on the client's chart.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from somatrace.clients.models import Client
from somatrace.clients.screening import SCREEN_ITEMS
from somatrace.testing import make_consent_form
from somatrace.therapy.models import Session

pytestmark = pytest.mark.browser


def test_a_practitioner_records_a_first_session_from_scratch(
    signed_in_page, practice, practitioner, live_server
) -> None:
    make_consent_form(practice, body="We agree to gentle, consent-led bodywork.")
    page = signed_in_page(practitioner)

    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name="Add a client").click()
    page.get_by_label("Full name").fill("Robin Flowtest")
    page.get_by_label("Preferred name").fill("Rob")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rob")
    client = Client.objects.get(name="Robin Flowtest")
    assert client.assigned_practitioner == practitioner

    # Without intake and consent the session button is not offered.
    expect(page.get_by_role("link", name="Record a session")).to_have_count(0)

    page.get_by_role("link", name="Complete intake").first.click()
    page.get_by_label("Presenting concerns").fill("Tight shoulders since a car accident")
    for item in SCREEN_ITEMS:
        page.locator(f"input[name='screen_{item.code}'][value='no']").check()
    page.get_by_role("button", name="Save intake").click()
    expect(page.get_by_text("Tight shoulders since a car accident")).to_be_visible()

    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Client types their full name to sign").fill("Robin Flowtest")
    page.get_by_label("The client has read this version and agrees to it.").check()
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Current", exact=True)).to_be_visible()

    page.get_by_role("link", name="Record a session").click()
    # Ratings are radio rows labelled 0..10; pick by value.
    for field, value in {
        "pre_suds": 7,
        "post_suds": 3,
        "pre_calm": 2,
        "post_calm": 6,
        "pre_tension": 8,
        "post_tension": 4,
    }.items():
        page.locator(f"input[name='{field}'][value='{value}']").check()
    page.get_by_label("Subjective").fill("Says the shoulders feel lighter")
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_text("Says the shoulders feel lighter")).to_be_visible()
    page.get_by_role("button", name="Sign and lock note").click()
    expect(page.get_by_role("link", name="Amend note")).to_be_visible()
    session = Session.objects.get(client=client)
    assert session.is_signed
    assert (session.pre_suds, session.post_suds) == (7, 3)

    page.get_by_role("link", name="Rob").first.click()
    # The ratings chart is drawn, and its data table holds this session's before/after pairs.
    figure = page.locator("figure.chart").first
    expect(figure.locator(".vega-chart svg")).to_be_visible()
    figure.get_by_text("Show the data as a table").click()
    body = figure.locator("tbody tr")
    expect(body).to_have_count(6)
    cells = [row.locator("td").all_inner_texts()[1:] for row in body.all()]
    assert sorted(cells) == sorted(
        [
            ["Distress (SUDS)", "Before", "7"],
            ["Distress (SUDS)", "After", "3"],
            ["Calm", "Before", "2"],
            ["Calm", "After", "6"],
            ["Body tension", "Before", "8"],
            ["Body tension", "After", "4"],
        ]
    )
