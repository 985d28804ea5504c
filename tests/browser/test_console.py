"""The live session console in a real browser, on a tablet-sized touch screen."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import TouchConsentMap
from somatrace.therapy.models import RegionWork, Session, TimelineEvent, TouchOverride
from somatrace.therapy.testing import make_event, started_session

from .axe import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 768, "height": 1024}, "has_touch": True}


def watch_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def tap(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).tap()


def all_sent(page: Page) -> None:
    expect(page.locator("#console-unsent")).to_have_text("All events sent", timeout=15_000)


def test_a_whole_session_on_a_tablet(signed_in_page, practitioner, client_record, live_server):
    page = signed_in_page(practitioner)
    problems = watch_errors(page)
    page.goto(f"{live_server.url}/clients/{client_record.pk}/sessions/new/")
    page.get_by_role("link", name="Start a live session").tap()
    expect(page.get_by_role("heading", name="Before you start: pre-check")).to_be_visible()
    assert serious_violations(page) == []

    # Pre-check: SUDS 4, calm 5, tension 7, the client's words, where they feel it.
    page.locator("label[for='id_pre_suds_5']").tap()
    page.locator("label[for='id_pre_calm_6']").tap()
    page.locator("label[for='id_pre_tension_8']").tap()
    page.get_by_label("The client's own words").fill("A knot in my throat since the move")
    page.get_by_label("Where do you feel it?").select_option("neck_throat")
    page.get_by_role("button", name="Start the session").tap()
    expect(page.locator("#console-state")).to_have_text("Running")
    expect(page.locator("#console-clock")).to_have_text(re.compile(r"00:0[0-9]"))
    assert serious_violations(page) == []
    # Touch targets are at least 48 px tall.
    for name in ("Heat", "SUDS 7", "Unwinding", "Grief"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["height"] >= 48, name

    # A dozen events: cues, a region, a technique, an emotion, check-ins, free text.
    tap(page, "Heat")
    page.get_by_label("Applies to the next events until changed").select_option("leg_left")
    tap(page, "Trembling / shaking")
    tap(page, "Unwinding")
    page.locator("label.tap-radio", has_text="4").tap()
    tap(page, "Grief")
    tap(page, "SUDS 5")
    tap(page, "Deep sigh")
    all_sent(page)
    # 4 at the start, then 7: a rise of 3 and the upper limit of the 3-7 window.
    tap(page, "SUDS 7")
    banner = page.get_by_role("status").filter(has_text="Pacing prompt")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("upper limit")
    tap(page, "Slow exhale")
    expect(page.locator("#guard-next")).to_contain_text("take the next SUDS check-in")
    tap(page, "SUDS 5")
    expect(page.locator("#guard-banner")).to_be_hidden()
    tap(page, "Tears")
    tap(page, "Stillpoint")
    page.get_by_label("Kind").select_option("note")
    page.get_by_label("Words").fill("It feels lighter now")
    page.get_by_role("button", name="Log it").tap()
    tap(page, "Relief")
    tap(page, "SUDS 3")
    all_sent(page)
    expect(page.locator("#recent-events li").first).to_contain_text("SUDS 3")

    session = Session.objects.get(client=client_record)
    events = list(session.events.order_by("at", "id"))
    kinds = [e.kind for e in events]
    assert kinds.count("suds") == 5  # pre 4, 5, 7, 5, 3
    assert sorted(e.code for e in events if e.kind == "guard") == ["at-upper-limit", "fast-rise"]
    grounding = next(e for e in events if e.kind == "grounding")
    assert grounding.code == "slow-exhale" and grounding.responds_to is not None
    assert len([e for e in events if e.kind not in ("guard",)]) == 15
    trembling = next(e for e in events if e.code == "trembling")
    assert trembling.region == "leg_left"
    assert next(e for e in events if e.code == "grief").intensity == 4

    # End with a closing check; the note is drafted from the timeline.
    page.locator("label[for='id_post_suds_4']").tap()
    page.locator("label[for='id_post_calm_9']").tap()
    page.get_by_role("button", name="End the session").tap()
    expect(page.get_by_role("heading", name=re.compile("Aftercare for"))).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Use “After a session (general)”").tap()
    expect(page.get_by_label("Aftercare for the client")).to_have_value(
        re.compile("Drink some water")
    )
    page.get_by_role("button", name="Save aftercare").tap()

    # The session page: chart and list show what happened, in order.
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.locator(".vega-chart[data-rendered=true]")).to_have_count(1)
    spec = json.loads(page.locator("script[id^=chart-spec]").text_content())
    suds_line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert [row["suds"] for row in suds_line["data"]["values"]] == [4, 5, 7, 5, 3, 3]
    prompts = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert [row["suds"] for row in prompts["data"]["values"]] == [7, 7]
    svg_marks = page.locator(".vega-chart svg path, .vega-chart svg line").count()
    assert svg_marks > 10
    rows = page.locator(".event-list li")
    labels = [row.inner_text() for row in rows.all()]
    order = ["SUDS 4", "Heat", "Trembling", "Unwinding", "Grief", "SUDS 5", "Deep sigh", "SUDS 7",
             "Pacing prompt", "Slow exhale", "SUDS 5", "Tears", "Stillpoint", "Note", "Relief",
             "SUDS 3"]  # fmt: skip
    position = 0
    for wanted in order:
        while wanted not in labels[position]:
            position += 1
        position += 1
    expect(page.locator(".note-block").first).to_contain_text("A knot in my throat")
    expect(page.get_by_text("SUDS 4 → 3 (-1).", exact=False)).to_be_visible()
    expect(page.get_by_text("Drink some water", exact=False).first).to_be_visible()
    assert serious_violations(page) == []

    # Edit the drafted note, then sign it.
    page.get_by_role("link", name="Edit", exact=True).first.tap()
    plan = page.get_by_label("Plan")
    plan.fill("Next week: continue with the throat; practise the slow exhale at home.")
    page.get_by_role("button", name="Save session").tap()
    page.get_by_role("link", name="Sign and lock note…").tap()
    expect(page.get_by_role("heading", name="Sign and lock this note?")).to_be_visible()
    page.get_by_role("button", name="Sign and lock the note").tap()
    expect(page.get_by_text("Note signed and locked")).to_be_visible()
    expect(page.get_by_text("practise the slow exhale at home")).to_be_visible()
    expect(page.get_by_text("The note is signed, so the timeline is locked.")).to_be_visible()
    expect(page.locator(".event-list").get_by_role("link", name=re.compile("^Edit"))).to_have_count(
        0
    )
    session.refresh_from_db()
    assert session.is_signed and "Trembling / shaking — Left leg" in session.note.objective
    assert problems == []


def test_events_logged_offline_arrive_exactly_once(
    signed_in_page, practitioner, client_record, live_server
):
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    problems = watch_errors(page)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    expect(page.locator("#console-state")).to_have_text("Running")

    # The first answer is lost on the way back: the server has the event, the tablet does
    # not know it, and sends it again. The uuid makes the second send a no-op.
    lost = {"count": 0}

    def lose_first_answer(route):
        if lost["count"] == 0:
            lost["count"] += 1
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r".*/events/$"), lose_first_answer)
    tap(page, "Heat")
    all_sent(page)
    assert lost["count"] == 1
    assert TimelineEvent.objects.filter(session=session).count() == 1

    page.context.set_offline(True)
    for name in ("Trembling / shaking", "SUDS 5", "Tears", "Grief", "Unwinding"):
        tap(page, name)
    expect(page.locator("#console-unsent")).to_contain_text("5 unsent")
    expect(page.locator("#recent-events .status-unsent")).to_have_count(5)
    # The queue survives a reload while offline (it lives in localStorage).
    assert TimelineEvent.objects.filter(session=session).count() == 1
    page.context.set_offline(False)
    all_sent(page)
    events = TimelineEvent.objects.filter(session=session)
    assert events.count() == 6
    assert len(set(events.values_list("client_uuid", flat=True))) == 6
    assert sorted(events.values_list("code", flat=True)) == sorted(
        ["heat", "trembling", "", "tears", "grief", "unwinding"]
    )
    # Undo the last one: it is deleted on the server.
    page.get_by_role("button", name=re.compile("^Undo Unwinding")).tap()
    all_sent(page)
    assert not events.filter(code="unwinding").exists()
    assert [
        p
        for p in problems
        if "ERR_INTERNET_DISCONNECTED" not in p and "Failed to fetch" not in p and "net::" not in p
    ] == []


def test_the_queue_survives_a_reload_while_offline(
    signed_in_page, practitioner, client_record, live_server
):
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    page.context.set_offline(True)
    tap(page, "Heat")
    tap(page, "Cold")
    expect(page.locator("#console-unsent")).to_contain_text("2 unsent")
    # Still no way through to the server while the page reloads.
    page.route(re.compile(r".*/events/$"), lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#console-unsent")).to_contain_text("2 unsent")
    page.unroute(re.compile(r".*/events/$"))
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    all_sent(page)
    assert TimelineEvent.objects.filter(session=session).count() == 2


def test_keyboard_shortcuts_pause_and_the_dark_mode(
    signed_in_page, practitioner, client_record, live_server
):
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    page.locator("h1").click()
    page.keyboard.press("6")
    page.keyboard.press("t")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    page.keyboard.press(" ")
    expect(page.locator("#console-state")).to_have_text("Paused")
    all_sent(page)
    session.refresh_from_db()
    assert session.state == "paused"
    assert sorted(session.events.values_list("kind", "suds", "code")) == [
        ("cue", None, "trembling"),
        ("suds", 6, ""),
    ]
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#console-state")).to_have_text("Running")

    theme = page.get_by_role("button", name="Dark mode")
    before = theme.get_attribute("aria-pressed")
    theme.click()
    assert theme.get_attribute("aria-pressed") != before
    chosen = page.evaluate("() => document.documentElement.dataset.theme")
    page.reload()
    assert page.evaluate("() => document.documentElement.dataset.theme") == chosen
    page.emulate_media(color_scheme="dark")
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_console_pages_pass_axe_and_fit_the_screen(
    signed_in_page, practitioner, client_record, live_server, width
):
    session = started_session(client_record)
    make_event(session, "suds", seconds=0, suds=4)
    make_event(session, "cue", seconds=60, code="trembling", region="leg_left")
    make_event(session, "suds", seconds=120, suds=8)
    make_event(session, "guard", seconds=120, code="at-upper-limit", text="Prompt")
    event = make_event(session, "emotion", seconds=200, code="grief", intensity=3, text="words")
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": width, "height": 900})
    paths = [
        f"/sessions/{session.pk}/console/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/events/{event.pk}/",
        f"/sessions/{session.pk}/events/new/",
        f"/sessions/{session.pk}/aftercare/",
        "/sessions/vocabulary/",
        f"/clients/{client_record.pk}/sessions/start/",  # the pre-check, before any session
    ]
    for path in paths:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], path
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a {width}px screen"
    # The dark theme passes too.
    page.goto(live_server.url + paths[0])
    page.get_by_role("button", name="Dark mode").click()
    assert serious_violations(page) == []


def test_events_wait_while_the_login_has_run_out(
    signed_in_page, practitioner, client_record, live_server
):
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    login_cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    page.context.clear_cookies(name="sessionid")
    tap(page, "Heat")
    expect(page.locator("#console-unsent")).to_contain_text("1 unsent")
    expect(page.locator("#console-unsent")).to_contain_text("sign in again")
    assert not TimelineEvent.objects.filter(session=session).exists()
    page.context.add_cookies([login_cookie])  # as if signed in again in another tab
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    all_sent(page)
    assert TimelineEvent.objects.filter(session=session, code="heat").count() == 1


def test_ending_above_the_window_asks_for_a_closing_check(
    signed_in_page, practitioner, client_record, live_server
):
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    tap(page, "SUDS 9")
    expect(page.locator("#end-hint")).to_contain_text("The last SUDS (9) is above")
    all_sent(page)
    page.get_by_role("button", name="End the session").click()
    expect(page.get_by_role("alert")).to_contain_text("Take a closing SUDS check")
    # The refusal comes back where the practitioner was: at the end form, in view.
    assert page.url.endswith("#end")
    expect(page.locator("#end-form .form-errors")).to_be_in_viewport()
    session.refresh_from_db()
    assert session.ended_at is None
    page.get_by_label("Reason, if ending above the window").fill("Client had to leave; steady.")
    page.get_by_role("button", name="End the session").click()
    expect(page.get_by_role("heading", name=re.compile("Aftercare for"))).to_be_visible()
    session.refresh_from_db()
    assert session.ended_at is not None and session.end_reason == "Client had to leave; steady."


def test_work_where_touch_is_not_welcome_needs_an_override_with_a_reason(
    signed_in_page, practitioner, client_record, live_server
):
    TouchConsentMap.objects.create(
        client=client_record,
        version=1,
        created_by=practitioner,
        regions={"f_groin_l": "not_welcome"},
    )
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    problems = watch_errors(page)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    expect(page.locator("#touch-consent")).to_contain_text("Touch not welcome Pelvis and hips")

    region = page.get_by_label("Applies to the next events until changed")
    region.select_option("pelvis_hips")
    tap(page, "Unwinding")
    dialog = page.get_by_role("dialog", name="Touch not welcome here")
    expect(dialog).to_contain_text("Pelvis and hips")
    dialog.get_by_role("button", name="Cancel").tap()
    expect(dialog).to_be_hidden()

    tap(page, "Unwinding")
    dialog.get_by_label("Reason for the override").fill("Client asked for it after checking in")
    dialog.get_by_role("button", name="Record with override").tap()
    expect(page.locator("#recent-events")).to_contain_text("Unwinding (override)")
    all_sent(page)
    event = TimelineEvent.objects.get(session=session)
    assert (event.kind, event.code, event.region) == ("technique", "unwinding", "pelvis_hips")
    override = TouchOverride.objects.get()
    assert override.reason == "Client asked for it after checking in"
    assert RegionWork.objects.get().override == override
    assert AuditEvent.objects.filter(object_type="therapy.touchoverride").exists()

    # The same technique elsewhere goes straight through.
    region.select_option("upper_back")
    tap(page, "Unwinding")
    all_sent(page)
    assert TimelineEvent.objects.filter(session=session).count() == 2
    assert TouchOverride.objects.count() == 1
    assert problems == []


def test_touch_consent_holds_for_an_event_added_afterwards_and_for_an_edit(
    signed_in_page, practitioner, client_record, live_server
):
    """As a practitioner would after the session: the forgotten technique, then a correction
    of another one's region, each on a region the client marked "not welcome"."""
    TouchConsentMap.objects.create(
        client=client_record,
        version=1,
        created_by=practitioner,
        regions={"f_groin_l": "not_welcome"},
    )
    session = started_session(client_record)
    welcome = make_event(session, "technique", code="arcing", region="upper_back")
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")

    page.get_by_role("link", name="Add an event").click()
    page.get_by_label("Kind").select_option("technique")
    page.get_by_role("combobox", name="Word").select_option(label="Unwinding")
    page.get_by_label("Region").select_option("pelvis_hips")
    page.get_by_label("Time").fill("10:05:00")
    page.get_by_role("button", name="Add event").click()
    expect(page.locator("form.stack")).to_contain_text("not welcome")
    assert not TimelineEvent.objects.filter(code="unwinding").exists()
    page.get_by_label("Override reason").fill("Client asked for hip work after checking in")
    page.get_by_role("button", name="Add event").click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    added = TimelineEvent.objects.get(code="unwinding")
    assert RegionWork.objects.get(event=added).override.reason.startswith("Client asked")

    page.goto(f"{live_server.url}/sessions/{session.pk}/events/{welcome.pk}/")
    page.get_by_label("Region").select_option("pelvis_hips")
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("form.stack")).to_contain_text("not welcome")
    welcome.refresh_from_db()
    assert welcome.region == "upper_back"
    page.get_by_label("Override reason").fill("Moved by mistake in the room; it was the hips")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    welcome.refresh_from_db()
    assert welcome.region == "pelvis_hips" and TouchOverride.objects.count() == 2


def test_nothing_moves_under_a_finger_when_a_pacing_prompt_appears(
    signed_in_page, practitioner, client_record, live_server
):
    session = started_session(client_record)  # window 3-7
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    before = {
        n: page.get_by_role("button", name=n, exact=True).bounding_box() for n in ("SUDS 5", "Heat")
    }
    tap(page, "SUDS 7")  # at the upper limit: a prompt
    banner = page.locator("#guard-banner")
    expect(banner).to_be_visible()
    expect(banner).to_be_in_viewport()
    for name, box in before.items():
        assert page.get_by_role("button", name=name, exact=True).bounding_box() == box, name
    tap(page, "Slow exhale")
    tap(page, "SUDS 5")
    expect(banner).to_be_hidden()
    assert page.get_by_role("button", name="SUDS 5", exact=True).bounding_box() == before["SUDS 5"]
    all_sent(page)
    sent = TimelineEvent.objects.filter(session=session).order_by("pk")
    assert [(e.kind, e.code, e.suds) for e in sent] == [
        ("suds", "", 7),
        ("guard", "at-upper-limit", None),  # the prompt is itself on the record
        ("grounding", "slow-exhale", None),
        ("suds", "", 5),
    ]


def test_the_chosen_region_outlives_a_reload(
    signed_in_page, practitioner, client_record, live_server
):
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    region = page.get_by_label("Applies to the next events until changed")
    region.select_option("upper_back")
    page.reload()
    expect(region).to_have_value("upper_back")
    tap(page, "Unwinding")
    all_sent(page)
    assert TimelineEvent.objects.get(session=session, code="unwinding").region == "upper_back"
