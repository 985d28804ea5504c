"""Before / after comparison of a session's body maps."""

from __future__ import annotations

import numpy as np
import pytest

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.testing import make_painting, stroke
from somatrace.testing import make_session


@pytest.fixture
def session(client_record):
    session = make_session(client_record)
    # Before: strong tension over the client's right shoulder (front view, image left).
    make_painting(
        client_record,
        session=session,
        moment="pre",
        strokes=[stroke([(95, 125), (105, 130)], radius=12)],
    )
    # After: warmth across the chest instead.
    make_painting(
        client_record,
        session=session,
        moment="post",
        strokes=[stroke([(120, 150), (160, 150)], radius=12)],
    )
    return session


def test_it_compares_before_and_after(login, practitioner, session) -> None:
    response = login(practitioner).get(f"/bodymaps/sessions/{session.pk}/compare/")
    assert response.status_code == 200
    rows = {r["name"]: r for r in response.context["rows"]}
    assert rows["Right shoulder (front)"]["change"] < 0  # less after
    assert rows["Right shoulder (front)"]["before"] > 0
    assert rows["Left chest"]["change"] > 0  # more after
    assert response.context["overlap"]["weaker"] == 100  # both empty: identical
    assert 0 <= response.context["overlap"]["stronger"] < 100
    assert f"/bodymaps/sessions/{session.pk}/difference.png" in response.content.decode()


def test_difference_image_is_served_and_audited(login, practitioner, session) -> None:
    response = login(practitioner).get(f"/bodymaps/sessions/{session.pk}/difference.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(actor=practitioner, object_id=session.pk).exists()


def test_without_both_maps_it_offers_to_paint(login, practitioner, client_record) -> None:
    session = make_session(client_record)
    browser = login(practitioner)
    response = browser.get(f"/bodymaps/sessions/{session.pk}/compare/")
    assert response.status_code == 200
    assert f"/bodymaps/sessions/{session.pk}/paint/pre/" in response.content.decode()
    assert browser.get(f"/bodymaps/sessions/{session.pk}/difference.png").status_code == 404


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, client_record, session, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    for url in (
        f"/bodymaps/sessions/{session.pk}/compare/",
        f"/bodymaps/sessions/{session.pk}/difference.png",
    ):
        assert browser.get(url).status_code in (403, 404)
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()


def test_the_difference_map_has_its_own_scale_legend_and_words(
    login, practitioner, session
) -> None:
    import io

    from PIL import Image

    browser = login(practitioner)
    html = browser.get(f"/bodymaps/sessions/{session.pk}/compare/").content.decode()
    # In words: the chest gained, the right shoulder lost.
    words = html.split('id="bm-change-words">')[1].split("</p>")[0]
    assert "More or stronger sensation after the session in" in words
    assert "left chest" in words.split(";")[0] and "right shoulder (front)" in words.split(";")[1]
    assert 'id="bm-difference-legend"' in html and "green = more or stronger after" in html
    image = Image.open(
        io.BytesIO(browser.get(f"/bodymaps/sessions/{session.pk}/difference.png").content)
    )
    rgb = np.asarray(image.convert("RGB")).reshape(-1, 3)
    pixels = set(map(tuple, rgb.tolist()))
    # Neither the painting's vermillion (213, 94, 0) nor its blue (0, 114, 178) appears; the
    # chest (more after) is green-dominant, the shoulder (less after) purple-dominant.
    assert (213, 94, 0) not in pixels and (0, 114, 178) not in pixels
    r, g, b = image.convert("RGB").getpixel((140 - 5, 22 + 150))
    assert g > r and g > b
    r, g, b = image.convert("RGB").getpixel((100, 22 + 127))
    assert r > g and b > g
