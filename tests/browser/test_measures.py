"""Outcome questionnaires in a real browser: a client on a phone through a secure link, the
practitioner's alert and acknowledgement, kiosk mode on the practice tablet, and axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from somatrace.alerts.models import Alert
from somatrace.measures.models import AccessLink, Administration
from somatrace.measures.services import create_link
from somatrace.measures.testing import make_administration, phq9_answers
from somatrace.testing import staff_actor

from .axe import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
CRISIS = "Emergency 999 · Samaritans 116 123 (free, 24 hours)"


def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_phq9_through_a_secure_link_on_a_phone(
    signed_in_page, practitioner, practice, client_record, live_server, browser
) -> None:
    practice.crisis_resources = CRISIS
    practice.safety_protocol = "Phone the client the same day."
    practice.save()
    make_administration(client_record, "PHQ9")

    # The practitioner makes the link on the client page.
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    page.get_by_role("button", name="Link / QR code (PHQ-9)").click()
    expect(page.get_by_role("heading", name="Secure link for PHQ-9")).to_be_visible()
    assert page.locator(".qr svg").count() == 1
    assert serious_violations(page) == []
    url = page.get_by_label("Link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/q/[A-Za-z0-9_-]{{43}}/", url)

    # The client opens it on a phone: one item per screen, progress shown.
    phone_context = browser.new_context(viewport=PHONE, locale="en-GB")
    phone = phone_context.new_page()
    errors = console_errors(phone)
    phone.goto(url)
    expect(
        phone.get_by_role("heading", name="Patient Health Questionnaire (PHQ-9)")
    ).to_be_visible()
    assert client_record.name not in phone.content()
    expect(phone.locator(".q-item:visible")).to_have_count(1)
    expect(phone.locator("[data-progress-text]")).to_have_text("Question 1 of 9 · 0 answered")
    assert serious_violations(phone) == []
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1

    for number in range(1, 6):
        item = phone.locator(f"#q-{number}")
        item.get_by_label("Several days").check()
        item.get_by_role("button", name="Next").click()
    expect(phone.locator("[data-progress-text]")).to_have_text("Question 6 of 9 · 5 answered")

    # A reload keeps the answers given so far.
    phone.reload()
    expect(phone.locator("[data-progress-text]")).to_have_text("Question 6 of 9 · 5 answered")
    expect(phone.locator("#q-3").get_by_label("Several days")).to_be_checked()

    for number in range(6, 9):
        item = phone.locator(f"#q-{number}")
        item.get_by_label("Not at all").check()
        item.get_by_role("button", name="Next").click()
    # Keyboard works: focus the first option of item 9 and move with the arrow key.
    first = phone.locator("#q-9").get_by_label("Not at all")
    first.focus()
    phone.keyboard.press("Space")
    phone.keyboard.press("ArrowDown")
    expect(phone.locator("#q-9").get_by_label("Several days")).to_be_checked()
    expect(phone.get_by_role("button", name="Send my answers")).to_be_hidden()
    phone.locator("#q-9").get_by_role("button", name="Next").click()
    # The unscored 10th question is optional and not counted as a question of the PHQ-9.
    expect(phone.locator("[data-progress-text]")).to_have_text(
        "Extra question, not scored · 9 of 9 answered"
    )
    phone.locator("#q-extra-1").get_by_label("Somewhat difficult").check()
    phone.get_by_role("button", name="Send my answers").click()

    # Crisis resources at once.
    expect(
        phone.get_by_role("heading", name="You are not alone — help is available now")
    ).to_be_visible()
    expect(phone.get_by_text(CRISIS)).to_be_visible()
    assert serious_violations(phone) == []
    kept = phone.evaluate("() => Object.keys(sessionStorage)")
    assert not [key for key in kept if key.startswith("somatrace.")], kept
    administration = Administration.objects.get()
    # items 1-5 = 1, 6-8 = 0, 9 = 1: total 6 -> Mild
    assert (administration.total, administration.band) == (6, "Mild")
    assert administration.details["difficulty"] == "Somewhat difficult"

    assert errors == []

    # The link is dead a second time (a 404 page), and reaches nothing else.
    phone.goto(url)
    expect(phone.get_by_role("heading", name="This link is not available")).to_be_visible()
    phone.goto(f"{live_server.url}/clients/{client_record.pk}/")
    expect(phone).to_have_url(re.compile(r"/login/"))
    phone_context.close()

    # The practitioner's dashboard shows the alert; acknowledging records who and when.
    page.goto(f"{live_server.url}/")
    alerts = page.locator("section[aria-labelledby='alerts-heading']")
    expect(alerts).to_contain_text("PHQ-9 item 9")
    alerts.get_by_role("link", name=re.compile("Review")).click()
    expect(page.get_by_text(CRISIS)).to_be_visible()
    expect(page.get_by_text("Phone the client the same day.")).to_be_visible()
    page.get_by_label("What was done").fill("Phoned; safe, plan agreed.")
    page.get_by_role("button", name="Acknowledge").click()
    alert = Alert.objects.get(kind="phq9.item9")
    assert alert.acknowledged_by == practitioner
    assert timezone.now() - alert.acknowledged_at < timedelta(minutes=5)
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    expect(page.get_by_text(f"Acknowledged by {practitioner.full_name}")).to_be_visible()


VISIBLE_BELOW_THE_BAR = """(selector) => {
  const bar = document.querySelector(".q-progress").getBoundingClientRect();
  const item = document.querySelector(selector);
  const box = item.getBoundingClientRect();
  const legend = item.querySelector("legend").getBoundingClientRect();
  const focused = document.activeElement.getBoundingClientRect();
  // What is drawn at the top of the question's text: the question itself, not the bar.
  const atLegend = document.elementFromPoint(legend.left + 4, legend.top + 2);
  return {
    barBottom: bar.bottom,
    top: box.top,
    bottom: box.bottom,
    viewport: window.innerHeight,
    legendOnTop: item.contains(atLegend),
    focusedInItem: item.contains(document.activeElement),
    focusedTop: focused.top,
    focusedBottom: focused.bottom,
  };
}"""


def assert_fully_visible(page: Page, selector: str) -> None:
    seen = page.evaluate(VISIBLE_BELOW_THE_BAR, selector)
    assert seen["top"] >= seen["barBottom"] - 0.5, seen  # not under the sticky bar
    assert seen["bottom"] <= seen["viewport"] + 0.5, seen  # not below the screen
    assert seen["legendOnTop"], seen
    assert seen["focusedInItem"], seen
    assert seen["barBottom"] - 0.5 <= seen["focusedTop"], seen
    assert seen["focusedBottom"] <= seen["viewport"] + 0.5, seen


@pytest.mark.parametrize("width", [360, 375, 390])
def test_on_a_phone_the_progress_counts_scored_questions_and_hides_none(
    practitioner, client_record, live_server, browser, width
) -> None:
    token = create_link(staff_actor(practitioner), make_administration(client_record, "PHQ9"))
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="en-GB")
    phone = context.new_page()
    errors = console_errors(phone)
    phone.goto(f"{live_server.url}/q/{token}/")
    progress = phone.locator("[data-progress-text]")
    for number in range(1, 9):
        expect(progress).to_have_text(f"Question {number} of 9 · {number - 1} answered")
        item = phone.locator(f"#q-{number}")
        if number > 1:  # reached with Next, which focuses its first answer
            assert_fully_visible(phone, f"#q-{number}")
        item.get_by_label("Not at all").check()
        item.get_by_role("button", name="Next").click()

    # The last scored question: "9 of 9", fully visible below the sticky bar when focused.
    expect(progress).to_have_text("Question 9 of 9 · 8 answered")
    expect(phone.locator("#q-9").get_by_label("Not at all")).to_be_focused()
    assert_fully_visible(phone, "#q-9")
    phone.locator("#q-9").get_by_label("Not at all").check()
    expect(progress).to_have_text("Question 9 of 9 · 9 answered")

    # The unscored difficulty question is an extra, not "question 10 of 10", and is not
    # hidden either, whether reached with Next or by going back to it.
    phone.locator("#q-9").get_by_role("button", name="Next").click()
    expect(progress).to_have_text("Extra question, not scored · 9 of 9 answered")
    expect(phone.locator("#q-extra-1").get_by_label("Not difficult at all")).to_be_focused()
    assert_fully_visible(phone, "#q-extra-1")
    phone.locator("#q-extra-1").get_by_role("button", name="Back").click()
    expect(progress).to_have_text("Question 9 of 9 · 9 answered")
    assert_fully_visible(phone, "#q-9")
    phone.locator("#q-9").get_by_role("button", name="Next").click()
    assert_fully_visible(phone, "#q-extra-1")
    expect(phone.get_by_role("button", name="Send my answers")).to_be_visible()

    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    assert serious_violations(phone) == []
    assert errors == []
    context.close()


def test_an_error_link_on_a_phone_opens_its_question_below_the_bar(
    practitioner, client_record, live_server, browser
) -> None:
    token = create_link(staff_actor(practitioner), make_administration(client_record, "PHQ9"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone = context.new_page()
    # Answers sent without item 9 (as by a browser without JavaScript) come back with a 400.
    phone.goto(f"{live_server.url}/q/{token}/")
    phone.evaluate(
        """() => {
          for (let n = 1; n <= 8; n++) {
            document.querySelector(`input[name="item_${n}"][value="0"]`).checked = true;
          }
          document.querySelector("form.questionnaire").submit();
        }"""
    )
    expect(phone.get_by_text("Some questions still need an answer:")).to_be_visible()
    expect(phone.locator("[data-progress-text]")).to_have_text("Question 9 of 9 · 8 answered")
    # Go elsewhere first, then follow the error summary's link back to question 9.
    phone.locator("#q-9").get_by_role("button", name="Back").click()
    expect(phone.locator("[data-progress-text]")).to_have_text("Question 8 of 9 · 8 answered")
    phone.get_by_role("link", name="Please answer question 9.").click()
    expect(phone.locator("[data-progress-text]")).to_have_text("Question 9 of 9 · 8 answered")
    expect(phone.locator("#q-9").get_by_label("Not at all")).to_be_focused()
    assert_fully_visible(phone, "#q-9")
    context.close()


def test_an_expired_link_shows_the_dead_page(
    page, practitioner, client_record, live_server
) -> None:
    token = create_link(staff_actor(practitioner), make_administration(client_record, "GAD7"))
    AccessLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/q/{token}/")
    expect(page.get_by_role("heading", name="This link is not available")).to_be_visible()
    assert serious_violations(page) == []


def test_kiosk_mode_on_the_tablet_locks_back(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    make_administration(client_record, "GAD7")
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = console_errors(page)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    page.get_by_role("button", name="Start kiosk (GAD-7)").click()
    expect(page.get_by_text("Kiosk mode — only this questionnaire")).to_be_visible()
    # A laptop shows every item at once.
    expect(page.locator(".q-item:visible")).to_have_count(7)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert serious_violations(page) == []
    for number in range(1, 8):
        page.locator(f"#q-{number}").get_by_label("More than half the days").check()
    expect(page.locator("[data-progress-text]")).to_have_text("7 of 7 answered")
    page.get_by_role("button", name="Send my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you — please hand the tablet back")
    ).to_be_visible()
    # Trying to leave for client data needs the practitioner's login.
    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto(f"{live_server.url}/measures/kiosk/")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert client_record.name not in page.content()
    assert Administration.objects.get().total == 14  # 7 x 2
    assert errors == []


def test_measures_pages_pass_axe(
    signed_in_page, practitioner, owner, client_record, live_server
) -> None:
    for n, total in enumerate((18, 13, 7)):
        make_administration(
            client_record, "PHQ9", answers=phq9_answers(total), days_ago=90 - 30 * n
        )
    make_administration(client_record, "MAIA2", answers=[2] * 37, days_ago=60)
    done = make_administration(client_record, "MAIA2", answers=[4] * 37, days_ago=2)
    pending = make_administration(client_record, "PCL5")
    page = signed_in_page(practitioner)
    errors = console_errors(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in (
            f"/clients/{client_record.pk}/",
            f"/measures/administrations/{done.pk}/",
            f"/measures/administrations/{pending.pk}/",
            f"/measures/administrations/{pending.pk}/paper/",
            "/measures/caseload/",
        ):
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert serious_violations(page) == [], path
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, f"{path} overflows by {overflow}px at {width}px"
    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    expect(page.locator("#measures-heading")).to_be_visible()
    expect(
        page.locator(".measures-panel .vega-chart svg, .measures-panel .vega-chart canvas").first
    ).to_be_visible()
    assert errors == []
    page.context.clear_cookies()
    signed_in_page(owner)
    page.goto(f"{live_server.url}/measures/settings/")
    assert serious_violations(page) == []
