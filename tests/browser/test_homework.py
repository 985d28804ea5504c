"""The client's own portal on a phone (360 px): start an exercise timer and mark it done, see
the progress the practitioner shares, read aftercare and email it to themselves (it arrives
at a real SMTP server)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from somatrace.clients.services import set_progress_sharing
from somatrace.homework.models import Completion
from somatrace.homework.testing import make_home_practice
from somatrace.mail.testing import deliver_queued_mail
from somatrace.measures.testing import make_administration, phq9_answers
from somatrace.testing import PASSWORD, make_client_account, make_session, staff_actor

from .axe import serious_violations

pytestmark = pytest.mark.browser


def test_a_client_practises_sees_shared_progress_and_emails_aftercare(
    page, live_server, practitioner, client_record, smtp_server
) -> None:
    account = make_client_account(client_record, email="quinn@example.org")
    make_home_practice(client_record, "slow-exhale", minutes=1, per_week=3)
    make_session(client_record, days_ago=8, pre_suds=7, post_suds=3, aftercare="Drink some water.")
    make_administration(client_record, "PHQ9", answers=phq9_answers(15), days_ago=30)
    make_administration(client_record, "PHQ9", answers=phq9_answers(8), days_ago=2)
    set_progress_sharing(
        staff_actor(practitioner), client_record, ratings=True, scores=True, bodymaps=False
    )

    refused: list[str] = []  # what the Content Security Policy blocked (nothing should be)
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/portal/login/")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/portal/")

    # Home practice: start the timer from the keyboard, pause it by touch, mark it done.
    page.get_by_role("link", name="Slow exhale").first.click()
    status = page.locator("[data-timer-status]")
    start = page.get_by_role("button", name="Start")
    start.focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text(re.compile(r"Timer started\. 1 minute left\."))
    page.wait_for_timeout(1300)
    page.get_by_role("button", name="Pause").click()
    expect(status).to_have_text(re.compile(r"Paused after 0:0[1-3]\."))
    page.get_by_role("button", name="I did it").click()
    expect(page.get_by_text(re.compile(r"Slow exhale, \d s, noted\."))).to_be_visible()
    completion = Completion.objects.get()
    assert 1 <= completion.duration_seconds <= 3
    assert serious_violations(page) == []

    # Shared progress, in plain words.
    page.goto(f"{live_server.url}/portal/progress/")
    expect(page.get_by_text("distress 7 before, 3 after.", exact=False)).to_be_visible()
    expect(page.get_by_text("Your PHQ-9 score went from 15 to 8.", exact=False)).to_be_visible()
    expect(page.get_by_text("Your body maps")).to_have_count(0)
    # Charts are drawn in the portal as on staff pages (every chart on the page).
    charts = page.locator(".vega-chart")
    expect(charts.first).to_be_visible()
    expect(page.locator(".vega-chart[data-rendered=true]")).to_have_count(charts.count())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []

    assert refused == []

    # Aftercare, emailed to the client's own address.
    page.goto(f"{live_server.url}/portal/aftercare/")
    expect(page.get_by_text("Drink some water.")).to_be_visible()
    page.get_by_role("button", name="Email this to me").click()
    expect(page.get_by_text("On its way to your email address.")).to_be_visible()
    assert deliver_queued_mail() == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "quinn@example.org"
    assert "Drink some water." in message.get_body(preferencelist=("plain",)).get_content()
