"""A client's body maps over time: frequency heat map and per-region series."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.models import RegionFinding
from somatrace.bodymaps.testing import make_painting, stroke


@pytest.fixture
def paintings(client_record):
    # The right shoulder (front, image left) in all three maps; the chest in one.
    shoulder = stroke([(95, 125), (105, 130)], radius=8)
    return [
        make_painting(client_record, strokes=[shoulder]),
        make_painting(client_record, strokes=[shoulder]),
        make_painting(client_record, strokes=[shoulder, stroke([(120, 150), (160, 150)])]),
    ]


def test_it_lists_maps_and_charts_recurring_regions(
    login, practitioner, client_record, paintings
) -> None:
    RegionFinding.objects.create(
        client=client_record,
        region="z_jaw",
        finding="held_tension",
        intensity=3,
        created_by=practitioner,
    )
    response = login(practitioner).get(f"/bodymaps/clients/{client_record.pk}/history/")
    assert response.status_code == 200
    rows = response.context["rows"]
    shoulder = [r for r in rows if r["region"] == "Right shoulder (front)"]
    assert len(shoulder) == 3 and all(r["signed"] > 0 for r in shoulder)
    assert (
        "Held tension: Jaw" in response.content.decode()
        or "Held tension" in response.content.decode()
    )
    assert 'fill-opacity="1.0"><title>Jaw: 1</title>' in response.content.decode()
    # One row for the page, naming every map it showed.
    event = AuditEvent.objects.get(actor=practitioner, client_id=client_record.pk)
    assert event.object_type == "clients.client" and event.action == "read"
    assert event.shown["bodymaps.painting"] == sorted(p.pk for p in paintings)


def test_frequency_map_is_most_opaque_where_painted_every_time(
    login, practitioner, client_record, paintings
) -> None:
    response = login(practitioner).get(f"/bodymaps/clients/{client_record.pk}/frequency.png")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    # Shoulder painted in 3 of 3 maps, chest centre in 1 of 3: the shoulder is more saturated.
    shoulder = image.getpixel((100, 22 + 127))
    chest = image.getpixel((130, 22 + 150))  # x 140 is the midline outline
    assert (shoulder[0] - shoulder[2]) > (chest[0] - chest[2]) > 0


def test_history_page_with_more_maps_needs_no_more_queries(
    login, practitioner, client_record, django_assert_max_num_queries
) -> None:
    browser = login(practitioner)
    make_painting(client_record)
    with django_assert_max_num_queries(14) as small:
        browser.get(f"/bodymaps/clients/{client_record.pk}/history/")
    for _ in range(10):
        make_painting(client_record)
    with django_assert_max_num_queries(len(small.captured_queries)):
        browser.get(f"/bodymaps/clients/{client_record.pk}/history/")


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, client_record, paintings, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    for url in (
        f"/bodymaps/clients/{client_record.pk}/history/",
        f"/bodymaps/clients/{client_record.pk}/frequency.png",
    ):
        assert browser.get(url).status_code in (403, 404)
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()
