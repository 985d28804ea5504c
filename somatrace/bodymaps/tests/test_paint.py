"""The paint page and its JSON endpoint: works, validates strictly, checks ownership, audits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps import payload as limits
from somatrace.bodymaps import raster
from somatrace.bodymaps.models import Painting
from somatrace.bodymaps.testing import payload, stroke
from somatrace.testing import make_session


def post(browser, url, data):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return browser.post(url, body, content_type="application/json")


@pytest.fixture
def session(client_record):
    return make_session(client_record)


def test_the_paint_page_shows_the_atlas_and_tools(login, practitioner, client_record) -> None:
    response = login(practitioner).get(f"/bodymaps/clients/{client_record.pk}/paint/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-region="f_shoulder_r"' in html and 'data-region="b_upper_back_l"' in html
    assert "Stronger / more active" in html and "Weaker / less" in html
    assert "I don&#x27;t feel anything particular" in html or "I don't feel anything" in html
    assert AuditEvent.objects.filter(actor=practitioner, client_id=client_record.pk).exists()


def test_a_checkin_painting_is_stored_rasterised_and_audited(
    login, practitioner, client_record
) -> None:
    data = payload(
        emotions=[{"code": "sadness", "intensity": 3}],
        words="Heavy chest",
        regions=[{"view": "back", "layer": "weaker", "region": "z_spine", "intensity": 2}],
    )
    response = post(login(practitioner), f"/bodymaps/clients/{client_record.pk}/paint/", data)
    assert response.status_code == 201
    painting = Painting.objects.get()
    assert response.json()["url"] == f"/bodymaps/paintings/{painting.pk}/"
    assert painting.moment == "checkin" and painting.session is None
    assert painting.raster_version == "r1" and painting.atlas_version == "choir-1"
    assert painting.strokes["strokes"][0]["points"][0][:2] == pytest.approx([120 / 290, 150 / 580])
    assert painting.emotions == [{"code": "sadness", "intensity": 3}]
    # The stroke crosses the chest (x 120-160 at y 150): both chest halves are painted.
    regions = painting.stats["regions"]
    assert regions["f_chest_r"]["stronger_cov"] > 0 and regions["f_chest_l"]["stronger_cov"] > 0
    assert regions["z_spine"]["weaker"] == pytest.approx(0.4)  # intensity 2 of 5
    assert regions["f_foot_r"]["stronger_cov"] == 0
    assert AuditEvent.objects.filter(
        actor=practitioner, action="create", object_type="bodymaps.painting"
    ).exists()


@pytest.mark.parametrize("moment", ["pre", "post"])
def test_session_paintings_attach_to_the_session(login, practitioner, session, moment) -> None:
    browser = login(practitioner)
    assert browser.get(f"/bodymaps/sessions/{session.pk}/paint/{moment}/").status_code == 200
    response = post(browser, f"/bodymaps/sessions/{session.pk}/paint/{moment}/", payload())
    assert response.status_code == 201
    painting = Painting.objects.get()
    assert painting.session == session and painting.moment == moment


def test_nothing_felt_is_a_real_answer(login, practitioner, client_record) -> None:
    response = post(
        login(practitioner),
        f"/bodymaps/clients/{client_record.pk}/paint/",
        payload(strokes=[], nothing_felt=True),
    )
    assert response.status_code == 201
    assert Painting.objects.get().nothing_felt


MILLION = [[0.5, 0.5, 1.0, 0]] * 1_000_000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        ([], "must be an object"),
        (payload(atlas_version="choir-99"), "atlas version"),
        (payload(body_shape="robot"), "body outline"),
        (payload(strokes="lots"), "must be a list"),
        (
            payload(strokes=[{**stroke([(100, 100)]), "points": [["a", 0.1, 1, 0]]}]),
            "must be a number",
        ),
        (
            payload(strokes=[{**stroke([(100, 100)]), "points": [[1.5, 0.1, 1, 0]]}]),
            "between 0 and 1",
        ),
        (
            payload(strokes=[{**stroke([(100, 100)]), "points": [[-0.1, 0.1, 1, 0]]}]),
            "between 0 and 1",
        ),
        (
            payload(strokes=[{**stroke([(100, 100)]), "points": [[True, 0.1, 1, 0]]}]),
            "must be a number",
        ),
        (
            payload(strokes=[{**stroke([(100, 100)]), "points": [[0.1, 0.1]]}]),
            "[x, y, pressure, time]",
        ),
        (payload(strokes=[stroke([(100, 100)], layer="louder")]), "layer"),
        (payload(strokes=[stroke([(100, 100)], radius=500)]), "brush size"),
        (
            payload(strokes=[{**stroke([(100, 100)]), "points": [[0.5, 0.5, 1, 0]] * 20_001}]),
            "more than 20000",
        ),
        (payload(strokes=[{**stroke([(100, 100)]), "colour": "red"}]), "unknown fields"),
        (
            payload(
                regions=[
                    {"view": "front", "layer": "stronger", "region": "b_sole_l", "intensity": 3}
                ]
            ),
            "not on the front",
        ),
        (
            payload(
                regions=[
                    {"view": "front", "layer": "stronger", "region": "f_foot_l", "intensity": 9}
                ]
            ),
            "1 to 5",
        ),
        (payload(emotions=[{"code": "ennui", "intensity": 2}]), "Emotion 1"),
        (payload(words=7), "words"),
        (payload(strokes=[]), "Nothing was painted"),
        (payload(nothing_felt=True), "also painted"),
    ],
)
def test_malformed_payloads_get_a_clear_400_and_store_nothing(
    login, practitioner, client_record, data, message
) -> None:
    response = post(login(practitioner), f"/bodymaps/clients/{client_record.pk}/paint/", data)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Painting.objects.exists()


def test_a_million_points_is_refused_before_parsing(login, practitioner, client_record) -> None:
    data = payload(strokes=[{**stroke([(100, 100)]), "points": MILLION}])
    response = post(login(practitioner), f"/bodymaps/clients/{client_record.pk}/paint/", data)
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert not Painting.objects.exists()


def test_deeply_nested_json_is_a_400_not_a_500(login, practitioner, client_record) -> None:
    raw = "[" * 200_000 + "]" * 200_000
    response = post(login(practitioner), f"/bodymaps/clients/{client_record.pk}/paint/", raw)
    assert response.status_code == 400
    assert not Painting.objects.exists()


def test_nan_coordinates_are_refused(login, practitioner, client_record) -> None:
    raw = json.dumps(payload()).replace("0.41379310344827586", "NaN", 1)
    assert "NaN" in raw
    response = post(login(practitioner), f"/bodymaps/clients/{client_record.pk}/paint/", raw)
    assert response.status_code == 400
    assert not Painting.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, client_record, session, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    for url in (
        f"/bodymaps/clients/{client_record.pk}/paint/",
        f"/bodymaps/sessions/{session.pk}/paint/pre/",
        f"/bodymaps/sessions/{session.pk}/paint/post/",
    ):
        assert browser.get(url).status_code in (403, 404)
        assert post(browser, url, payload()).status_code in (403, 404)
    assert not Painting.objects.exists()
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()


def test_the_painter_takes_its_limits_from_the_server_not_a_copy(
    login, practitioner, client_record
) -> None:
    page = login(practitioner).get(f"/bodymaps/clients/{client_record.pk}/paint/").content.decode()
    config = json.loads(re.search(r'id="bm-config"[^>]*>(.*?)</script>', page).group(1))
    assert config["maxPoints"] == limits.MAX_POINTS == 20_000
    assert config["pressureFloor"] == raster.PRESSURE_FLOOR
    assert (config["width"], config["height"]) == (290, 580)
    script = (Path(raster.__file__).parent.parent / "static/js/bodymaps/paint.js").read_text()
    assert "20000" not in script and "290" not in script and "#D55E00" not in script
