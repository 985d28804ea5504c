"""Body maps in a real browser: painting with mouse and touch, touch consent and overrides."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.models import Painting, RegionFinding
from somatrace.bodymaps.raster import rasterise, region_mask
from somatrace.bodymaps.services import painting_raster
from somatrace.bodymaps.testing import make_painting, stroke
from somatrace.clients.models import ConsentRecord, TouchConsentMap
from somatrace.testing import make_client, make_session
from somatrace.therapy.models import RegionWork, TouchOverride

from .axe import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args):
    """A device with both a mouse and a touch screen (a laptop with touch, a tablet)."""
    return {**browser_context_args, "has_touch": True}


def to_screen(page: Page, x: float, y: float) -> tuple[float, float]:
    """Atlas units (0-290, 0-580) to page coordinates on the painting canvas."""
    box = page.locator("#bm-canvas").bounding_box()
    assert box is not None
    return box["x"] + x / 290 * box["width"], box["y"] + y / 580 * box["height"]


def mouse_stroke(page: Page, points: list[tuple[float, float]]) -> None:
    page.mouse.move(*to_screen(page, *points[0]))
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*to_screen(page, *point), steps=8)
    page.mouse.up()


def touch_stroke(page: Page, points: list[tuple[float, float]]) -> None:
    """A finger drag through the DevTools protocol (real touch events, pointerType touch)."""
    cdp = page.context.new_cdp_session(page)
    screen = [to_screen(page, *p) for p in points]

    def touch(kind: str, x: float, y: float) -> None:
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [] if kind == "touchEnd" else [{"x": x, "y": y}]},
        )

    touch("touchStart", *screen[0])
    for (x0, y0), (x1, y1) in itertools.pairwise(screen):
        for k in range(1, 9):
            touch("touchMove", x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8)
    touch("touchEnd", *screen[-1])
    cdp.detach()  # let the browser finish the gesture before the next one


def test_painting_with_mouse_and_touch_on_both_views_undo_save_reload(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    session = make_session(client_record)
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": 1280, "height": 1300})  # the whole canvas on screen
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/bodymaps/sessions/{session.pk}/paint/pre/")
    expect(page.locator("#bm-paint[data-ready=true]")).to_have_count(1)
    assert serious_violations(page) == []

    # Front, stronger, mouse: across the chest (both halves).
    mouse_stroke(page, [(118, 150), (162, 150)])
    # Front, mouse: a stroke on the right thigh, then undone.
    mouse_stroke(page, [(112, 330), (114, 360)])
    expect(page.locator("#bm-undo")).to_be_enabled()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#bm-redo")).to_be_enabled()
    # Back, weaker, mouse: the client's left upper back (image left on the back view).
    page.get_by_role("tab", name="Back").click()
    expect(page.locator("#bm-side-left")).to_have_text("Your left")
    page.get_by_role("radio", name="Weaker / less").check()
    mouse_stroke(page, [(104, 120), (112, 132)])
    # Back, stronger, touch: the client's right lower back.
    page.get_by_role("radio", name="Stronger / more active").check()
    touch_stroke(page, [(150, 232), (156, 244)])
    # Front, touch: the left shin.
    page.get_by_role("tab", name="Front").click()
    touch_stroke(page, [(166, 450), (166, 480)])

    page.get_by_text("Emotions you notice (optional)").click()  # the section is folded
    page.get_by_label("Sadness").select_option("3")
    page.get_by_label("In your own words").fill("Heavy chest, back let go a bit")
    page.get_by_role("button", name="Save body map").click()
    page.wait_for_url(re.compile(r".*/bodymaps/paintings/\d+/$"))
    page.reload()
    assert errors == []

    painting = Painting.objects.get()
    strokes = painting.strokes["strokes"]
    assert [(s["view"], s["layer"]) for s in strokes] == [
        ("front", "stronger"),
        ("back", "weaker"),
        ("back", "stronger"),
        ("front", "stronger"),
    ]  # the undone thigh stroke is gone
    assert all(len(s["points"]) >= 2 for s in strokes)
    grid = painting_raster(painting)  # the stored raster
    assert painting.raster
    recomputed = rasterise(painting.strokes["strokes"], "female", painting.strokes["regions"])
    assert np.abs(grid - recomputed).max() <= 1 / 510 + 1e-6

    def painted(view: int, layer: int, code: str) -> float:
        mask = region_mask("female", ("front", "back")[view], code)
        return float((grid[view, layer][mask] > 0.05).mean())

    assert painted(0, 0, "f_chest_r") > 0 and painted(0, 0, "f_chest_l") > 0
    assert painted(1, 1, "b_upper_back_l") > 0 and painted(1, 1, "b_upper_back_r") == 0
    assert painted(1, 0, "b_lower_back_r") > 0 and painted(1, 0, "b_lower_back_l") == 0
    assert painted(0, 0, "f_shin_l") > 0
    assert painted(0, 0, "f_thigh_r") == 0
    assert np.isclose(grid[0, 0].max(), 1.0)  # mouse and touch without pressure: value 1

    table = page.locator("#bm-regions")
    for name in ("Right chest", "Left chest", "Left upper back", "Right lower back", "Left shin"):
        expect(table.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    expect(table.get_by_role("rowheader", name="Right thigh (front)", exact=True)).to_have_count(0)
    # The table on the page is the stored stats.
    stored = {
        code
        for code, v in painting.stats["regions"].items()
        if v["stronger_cov"] or v["weaker_cov"]
    }
    shown = set(
        page.locator("#bm-regions tbody tr").evaluate_all("rows => rows.map(r => r.dataset.region)")
    )
    assert shown == stored
    expect(page.get_by_text("Sadness (3/5)")).to_be_visible()
    assert page.locator("#bm-map-image").evaluate("img => img.complete && img.naturalWidth") == 580
    assert serious_violations(page) == []


def test_the_paint_page_fits_a_phone_and_saves_nothing_felt(
    signed_in_page, practitioner, client_record, live_server, page
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    signed_in_page(practitioner)
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    expect(page.locator("#bm-paint[data-ready=true]")).to_have_count(1)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    assert serious_violations(page) == []
    # Saving an empty painting is refused with a message, then "nothing particular" is saved.
    page.get_by_role("button", name="Save body map").click()
    expect(page.locator("#bm-status")).to_contain_text("Nothing was painted")
    page.get_by_label("I don't feel anything particular").check()
    page.get_by_role("button", name="Save body map").click()
    page.wait_for_url(re.compile(r".*/bodymaps/paintings/\d+/$"))
    expect(page.locator("#bm-nothing-felt")).to_be_visible()
    assert Painting.objects.get().nothing_felt


def test_keyboard_list_alternative_stores_region_entries(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    page.get_by_text("Choose regions from a list instead of painting").click()
    page.get_by_label("Region", exact=True).select_option("z_jaw")
    page.get_by_label("How much (1–5)").select_option("4")
    page.get_by_role("button", name="Add region").click()
    expect(page.locator("#bm-list-entries li")).to_contain_text(
        "Jaw: stronger / more active, 4 of 5"
    )
    page.get_by_role("button", name="Save body map").click()
    page.wait_for_url(re.compile(r".*/bodymaps/paintings/\d+/$"))
    painting = Painting.objects.get()
    assert painting.strokes["regions"] == [
        {"view": "front", "layer": "stronger", "region": "z_jaw", "intensity": 4}
    ]
    assert painting.stats["regions"]["z_jaw"]["stronger"] == pytest.approx(0.8)


def test_not_welcome_region_needs_an_override_that_is_audited(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    session = make_session(client_record)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/touch-consent/")
    assert serious_violations(page) == []
    region = page.locator('.bm-pick polygon.bm-region[data-region="f_groin_l"]')
    region.click()  # check in first -> not welcome
    expect(region).to_have_attribute("data-touch", "not_welcome")
    expect(page.locator("#touch-f_groin_l")).to_have_value("not_welcome")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Touch consent saved as version 1.")).to_be_visible()

    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    expect(page.locator("#bodymaps-session-panel")).to_contain_text("Left groin and lower belly")
    page.get_by_role("link", name="Body chart").click()
    expect(page.locator("#bm-not-welcome")).to_contain_text("Left groin and lower belly")
    assert serious_violations(page) == []
    page.locator('.bm-pick polygon.bm-region[data-region="f_groin_l"]').click()
    expect(page.locator("#id_work_region")).to_have_value("f_groin_l")
    page.get_by_role("button", name="Record work").click()
    expect(page.locator("#bm-work-form")).to_contain_text("marked this region “not welcome”")
    assert not RegionWork.objects.exists()

    page.get_by_label("Region worked on").select_option("f_groin_l")
    page.get_by_label("Override reason").fill("Client asked for work here today")
    page.get_by_role("button", name="Record work").click()
    expect(
        page.get_by_text("Recorded work on Left groin and lower belly with an override.")
    ).to_be_visible()
    expect(page.locator("#bm-work")).to_contain_text("Client asked for work here today")
    override = TouchOverride.objects.get()
    assert RegionWork.objects.get().override == override
    assert AuditEvent.objects.filter(
        actor=practitioner,
        action="create",
        object_type="therapy.touchoverride",
        object_id=override.pk,
    ).exists()


@pytest.mark.parametrize("width", [1280, 390])
def test_body_map_pages_pass_axe_and_fit_the_screen(
    signed_in_page, practitioner, owner, practice, client_record, live_server, page, width
) -> None:
    session = make_session(client_record)
    pre = make_painting(client_record, session=session, moment="pre",
                        strokes=[stroke([(95, 125), (105, 130)])])  # fmt: skip
    make_painting(client_record, session=session, moment="post")
    RegionFinding.objects.create(client=client_record, session=session, region="z_jaw",
                                 finding="held_tension", intensity=3, created_by=practitioner)  # fmt: skip
    TouchConsentMap.objects.create(
        client=client_record, version=1, regions={"f_foot_l": "not_welcome"}
    )
    for k in range(5):
        other = make_client(practice, practitioner, consented=True, name=f"Group Member{k}")
        make_painting(other)
    ConsentRecord.objects.update(research_use=True)
    page.set_viewport_size({"width": width, "height": 900})
    pages = {
        practitioner: [
            f"/clients/{client_record.pk}/",
            f"/sessions/{session.pk}/",
            f"/bodymaps/paintings/{pre.pk}/",
            f"/bodymaps/sessions/{session.pk}/compare/",
            f"/bodymaps/sessions/{session.pk}/chart/",
            f"/bodymaps/clients/{client_record.pk}/history/",
            f"/bodymaps/clients/{client_record.pk}/touch-consent/",
            f"/bodymaps/sessions/{session.pk}/paint/post/",
        ],
        owner: ["/bodymaps/research/", "/bodymaps/research/?moment=checkin&method=embody"],
    }
    checked = 0
    for user, paths in pages.items():
        page.context.clear_cookies()
        signed_in_page(user)
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert serious_violations(page) == [], path
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, f"{path} is {overflow}px wider than a {width}px screen"
            checked += 1
    assert checked == 10
    expect(page.locator("img.bm-map-image")).to_have_count(1)
    expect(page.locator("#bm-method")).to_contain_text("emBODY")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_difference_map_has_its_legend_and_words_on_a_phone(
    signed_in_page, practitioner, client_record, live_server, page, width
) -> None:
    session = make_session(client_record)
    make_painting(client_record, session=session, moment="pre",
                  strokes=[stroke([(95, 125), (105, 130)])])  # fmt: skip
    make_painting(client_record, session=session, moment="post")
    page.set_viewport_size({"width": width, "height": 900})
    signed_in_page(practitioner)
    page.goto(f"{live_server.url}/bodymaps/sessions/{session.pk}/compare/")
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    expect(page.locator("#bm-change-words")).to_contain_text("left chest")
    legend = page.locator("#bm-difference-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("purple = less or weaker after")
    bar = page.locator(".bm-scale-bar").evaluate("e => getComputedStyle(e).backgroundImage")
    assert "linear-gradient" in bar and "rgb(27, 120, 55)" in bar and "rgb(118, 42, 131)" in bar


def test_stylus_pressure_is_recorded_and_rasterised(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    expect(page.locator("#bm-paint[data-ready=true]")).to_have_count(1)
    cdp = page.context.new_cdp_session(page)
    points = [to_screen(page, 120 + k * 5, 230) for k in range(9)]  # across the abdomen

    def pen(kind: str, x: float, y: float, force: float) -> None:
        cdp.send(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": x, "y": y, "button": "left", "buttons": 1 if kind != "mouseReleased" else 0,
             "clickCount": 1, "pointerType": "pen", "force": force},
        )  # fmt: skip

    pen("mousePressed", *points[0], 0.3)
    for x, y in points[1:]:
        pen("mouseMoved", x, y, 0.3)
    pen("mouseReleased", *points[-1], 0.0)
    cdp.detach()
    page.get_by_role("button", name="Save body map").click()
    page.wait_for_url(re.compile(r".*/bodymaps/paintings/\d+/$"))
    painting = Painting.objects.get()
    pressures = {p[2] for s in painting.strokes["strokes"] for p in s["points"]}
    assert pressures and all(abs(p - 0.3) < 0.02 for p in pressures if p > 0)
    grid = painting_raster(painting)
    # value = 0.3 + 0.7 * 0.3 = 0.51 (stored as levels of 1/255)
    assert grid[0, 0].max() == pytest.approx(0.51, abs=0.02)
