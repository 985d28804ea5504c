"""The painter in a real browser, at phone and laptop size: paint shows wherever it is saved
(also inside the somatic zones), choosing the other body outline keeps the painting, and the
client paints on the handed-over tablet (kiosk) or through a secure link."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.atlas import VIEWS, ZONE_CODES
from somatrace.bodymaps.models import Handover, Painting
from somatrace.bodymaps.raster import body_mask, zone_masks
from somatrace.bodymaps.services import painting_raster
from somatrace.testing import make_session

from .axe import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SHAPE_LABEL = {"female": "Body outline A (CHOIR female)", "male": "Body outline B (CHOIR male)"}
# Screenshots to look at, when SOMATRACE_SCREENSHOTS names a directory (none are taken in CI).
SHOTS = os.environ.get("SOMATRACE_SCREENSHOTS", "")


@pytest.fixture
def browser_context_args(browser_context_args):
    """A device with both a mouse and a touch screen (a laptop with touch, a tablet)."""
    return {**browser_context_args, "has_touch": True}


def shot(target: Any, name: str, *, full_page: bool = False) -> None:
    """A screenshot of a page or a locator into SOMATRACE_SCREENSHOTS, if set."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    options = {"full_page": True} if full_page else {}
    target.screenshot(path=str(Path(SHOTS) / name), **options)


def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def ready(page: Page) -> None:
    expect(page.locator("#bm-paint[data-ready=true]")).to_have_count(1)
    # The whole canvas on screen below the sticky top bar (it is shorter than both screens),
    # as a person scrolls to it.
    page.locator("#bm-canvas").evaluate(
        """c => {
          const bar = document.querySelector(".topbar");
          const top = bar ? bar.getBoundingClientRect().bottom : 0;
          window.scrollBy(0, c.getBoundingClientRect().top - top - 4);
        }"""
    )


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
        for k in range(1, 7):
            touch("touchMove", x0 + (x1 - x0) * k / 6, y0 + (y1 - y0) * k / 6)
    touch("touchEnd", *screen[-1])
    cdp.detach()


def stroke(page: Page, points: list[tuple[float, float]], *, touch: bool) -> None:
    (touch_stroke if touch else mouse_stroke)(page, points)


# What the canvas shows at every atlas pixel: "t" nothing (transparent), "b" the body, "p"
# stronger paint over the body, "o" anything else. Read after the next frame. A raster pixel
# i is centred on atlas coordinate i (raster.py rounds dab centres to it), canvas pixel
# i x scale starts there.
READ_CANVAS = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const canvas = document.getElementById("bm-canvas");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const scale = canvas.width / 290;
  let out = "";
  for (let y = 0; y < 580; y++) {
    for (let x = 0; x < 290; x++) {
      const i = (Math.round(y * scale) * canvas.width + Math.round(x * scale)) * 4;
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a < 128) out += "t";
      else if (r > 200 && g > 200 && b > 200) out += "b";
      else if (r > 150 && b < 140) out += "p";
      else out += "o";
    }
  }
  return out;
}"""


def read_canvas(page: Page) -> np.ndarray:
    """The canvas as one letter per atlas pixel, shape (580, 290)."""
    text = page.evaluate(READ_CANVAS)
    return np.array(list(text)).reshape(580, 290)


def erode(mask: np.ndarray, n: int) -> np.ndarray:
    """Pixels at least n steps inside the mask (the edges are anti-aliased on the canvas)."""
    out = mask.copy()
    for _ in range(n):
        out = out & np.roll(out, 1, 0) & np.roll(out, -1, 0) & np.roll(out, 1, 1)
        out = out & np.roll(out, -1, 1)
    return out


def assert_canvas_shows_the_saved_map(canvas: np.ndarray, saved: np.ndarray, shape: str, view: str):
    """The canvas shows the body everywhere inside the silhouette (no hole), paint exactly
    where the stored raster has it, and no paint where it has none (2 px from every edge)."""
    inside = erode(body_mask(shape, view), 2)
    holes = int(((canvas == "t") & inside).sum())
    assert holes == 0, f"{holes} pixels of the {view} body show neither body nor paint"
    painted, blank = erode(saved, 2) & inside, erode(~saved, 2) & inside
    assert painted.any()
    missing = int((painted & (canvas != "p")).sum())
    assert missing == 0, f"{missing} saved pixels of the {view} view are not painted on screen"
    extra = int((blank & (canvas != "b")).sum())
    assert extra == 0, f"{extra} pixels of the {view} view are painted on screen, not saved"


# --- Paint shows everywhere it is saved, inside the zones too ---------------------------------


@pytest.mark.parametrize(
    ("size", "shape"),
    [(LAPTOP, "female"), (LAPTOP, "male"), (PHONE, "female"), (PHONE, "male")],
    ids=["laptop-A", "laptop-B", "phone-A", "phone-B"],
)
def test_paint_shows_inside_the_heart_throat_and_diaphragm_zones(
    signed_in_page, practitioner, client_record, live_server, size, shape
) -> None:
    page = signed_in_page(practitioner)
    errors = console_errors(page)
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    page.get_by_role("radio", name=SHAPE_LABEL[shape]).check()
    ready(page)
    touch = size is PHONE  # a finger on the phone, the mouse on the laptop
    page.locator("#bm-radius").fill("12")
    canvases = {}
    for view in VIEWS:
        page.get_by_role("tab", name=view.capitalize()).click()
        ready(page)
        # Side-to-side strokes 14 units apart with a 12-unit brush: head to pelvis, covered.
        for y in range(10, 320, 14):
            stroke(page, [(88, y), (202, y)], touch=touch)
        canvases[view] = read_canvas(page)
        shot(page.locator("#bm-stage"), f"zones-{shape}-{view}-{size['width']}.png")
        # Every zone (the heart, throat and diaphragm the client saw hidden, and the others)
        # shows the paint all over.
        hidden = {}
        for code in ZONE_CODES[view]:
            zone = erode(zone_masks(shape, view)[code], 1) & erode(body_mask(shape, view), 2)
            shown = float((canvases[view][zone] == "p").mean())
            if shown < 1:
                hidden[code] = f"{shown:.0%} shown"
        assert hidden == {}, f"{view}: paint hidden in {hidden}"
    page.get_by_role("button", name="Save body map").click()
    page.wait_for_url(re.compile(r".*/bodymaps/paintings/\d+/$"))

    painting = Painting.objects.get()
    assert painting.body_shape == shape
    grid = painting_raster(painting)
    for v, view in enumerate(VIEWS):
        saved = grid[v, 0] > 0
        for code in ZONE_CODES[view]:  # ...and stored there
            zone = zone_masks(shape, view)[code]
            assert saved[erode(zone, 1)].all(), code
        assert_canvas_shows_the_saved_map(canvases[view], saved, shape, view)
    assert errors == []


# --- Choosing the other body outline keeps the painting ------------------------------------


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_choosing_the_other_outline_keeps_what_was_painted(
    signed_in_page, practitioner, client_record, live_server, size
) -> None:
    page = signed_in_page(practitioner)
    errors = console_errors(page)
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    ready(page)
    touch = size is PHONE
    stroke(page, [(118, 150), (162, 150)], touch=touch)  # across the chest
    stroke(page, [(166, 450), (166, 480)], touch=touch)  # the left shin
    page.get_by_role("tab", name="Back").click()
    ready(page)
    stroke(page, [(104, 120), (112, 132)], touch=touch)  # upper back
    page.get_by_role("tab", name="Front").click()
    ready(page)
    on_a = read_canvas(page)
    assert (on_a == "p").sum() > 500

    # By keyboard: the arrow key moves to outline B, as with any radio group.
    outline_a = page.get_by_role("radio", name=SHAPE_LABEL["female"])
    outline_a.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name=SHAPE_LABEL["male"])).to_be_checked()
    expect(page.locator("#bm-status")).to_have_text(
        "Body outline B (CHOIR male) chosen. What you painted is kept on it."
    )
    expect(page.locator('.bm-outline[data-shape="male"][data-view="front"]')).to_be_visible()
    expect(page.locator('.bm-outline[data-shape="female"][data-view="front"]')).to_be_hidden()
    ready(page)
    shot(page.locator("#bm-stage"), f"outline-b-kept-{size['width']}.png")
    on_b = read_canvas(page)
    assert (on_b == "p").sum() > 500  # still painted, now on outline B
    assert serious_violations(page) == []

    # Back to A and the screen is exactly as it was; then B again, and save.
    page.keyboard.press("ArrowLeft")
    expect(outline_a).to_be_checked()
    assert (read_canvas(page) == on_a).all()
    page.get_by_role("radio", name=SHAPE_LABEL["male"]).check()
    page.get_by_role("tab", name="Back").click()
    ready(page)
    back_b = read_canvas(page)
    page.get_by_role("button", name="Save body map").click()
    page.wait_for_url(re.compile(r".*/bodymaps/paintings/\d+/$"))

    painting = Painting.objects.get()
    assert painting.body_shape == "male"
    assert [(s["view"], s["layer"]) for s in painting.strokes["strokes"]] == [
        ("front", "stronger"),
        ("front", "stronger"),
        ("back", "stronger"),
    ]
    grid = painting_raster(painting)
    assert_canvas_shows_the_saved_map(on_b, grid[0, 0] > 0, "male", "front")
    assert_canvas_shows_the_saved_map(back_b, grid[1, 0] > 0, "male", "back")
    regions = painting.stats["regions"]
    assert regions["f_chest_r"]["stronger_cov"] > 0 and regions["f_chest_l"]["stronger_cov"] > 0
    assert regions["f_shin_l"]["stronger_cov"] > 0
    assert errors == []


# --- The client paints on the handed-over tablet ----------------------------------------------


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_kiosk_the_client_paints_saves_and_the_tablet_locks_back(
    signed_in_page, practitioner, practice, client_record, live_server, size
) -> None:
    session = make_session(client_record)
    page = signed_in_page(practitioner)
    errors = console_errors(page)
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/bodymaps/sessions/{session.pk}/paint/pre/")
    expect(page.get_by_role("heading", name="Let the client paint on their own")).to_be_visible()
    page.get_by_role("button", name="Hand the tablet to the client").click()

    page.wait_for_url(f"{live_server.url}/bodymaps/kiosk/")
    expect(page.get_by_role("heading", name="Your body map: before the session")).to_be_visible()
    expect(page.get_by_text("Kiosk mode — only this body map is open")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    html = page.content()
    assert client_record.name not in html and client_record.display_name not in html
    assert practitioner.full_name not in html
    assert serious_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    shot(page, f"kiosk-{size['width']}.png", full_page=True)

    ready(page)
    stroke(page, [(118, 150), (162, 150)], touch=size is PHONE)
    page.get_by_label("In your own words").fill("Warm chest")
    page.get_by_role("button", name="Save body map").click()
    expect(
        page.get_by_role("heading", name="Thank you — please hand the tablet back")
    ).to_be_visible()
    assert serious_violations(page) == []
    shot(page, f"kiosk-thanks-{size['width']}.png", full_page=True)

    painting = Painting.objects.get()
    assert (painting.session, painting.moment, painting.words) == (session, "pre", "Warm chest")
    assert painting.stats["regions"]["f_chest_r"]["stronger_cov"] > 0
    handover = Handover.objects.get()
    assert handover.used_at is not None and handover.painting == painting
    created = AuditEvent.objects.get(action="create", object_type="bodymaps.painting")
    assert (created.actor, created.actor_kind, created.practice_id, created.client_id) == (
        None,
        "link",
        practice.pk,
        client_record.pk,
    )

    # Every other page needs the practitioner's login again; the painter is gone too.
    for path in (
        "/",
        f"/clients/{client_record.pk}/",
        f"/sessions/{session.pk}/",
        f"/bodymaps/paintings/{painting.pk}/",
        f"/bodymaps/sessions/{session.pk}/paint/pre/",
        "/bodymaps/kiosk/",
    ):
        page.goto(live_server.url + path)
        expect(page).to_have_url(re.compile(r"/login/"))
        assert client_record.name not in page.content()
    assert errors == []


# --- The client paints through a secure link on their phone ----------------------------------


def test_secure_link_made_shown_as_qr_painted_once_on_a_phone_then_dead(
    signed_in_page, practitioner, client_record, live_server, browser
) -> None:
    page = signed_in_page(practitioner)
    errors = console_errors(page)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    page.get_by_role("button", name="Make a link for the client").click()
    expect(page.get_by_role("heading", name=re.compile("Body-map link for"))).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    assert serious_violations(page) == []
    shot(page, "link-made-1280.png", full_page=True)
    url = page.get_by_label("Link").input_value()
    token = re.fullmatch(r".*/p/([A-Za-z0-9_-]{40,})/", url).group(1)

    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    client_page = phone.new_page()
    client_errors = console_errors(client_page)
    client_page.goto(url)
    expect(client_page.get_by_role("heading", name="Your body map: check-in")).to_be_visible()
    expect(client_page.get_by_text("Kiosk mode")).to_have_count(0)
    assert client_record.name not in client_page.content()
    assert serious_violations(client_page) == []
    ready(client_page)
    stroke(client_page, [(130, 230), (150, 240)], touch=True)  # the belly
    client_page.get_by_role("button", name="Save body map").click()
    expect(client_page.get_by_role("heading", name="Thank you", exact=True)).to_be_visible()
    shot(client_page, "link-thanks-390.png", full_page=True)
    painting = Painting.objects.get()
    assert painting.moment == "checkin" and painting.created_by is None

    assert client_errors == []
    client_page.goto(url)  # used: dead (the 404 of the page itself is the one console error)
    expect(client_page.get_by_role("heading", name="This link is not available")).to_be_visible()
    assert serious_violations(client_page) == []
    shot(client_page, "link-dead-390.png", full_page=True)
    phone.close()

    # The practitioner's page says the link was used and leads to the map.
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    handovers = page.get_by_role("list", name="Hand-overs of this body map")
    expect(handovers).to_contain_text("Secure link")
    handovers.get_by_role("link", name="see the map").click()
    page.wait_for_url(f"{live_server.url}/bodymaps/paintings/{painting.pk}/")
    assert not any(token in repr(row) for row in AuditEvent.objects.values())
    assert errors == []


def test_revoking_a_link_in_the_browser(
    signed_in_page, practitioner, client_record, live_server, browser
) -> None:
    page = signed_in_page(practitioner)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/bodymaps/clients/{client_record.pk}/paint/")
    page.get_by_role("button", name="Make a link for the client").click()
    url = page.get_by_label("Link").input_value()
    page.get_by_role("link", name="Back to the body map").click()
    assert serious_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.get_by_role("button", name="Revoke link").click()
    expect(page.get_by_text("The link no longer works.")).to_be_visible()
    expect(page.get_by_role("list", name="Hand-overs of this body map")).to_contain_text("revoked")
    other = browser.new_context(viewport=PHONE)
    dead = other.new_page()
    dead.goto(url)
    expect(dead.get_by_role("heading", name="This link is not available")).to_be_visible()
    other.close()
