"""Research view: owners only, consenting clients only, de-identified, minimum group size."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from somatrace.bodymaps.analysis import MIN_GROUP
from somatrace.bodymaps.testing import make_painting, stroke
from somatrace.clients.models import ConsentRecord
from somatrace.testing import make_client


def embody_demo_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "embody_demo" / "984332"


def consenting(practice, practitioner, n, *, research=True):
    clients = []
    for k in range(n):
        client = make_client(practice, practitioner, consented=True, name=f"Research Person{k}")
        ConsentRecord.objects.filter(client=client).update(research_use=research)
        clients.append(client)
    return clients


def test_too_small_a_group_is_refused(login, owner, practice, practitioner) -> None:
    for client in consenting(practice, practitioner, MIN_GROUP - 1):
        make_painting(client)
    response = login(owner).get("/bodymaps/research/")
    assert response.status_code == 200
    assert response.context["n"] == MIN_GROUP - 1
    assert "needs at least" in response.content.decode()
    assert login(owner).get("/bodymaps/research/map.png").status_code == 404


def test_only_consenting_clients_count_and_no_names_are_shown(
    login, owner, practice, practitioner
) -> None:
    chest = stroke([(120, 150), (160, 150)], radius=14)
    for client in consenting(practice, practitioner, 6):
        make_painting(client, strokes=[chest])
    for client in consenting(practice, practitioner, 3, research=False):
        make_painting(client, strokes=[stroke([(115, 340), (115, 360)])])
    response = login(owner).get("/bodymaps/research/")
    assert response.context["n"] == 6
    html = response.content.decode()
    assert "Research Person" not in html
    rows = {r["name"]: r for r in response.context["rows"]}
    assert rows["Left chest"]["stronger"] == 100
    assert "Right thigh (front)" not in rows or rows["Right thigh (front)"]["stronger"] == 0
    image = Image.open(io.BytesIO(login(owner).get("/bodymaps/research/map.png").content)).convert(
        "RGB"
    )
    # Everyone painted the chest centre with value 1: zero variance, the most unanimous
    # pixels; as in emBODY they are significant (t = +Inf passes any threshold).
    assert image.size[0] == 580
    r, _, b = image.getpixel((130, 22 + 150))
    assert r > b + 40


def test_group_map_shows_significant_pixels(login, owner, practice, practitioner) -> None:
    for k, client in enumerate(consenting(practice, practitioner, 6)):
        # Different pressures give variance, all positive: significant stronger on the chest.
        pts = [
            [120 / 290, 150 / 580, 0.2 + 0.15 * k, 0],
            [160 / 290, 150 / 580, 0.2 + 0.15 * k, 10],
        ]
        make_painting(
            client,
            strokes=[
                {"view": "front", "layer": "stronger", "mode": "paint", "radius": 14, "points": pts}
            ],
        )
    image = Image.open(io.BytesIO(login(owner).get("/bodymaps/research/map.png").content)).convert(
        "RGB"
    )
    r, _, b = image.getpixel((130, 22 + 150))  # x 140 is the midline outline
    assert r > b + 40  # orange-red: significantly stronger
    r, _, b = image.getpixel((115, 22 + 350))  # the thigh: nobody painted it
    assert abs(r - b) < 12


@pytest.mark.parametrize("who", ["practitioner", "colleague", "assistant", "outsider"])
def test_only_owners_of_the_practice_see_it(request, login, practice, practitioner, who) -> None:
    for client in consenting(practice, practitioner, 6):
        make_painting(client)
    browser = login(request.getfixturevalue(who))
    response = browser.get("/bodymaps/research/")
    if who == "outsider":  # owner of another practice: sees an empty group of their own
        assert response.status_code == 200 and response.context["n"] == 0
    else:
        assert response.status_code == 403
        assert browser.get("/bodymaps/research/map.png").status_code == 403


def test_paired_mode_tests_the_change_within_sessions(login, owner, practice, practitioner) -> None:
    from somatrace.testing import make_session

    for k, client in enumerate(consenting(practice, practitioner, 6)):
        session = make_session(client)
        # Before: the right shoulder held; after: chest warm, at varying strength.
        make_painting(client, session=session, moment="pre",
                      strokes=[stroke([(95, 125), (105, 130)], radius=8)])  # fmt: skip
        pts = [[120 / 290, 150 / 580, 0.2 + 0.15 * k, 0], [160 / 290, 150 / 580, 0.2 + 0.15 * k, 9]]
        make_painting(client, session=session, moment="post", strokes=[
            {"view": "front", "layer": "stronger", "mode": "paint", "radius": 14, "points": pts}
        ])  # fmt: skip
    browser = login(owner)
    response = browser.get("/bodymaps/research/?moment=paired")
    assert response.context["n"] == 6 and response.context["paired"]
    rows = {r["name"]: r for r in response.context["rows"]}
    assert rows["Left chest"]["stronger"] == 100  # stronger after for everyone
    assert rows["Right shoulder (front)"]["weaker"] == 100  # less after for everyone
    image = Image.open(io.BytesIO(browser.get("/bodymaps/research/map.png?moment=paired").content))
    r, _, b = image.convert("RGB").getpixel((130, 22 + 150))
    assert r > b + 40  # chest: significantly stronger after


def test_the_page_says_which_method_it_used(login, owner, practice, practitioner) -> None:
    for k, client in enumerate(consenting(practice, practitioner, 6)):
        pts = [[120 / 290, 150 / 580, 0.2 + 0.15 * k, 0], [160 / 290, 150 / 580, 0.2 + 0.15 * k, 9]]
        make_painting(client, moment="pre", strokes=[
            {"view": "front", "layer": "stronger", "mode": "paint", "radius": 14, "points": pts}
        ])  # fmt: skip
    browser = login(owner)
    html = browser.get("/bodymaps/research/?moment=pre").content.decode()
    assert "Two-sided t-tests, Benjamini–Hochberg over this map" in html
    html = browser.get("/bodymaps/research/?moment=pre&method=embody").content.decode()
    # The set: one map per moment with enough people (only "before" here), both views.
    assert (
        "emBODY&#x27;s method: one-sided t-tests, one Benjamini–Hochberg correction over 2 maps"
        in html
    )
    assert "method=embody" in html
    image = browser.get("/bodymaps/research/map.png?moment=pre&method=embody")
    assert image.status_code == 200
    r, _, b = Image.open(io.BytesIO(image.content)).convert("RGB").getpixel((130, 22 + 150))
    assert r > b + 40
    assert browser.get("/bodymaps/research/?method=nonsense").status_code == 200


def test_imported_emBODY_maps_are_tested_per_stimulus_pooled(
    login, owner, practice, practitioner
) -> None:
    from somatrace.bodymaps import embody
    from somatrace.bodymaps.services import import_embody
    from somatrace.testing import system_actor

    demo = embody.read_recording(
        (embody_demo_dir() / "1.csv").read_text()
    )  # Fear, painted by the demo participant
    rng = np.random.default_rng(16)
    actor = system_actor(practice)
    for client in consenting(practice, practitioner, 6):
        for stimulus in ("Fear", "Anger"):
            jitter = rng.normal(0, 2, (len(demo.points), 2))
            points = tuple(
                (t, x + dx, y + dy) for (t, x, y), (dx, dy) in zip(demo.points, jitter, strict=True)
            )
            import_embody(
                actor, client, embody.Recording(points), stimulus=stimulus, source="x.csv"
            )
    browser = login(owner)
    html = browser.get(
        "/bodymaps/research/?shape=embody&method=embody&stimulus=Anger"
    ).content.decode()
    assert "correction over 2 maps (Fear, Anger; 1 view each)" in html
    assert "no CHOIR regions" in html
    image = browser.get("/bodymaps/research/map.png?shape=embody&method=embody&stimulus=Anger")
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).size[0] == 290
