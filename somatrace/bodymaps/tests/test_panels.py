"""Panels on the client and session pages: content, access, bounded queries."""

from __future__ import annotations

import pytest

from somatrace.bodymaps.models import RegionFinding
from somatrace.bodymaps.testing import make_painting
from somatrace.clients.models import TouchConsentMap
from somatrace.testing import make_session, render_app_panels, staff_actor


def render(page, user, obj):
    return render_app_panels("bodymaps", page, user, obj)


def test_client_panel_lists_maps_and_touch_consent(practitioner, client_record) -> None:
    painting = make_painting(client_record)
    TouchConsentMap.objects.create(
        client=client_record, version=1, regions={"f_foot_l": "not_welcome"}
    )
    html = render("client", practitioner, client_record)
    assert f"/bodymaps/paintings/{painting.pk}/" in html
    assert "Left foot (top)" in html and "version 1" in html


def test_session_panel_offers_pre_and_post_and_shows_not_welcome(
    practitioner, client_record
) -> None:
    session = make_session(client_record)
    TouchConsentMap.objects.create(
        client=client_record, version=1, regions={"z_jaw": "not_welcome"}
    )
    html = render("session", practitioner, session)
    assert f"/bodymaps/sessions/{session.pk}/paint/pre/" in html and "Jaw" in html
    pre = make_painting(client_record, session=session, moment="pre")
    make_painting(client_record, session=session, moment="post")
    html = render("session", practitioner, session)
    assert f"/bodymaps/paintings/{pre.pk}/" in html and "Compare before and after" in html


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_panels_show_nothing_of_the_client_to_the_wrong_user(request, client_record, who) -> None:
    session = make_session(client_record)
    make_painting(client_record, session=session, moment="pre", words="secret words")
    TouchConsentMap.objects.create(
        client=client_record, version=1, regions={"z_jaw": "not_welcome"}
    )
    user = request.getfixturevalue(who)
    html = render("client", user, client_record) + render("session", user, session)
    assert "/bodymaps/paintings/" not in html and "Jaw" not in html


def test_panels_need_a_bounded_number_of_queries(
    practitioner, client_record, django_assert_num_queries
) -> None:
    session = make_session(client_record)
    actor = staff_actor(practitioner)  # looked up once, before counting
    with django_assert_num_queries(2):
        render("client", actor, client_record)
    with django_assert_num_queries(3):
        render("session", actor, session)
    for k in range(12):
        make_painting(client_record, session=session, moment="pre" if k % 2 else "post")
        RegionFinding.objects.create(
            client=client_record,
            session=session,
            region="z_jaw",
            finding="heat",
            intensity=2,
            created_by=practitioner,
        )
    TouchConsentMap.objects.create(client=client_record, version=1, regions={"z_jaw": "welcome"})
    with django_assert_num_queries(2):
        render("client", actor, client_record)
    with django_assert_num_queries(3):
        render("session", actor, session)
