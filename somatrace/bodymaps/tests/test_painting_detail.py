"""Painting detail page and its PNG / SVG images."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.testing import make_painting, stroke


@pytest.fixture
def painting(client_record):
    # Weaker on the client's left upper back (back view, image left side).
    return make_painting(
        client_record,
        strokes=[stroke([(105, 125), (115, 125)], view="back", layer="weaker", radius=6)],
        emotions=[{"code": "fear", "intensity": 4}],
        words="Tight between the shoulder blades",
    )


def test_it_shows_the_map_coverage_and_region_table(login, practitioner, painting) -> None:
    response = login(practitioner).get(f"/bodymaps/paintings/{painting.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/bodymaps/paintings/{painting.pk}/map.png" in html
    assert "Left upper back" in html and "Right upper back" not in html
    assert "Fear (4/5)" in html and "Tight between the shoulder blades" in html
    assert AuditEvent.objects.filter(
        actor=practitioner, action="read", object_type="bodymaps.painting", object_id=painting.pk
    ).exists()


def test_png_is_an_image_with_paint_where_painted(login, practitioner, painting) -> None:
    response = login(practitioner).get(f"/bodymaps/paintings/{painting.pk}/map.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.size == (580, 22 + 580 + 22)
    # Back view panel starts at x=290; the stroke centre is at (110, 125) + header 22.
    r, g, b = image.getpixel((290 + 110, 22 + 125))
    assert b > r  # blue = weaker
    r, g, b = image.getpixel((290 + 180, 22 + 125))  # the right upper back: unpainted
    assert abs(r - g) < 12 and abs(g - b) < 12


def test_svg_has_outlines_overlay_and_text_labels(login, practitioner, painting) -> None:
    response = login(practitioner).get(f"/bodymaps/paintings/{painting.pk}/map.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    text = response.content.decode()
    assert text.startswith("<svg") and 'data-region="b_upper_back_l"' in text
    assert "data:image/png;base64," in text and "Blue = weaker" in text
    assert AuditEvent.objects.filter(actor=practitioner, object_id=painting.pk).count() == 1


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, client_record, painting, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    for suffix in ("", "map.png", "map.svg"):
        response = browser.get(f"/bodymaps/paintings/{painting.pk}/{suffix}")
        assert response.status_code in (403, 404)
        assert b"shoulder blades" not in response.content
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()
