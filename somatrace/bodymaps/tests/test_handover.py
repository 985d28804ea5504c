"""Handing the painter to the client: the tablet in kiosk mode and the single-use secure link.

The client paints one map, once, with no name on the page; the painting is stored through
save_painting by a link-holder actor and audited in the owner's log; no token reaches the
audit table; after use, expiry or revocation nothing is reachable; the wrong practitioner or
another practice gets nothing and writes nothing."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.models import Handover, Painting, hash_token
from somatrace.bodymaps.payload import validate
from somatrace.bodymaps.services import HandoverClosed, create_link, paint_through
from somatrace.bodymaps.testing import make_handover, payload
from somatrace.core.actor import Actor, token_reference
from somatrace.core.redact import safe_path
from somatrace.testing import make_client, make_session, staff_actor

SECRET = "Handover-secret-91c2"


def post_json(browser, url, data):
    return browser.post(url, json.dumps(data), content_type="application/json")


def token_from(response) -> str:
    match = re.search(rb"/p/([A-Za-z0-9_-]{40,})/", response.content)
    assert match, "the link page shows the link"
    return match.group(1).decode()


@pytest.fixture
def session(client_record):
    return make_session(client_record, subjective=SECRET)


# --- Kiosk ----------------------------------------------------------------------------------


def test_handing_the_tablet_over_logs_out_and_shows_only_the_painter(
    login, practitioner, client_record, session
) -> None:
    browser = login(practitioner)
    response = browser.post(f"/bodymaps/sessions/{session.pk}/paint/pre/kiosk/")
    assert response.status_code == 302 and response.url == "/bodymaps/kiosk/"
    page = browser.get("/bodymaps/kiosk/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your body map: before the session" in html
    assert "Kiosk mode" in html and 'id="bm-canvas"' in html
    for secret in (client_record.name, client_record.display_name, practitioner.full_name, SECRET):
        assert secret not in html
    assert "Log out" not in html and "Dashboard" not in html  # no practitioner navigation
    assert page.headers["Cache-Control"].startswith("max-age=0")
    handover = Handover.objects.get()
    assert (handover.channel, handover.moment, handover.session) == ("kiosk", "pre", session)
    assert handover.token_hash is None
    assert AuditEvent.objects.filter(
        actor=practitioner, action="create", object_type="bodymaps.handover"
    ).exists()


def test_in_kiosk_every_other_page_needs_the_login(
    login, practitioner, practice, client_record, session
) -> None:
    other = make_client(practice, practitioner, name="Other Person", consented=True)
    browser = login(practitioner)
    browser.post(f"/bodymaps/clients/{client_record.pk}/paint/kiosk/")
    for url in (
        "/",
        "/clients/",
        f"/clients/{other.pk}/",
        f"/clients/{client_record.pk}/",
        f"/sessions/{session.pk}/",
        f"/bodymaps/clients/{client_record.pk}/paint/",
        f"/bodymaps/clients/{client_record.pk}/history/",
        "/practice/",
    ):
        response = browser.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    assert browser.get("/bodymaps/kiosk/").status_code == 200  # still there to finish


def test_painting_on_the_tablet_saves_once_then_locks_it_back(
    login, owner, practitioner, practice, client_record, session
) -> None:
    browser = login(practitioner)
    browser.post(f"/bodymaps/sessions/{session.pk}/paint/post/kiosk/")
    handover = Handover.objects.get()
    saved = post_json(browser, "/bodymaps/kiosk/", payload(words="Lighter"))
    assert saved.status_code == 201
    assert saved.json() == {"url": "/bodymaps/thanks/?kiosk=1"}  # no id, no name
    thanks = browser.get(saved.json()["url"])
    assert b"please hand the tablet back" in thanks.content
    painting = Painting.objects.get()
    assert (painting.client, painting.session, painting.moment) == (client_record, session, "post")
    assert painting.created_by is None and painting.words == "Lighter"
    handover.refresh_from_db()
    assert handover.used_at is not None and handover.painting == painting
    # Locked back: the painter is gone, a second save is refused, everything needs the login.
    again = browser.get("/bodymaps/kiosk/")
    assert again.status_code == 302 and again.url.startswith("/login")
    assert post_json(browser, "/bodymaps/kiosk/", payload()).status_code == 404
    assert Painting.objects.count() == 1
    assert browser.get(f"/bodymaps/paintings/{painting.pk}/").url.startswith("/login/")
    # Audited as the tablet, in the owner's log.
    [created] = AuditEvent.objects.filter(action="create", object_type="bodymaps.painting")
    assert created.actor is None and created.actor_kind == "link"
    assert created.actor_ref == f"kiosk: body map {handover.pk}"
    assert (created.practice_id, created.client_id) == (practice.pk, client_record.pk)
    log = login(owner).get(f"/practice/audit/?client={client_record.pk}").content.decode()
    assert f"kiosk: body map {handover.pk}" in log


def test_a_kiosk_hand_over_expires(login, practitioner, client_record) -> None:
    browser = login(practitioner)
    browser.post(f"/bodymaps/clients/{client_record.pk}/paint/kiosk/")
    Handover.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert browser.get("/bodymaps/kiosk/").url.startswith("/login")
    assert post_json(browser, "/bodymaps/kiosk/", payload()).status_code == 404
    assert not Painting.objects.exists()


def test_the_kiosk_without_a_hand_over_goes_to_login(client, db) -> None:
    response = client.get("/bodymaps/kiosk/")
    assert response.status_code == 302 and response.url.startswith("/login")
    assert post_json(client, "/bodymaps/kiosk/", payload()).status_code == 404
    assert not Painting.objects.exists()


def test_a_malformed_painting_on_the_tablet_gets_a_400_and_keeps_it_open(
    login, practitioner, client_record
) -> None:
    browser = login(practitioner)
    browser.post(f"/bodymaps/clients/{client_record.pk}/paint/kiosk/")
    response = post_json(browser, "/bodymaps/kiosk/", payload(strokes=[]))
    assert response.status_code == 400 and "Nothing was painted" in response.json()["error"]
    assert browser.get("/bodymaps/kiosk/").status_code == 200


@pytest.mark.parametrize("moment", ["pre", "post"])
def test_kiosk_and_link_need_post(login, practitioner, client_record, session, moment) -> None:
    browser = login(practitioner)
    for url in (
        f"/bodymaps/sessions/{session.pk}/paint/{moment}/kiosk/",
        f"/bodymaps/sessions/{session.pk}/paint/{moment}/link/",
        f"/bodymaps/clients/{client_record.pk}/paint/kiosk/",
        f"/bodymaps/clients/{client_record.pk}/paint/link/",
    ):
        assert browser.get(url).status_code == 405, url
    assert not Handover.objects.exists()


# --- Secure link ----------------------------------------------------------------------------


def test_practitioner_makes_a_link_shown_once_with_a_qr_code(
    login, practitioner, client_record, session
) -> None:
    response = login(practitioner).post(f"/bodymaps/sessions/{session.pk}/paint/pre/link/")
    assert response.status_code == 200
    token = token_from(response)
    assert b"<svg" in response.content  # QR code inline
    assert "no-store" in response.headers["Cache-Control"]  # shown once, never kept
    handover = Handover.objects.get()
    assert handover.token_hash == hash_token(token) and token not in handover.token_hash
    assert (handover.channel, handover.moment, handover.session) == ("link", "pre", session)
    assert timedelta(days=6, hours=23) < handover.expires_at - timezone.now() <= timedelta(days=7)
    assert AuditEvent.objects.filter(
        actor=practitioner, action="create", object_type="bodymaps.handover"
    ).exists()
    for row in AuditEvent.objects.values():
        assert token not in repr(row)


def test_the_client_paints_through_the_link_once(
    client, practitioner, client_record, session
) -> None:
    handover, token = create_link(staff_actor(practitioner), client_record, "pre", session)
    page = client.get(f"/p/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your body map: before the session" in html and 'id="bm-canvas"' in html
    assert "Kiosk mode" not in html
    for secret in (client_record.name, client_record.display_name, practitioner.full_name, SECRET):
        assert secret not in html
    assert page.headers["Cache-Control"].startswith("max-age=0")

    saved = post_json(client, f"/p/{token}/", payload())
    assert saved.status_code == 201 and saved.json() == {"url": "/bodymaps/thanks/"}
    assert b"This link no longer works" in client.get("/bodymaps/thanks/").content
    painting = Painting.objects.get()
    assert (painting.client, painting.session, painting.moment) == (client_record, session, "pre")
    handover.refresh_from_db()
    assert handover.used_at is not None and handover.painting == painting

    # Dead now, for GET and POST alike; nothing more is stored.
    dead = client.get(f"/p/{token}/")
    assert dead.status_code == 404 and b"This link is not available" in dead.content
    assert post_json(client, f"/p/{token}/", payload()).status_code == 404
    assert Painting.objects.count() == 1


def test_a_checkin_link_makes_a_checkin_map(login, client, practitioner, client_record) -> None:
    token = token_from(
        login(practitioner).post(f"/bodymaps/clients/{client_record.pk}/paint/link/")
    )
    client.logout()
    assert post_json(client, f"/p/{token}/", payload()).status_code == 201
    painting = Painting.objects.get()
    assert (painting.moment, painting.session) == ("checkin", None)


def test_an_expired_link_is_dead(client, client_record) -> None:
    _, token = make_handover(client_record, hours=-0.01)
    response = client.get(f"/p/{token}/")
    assert response.status_code == 404 and b"This link is not available" in response.content
    assert post_json(client, f"/p/{token}/", payload()).status_code == 404
    assert not Painting.objects.exists()


def test_a_revoked_link_is_dead(login, client, practitioner, client_record) -> None:
    handover, token = make_handover(client_record)
    browser = login(practitioner)
    response = browser.post(f"/bodymaps/handovers/{handover.pk}/revoke/")
    assert response.status_code == 302
    assert response.url == f"/bodymaps/clients/{client_record.pk}/paint/"
    handover.refresh_from_db()
    assert handover.revoked_at is not None
    assert AuditEvent.objects.filter(
        actor=practitioner, action="update", object_type="bodymaps.handover", fields=["revoked_at"]
    ).exists()
    browser.logout()
    assert client.get(f"/p/{token}/").status_code == 404
    assert post_json(client, f"/p/{token}/", payload()).status_code == 404
    assert not Painting.objects.exists()


def test_a_new_link_revokes_the_previous_one(client, practitioner, client_record) -> None:
    _, first = create_link(staff_actor(practitioner), client_record, "checkin")
    _, second = create_link(staff_actor(practitioner), client_record, "checkin")
    assert client.get(f"/p/{first}/").status_code == 404
    assert client.get(f"/p/{second}/").status_code == 200


def test_painting_through_one_hand_over_closes_the_others_for_that_map(
    client, practitioner, client_record, session
) -> None:
    _, link = create_link(staff_actor(practitioner), client_record, "pre", session)
    _, other_moment = create_link(staff_actor(practitioner), client_record, "post", session)
    tablet, _ = make_handover(client_record, session=session, moment="pre", channel="kiosk")
    holder = Actor.link_holder(
        practice_id=client_record.practice_id, client_id=client_record.pk, reference="kiosk: t"
    )
    paint_through(holder, tablet, validate(payload()))
    assert client.get(f"/p/{link}/").status_code == 404  # the same map: painted already
    assert client.get(f"/p/{other_moment}/").status_code == 200  # another map: still open


def test_two_saves_at_the_same_moment_store_one_painting(practitioner, client_record) -> None:
    """A double tap, or the link open in two tabs: both passed the check before either saved."""
    handover, _ = create_link(staff_actor(practitioner), client_record, "checkin")
    first, second = Handover.objects.get(pk=handover.pk), Handover.objects.get(pk=handover.pk)
    holder = Actor.link_holder(
        practice_id=client_record.practice_id, client_id=client_record.pk, reference="link: t"
    )
    paint_through(holder, first, validate(payload()))
    assert second.usable  # the stale copy still looks open...
    with pytest.raises(HandoverClosed):
        paint_through(holder, second, validate(payload()))  # ...but the claim refuses it
    assert Painting.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="bodymaps.painting").count() == 1


def test_the_link_path_is_written_down_without_its_token(db) -> None:
    """What the access log, Django's request log and the audit rows record of a link."""
    token = "T0k3n-" + "x" * 40
    assert safe_path(f"/p/{token}/") == f"/p/~{token_reference(token)}/"


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 300])
def test_other_tokens_get_the_same_dead_page(db, client, client_record, token) -> None:
    make_handover(client_record)
    response = client.get(f"/p/{token}/")
    assert response.status_code == 404 and b"This link is not available" in response.content
    assert post_json(client, f"/p/{token}/", payload()).status_code == 404
    assert not Painting.objects.exists()


def test_a_kiosk_hand_over_is_not_a_link(client, client_record) -> None:
    """A kiosk hand-over has no token: no token, however made, opens it."""
    make_handover(client_record, channel="kiosk")
    assert client.get(f"/p/{'A' * 43}/").status_code == 404


def test_the_link_reaches_nothing_else(client, practitioner, client_record, session) -> None:
    handover, token = create_link(staff_actor(practitioner), client_record, "pre", session)
    assert client.get(f"/p/{token}/").status_code == 200
    for url in (
        "/",
        "/clients/",
        f"/clients/{client_record.pk}/",
        f"/sessions/{session.pk}/",
        f"/bodymaps/sessions/{session.pk}/paint/pre/",
        "/bodymaps/kiosk/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    assert client.post(f"/bodymaps/handovers/{handover.pk}/revoke/").url.startswith("/login/")


def test_a_malformed_painting_through_the_link_gets_a_400_and_keeps_it(
    client, practitioner, client_record
) -> None:
    _, token = create_link(staff_actor(practitioner), client_record, "checkin")
    response = post_json(client, f"/p/{token}/", payload(nothing_felt=True))
    assert response.status_code == 400 and "also painted" in response.json()["error"]
    assert client.get(f"/p/{token}/").status_code == 200


def test_the_link_holders_painting_is_in_the_owners_log_without_the_token(
    client, login, owner, practitioner, practice, client_record, session
) -> None:
    _, token = create_link(staff_actor(practitioner), client_record, "post", session)
    client.get(f"/p/{token}/")
    post_json(client, f"/p/{token}/", payload())
    by_holder = AuditEvent.objects.filter(actor_kind="link")
    assert {(e.action, e.object_type) for e in by_holder} >= {
        ("read", "bodymaps.handover"),
        ("create", "bodymaps.painting"),
        ("update", "bodymaps.handover"),
    }
    for event in by_holder:
        assert event.practice_id == practice.pk and event.client_id == client_record.pk
        assert event.actor is None and event.actor_ref == f"link: ~{hash_token(token)[:8]}"
        assert event.path.startswith("/p/~") and token not in event.path
    page = login(owner).get("/practice/audit/?action=create").content.decode()
    assert "Secure link or kiosk" in page
    for row in AuditEvent.objects.values():
        assert token not in repr(row)


# --- The practitioner's page ------------------------------------------------------------------


def test_the_paint_page_offers_the_hand_over_and_lists_links(
    login, practitioner, client_record, session
) -> None:
    open_link, _ = make_handover(client_record, session=session, moment="pre")
    used, _ = make_handover(client_record, session=session, moment="pre", used_at=timezone.now())
    make_handover(client_record, session=session, moment="post")  # another map: not listed
    browser = login(practitioner)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    html = browser.get(f"/bodymaps/sessions/{session.pk}/paint/pre/").content.decode()
    assert "Hand the tablet to the client" in html and "Make a link for the client" in html
    assert f'action="/bodymaps/sessions/{session.pk}/paint/pre/kiosk/"' in html
    assert f'action="/bodymaps/sessions/{session.pk}/paint/pre/link/"' in html
    assert f'action="/bodymaps/handovers/{open_link.pk}/revoke/"' in html
    assert f'action="/bodymaps/handovers/{used.pk}/revoke/"' not in html
    [read] = AuditEvent.objects.filter(id__gt=last)
    assert read.shown == {"bodymaps.handover": sorted([open_link.pk, used.pk])}


def test_revoking_a_used_link_says_so(login, practitioner, client_record) -> None:
    handover, _ = make_handover(client_record, used_at=timezone.now())
    browser = login(practitioner)
    response = browser.post(f"/bodymaps/handovers/{handover.pk}/revoke/", follow=True)
    assert b"This link no longer works" in response.content
    handover.refresh_from_db()
    assert handover.revoked_at is None


# --- Ownership ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_hand_overs_validate_ownership(request, login, client_record, session, who) -> None:
    existing, _ = make_handover(client_record, session=session, moment="pre")
    user = request.getfixturevalue(who)
    browser = login(user)
    for url in (
        f"/bodymaps/clients/{client_record.pk}/paint/kiosk/",
        f"/bodymaps/sessions/{session.pk}/paint/pre/kiosk/",
        f"/bodymaps/sessions/{session.pk}/paint/post/kiosk/",
        f"/bodymaps/clients/{client_record.pk}/paint/link/",
        f"/bodymaps/sessions/{session.pk}/paint/pre/link/",
        f"/bodymaps/sessions/{session.pk}/paint/post/link/",
        f"/bodymaps/handovers/{existing.pk}/revoke/",
    ):
        response = browser.post(url)
        assert response.status_code in (403, 404), (url, response.status_code)
        assert client_record.name.encode() not in response.content
    # Still logged in (no kiosk started), nothing written, nothing audited.
    assert browser.get("/bodymaps/kiosk/").url.startswith("/login")
    assert list(Handover.objects.values_list("pk", flat=True)) == [existing.pk]
    existing.refresh_from_db()
    assert existing.revoked_at is None
    assert not AuditEvent.objects.filter(actor=user).exists()
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


def test_a_link_holder_cannot_paint_for_another_client(
    practice, practitioner, client_record
) -> None:
    other = make_client(practice, practitioner, name="Other Person", consented=True)
    handover, _ = make_handover(other)
    holder = Actor.link_holder(
        practice_id=practice.pk, client_id=client_record.pk, reference="link: test"
    )
    with pytest.raises(PermissionDenied):
        paint_through(holder, handover, validate(payload()))
    assert not Painting.objects.exists()
