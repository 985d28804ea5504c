"""Every main page: accessible (axe-core, no serious or critical findings), usable on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from somatrace.testing import PASSWORD, make_alert, make_client, make_session

from .axe import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def populated(practice, practitioner, client_record):
    for day in range(1, 6):
        make_session(
            client_record,
            days_ago=day * 7,
            pre_suds=7 - day // 2,
            post_suds=4 - day // 2,
            subjective="Notes",
        )
    make_client(practice, practitioner, name="Sasha Second")
    make_alert(client_record, "intake.psychosis", "Intake safety screen: psychosis")
    return client_record


PAGES = [
    "/",
    "/clients/",
    "/clients/{client}/",
    "/clients/{client}/edit/",
    "/clients/{client}/intake/",
    "/clients/{client}/sessions/new/",
    "/password/change/",
    "/account/security/",
    "/calendar/",
    "/calendar/week/",
    "/calendar/new/",
    "/calendar/hours/",
]
OWNER_PAGES = [
    "/practice/",
    "/practice/consent/",
    "/practice/team/",
    "/practice/audit/",
    "/mail/",
    "/practice/calendar/",
]


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_pass_axe_and_fit_the_screen(
    signed_in_page, practitioner, owner, populated, live_server, page, width
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    checked = []
    for user, paths in ((practitioner, PAGES), (owner, OWNER_PAGES)):
        page.context.clear_cookies()
        signed_in_page(user)
        for path in paths:
            page.goto(live_server.url + path.format(client=populated.pk))
            page.wait_for_load_state("networkidle")
            assert serious_violations(page) == [], path
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, f"{path} is {overflow}px wider than a {width}px screen"
            checked.append(path)
    assert len(checked) == len(PAGES) + len(OWNER_PAGES)


def test_the_login_page_passes_axe(page, live_server, db) -> None:
    page.goto(f"{live_server.url}/login/")
    assert serious_violations(page) == []


def test_client_search_updates_as_you_type(
    signed_in_page, practitioner, populated, live_server
) -> None:
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("link", name="Sasha Second")).to_be_visible()
    page.get_by_label("Search").fill("quinn")
    expect(page.get_by_role("link", name="Sasha Second")).to_have_count(0)
    expect(page.get_by_role("link", name="Quinn Example")).to_be_visible()
    assert "quinn" not in page.url.lower()


def test_the_login_form_works_from_the_keyboard(page, live_server, practitioner) -> None:
    page.goto(f"{live_server.url}/login/")
    page.keyboard.type(practitioner.email)  # the email field has focus on arrival
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat")


def test_ratings_can_be_chosen_with_arrow_keys(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/sessions/new/")
    page.locator("#id_pre_suds_5").focus()  # "4"
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_pre_suds_6")).to_be_checked()
