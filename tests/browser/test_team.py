"""The owner on the Team page: sees a practitioner locked out after wrong passwords, lets
them try again, and the practitioner signs in at once."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from somatrace.testing import PASSWORD

from .axe import serious_violations

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SOMATRACE_SHOTS")  # a folder: save screenshots there to look at


def test_an_owner_lets_a_locked_out_practitioner_try_again(
    browser, live_server, signed_in_page, owner, practitioner
) -> None:
    tablet = browser.new_context(viewport={"width": 820, "height": 1180})
    locked = tablet.new_page()

    def try_password(password: str) -> None:
        locked.goto(f"{live_server.url}/login/")
        locked.get_by_label("Email").fill(practitioner.email)
        locked.get_by_label("Password").fill(password)
        locked.get_by_role("button", name="Log in").click()

    for _ in range(5):
        try_password("not-my-password")
    expect(locked.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(locked.get_by_text("its owner can also let you try again sooner")).to_be_visible()

    page = signed_in_page(owner)
    page.goto(f"{live_server.url}/practice/team/")
    failures = page.get_by_role("region", name="Failed sign-ins")
    expect(failures.get_by_text(practitioner.full_name, exact=True)).to_be_visible()
    expect(failures.get_by_text("5 refused")).to_be_visible()
    expect(failures.get_by_text("locked out", exact=True)).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/team-failures.png", full_page=True)
    assert serious_violations(page) == []
    failures.get_by_role("button", name="Let them try again").click()
    expect(
        page.get_by_text(f"{practitioner.full_name} can try their password again now.")
    ).to_be_visible()
    expect(failures.get_by_role("button", name="Let them try again")).to_have_count(0)

    try_password(PASSWORD)
    locked.wait_for_url(f"{live_server.url}/")
    tablet.close()
