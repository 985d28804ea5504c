"""The client's journal and check-ins in the portal: their own entries only, sharing and
taking back, entries sent twice stored once, and the crisis resources at once above the
window. Another client, staff and strangers get nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from somatrace.alerts.models import Alert
from somatrace.audit.models import AuditEvent
from somatrace.journal.models import CheckIn, JournalEntry
from somatrace.journal.testing import entry_payload, make_checkin, make_entry
from somatrace.testing import make_client, make_client_account, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client, portal_login, client_record):
    """The test client, signed in to the portal as client_record."""
    return portal_login(client, make_client_account(client_record))


def post_entry(browser, payload):
    return browser.post(
        reverse("portal_journal_create"), json.dumps(payload), content_type="application/json"
    )


def test_the_journal_page_offers_the_painter_and_lists_only_my_entries(
    me, practice, practitioner, client_record
) -> None:
    mine = make_entry(client_record, words="Mine-4b2")
    theirs = make_entry(make_client(practice, practitioner), shared=True, words="Theirs-8d1")
    page = me.get(reverse("portal_journal")).content.decode()
    assert 'id="bm-paint"' in page and 'data-submit="event"' in page
    assert "Mine-4b2" in page and "Theirs-8d1" not in page
    assert reverse("portal_journal_entry_png", args=[mine.pk]) in page
    assert reverse("portal_journal_entry_png", args=[theirs.pk]) not in page
    assert 'id="journal-emotion-sadness"' in page  # the practice's words, 0-10
    assert '<option value="10">10</option>' in page


def test_an_entry_sent_twice_is_stored_once_and_private(me, client_record) -> None:
    payload = entry_payload(key=str(uuid.uuid4()))
    first = post_entry(me, payload)
    again = post_entry(me, payload)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    entry = JournalEntry.objects.get()
    assert entry.client_id == client_record.pk and entry.shared is False


def test_a_bad_entry_gets_a_clear_message_and_nothing_is_stored(me) -> None:
    response = post_entry(me, entry_payload(emotions=[{"code": "sadness", "intensity": 12}]))
    assert response.status_code == 400
    assert "from 0 to 10" in response.json()["error"]
    response = me.post(
        reverse("portal_journal_create"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert not JournalEntry.objects.exists()


def test_the_client_shares_and_takes_back_an_entry(me, client_record) -> None:
    entry = make_entry(client_record)
    url = reverse("portal_journal_share", args=[entry.pk])
    assert me.post(url, {"shared": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.shared and entry.shared_at is not None
    me.post(url, {"shared": "0"})
    entry.refresh_from_db()
    assert not entry.shared and entry.shared_at is None


def test_another_clients_entries_and_checkins_are_404(me, practice, practitioner) -> None:
    other = make_client(practice, practitioner)
    entry = make_entry(other, shared=True)
    checkin = make_checkin(make_session(other))
    assert (
        me.post(reverse("portal_journal_share", args=[entry.pk]), {"shared": "0"}).status_code
        == 404
    )
    assert me.get(reverse("portal_journal_entry_png", args=[entry.pk])).status_code == 404
    assert me.get(reverse("portal_checkin", args=[checkin.pk])).status_code == 404
    assert me.post(reverse("portal_checkin", args=[checkin.pk]), {"suds": 9}).status_code == 404
    entry.refresh_from_db()
    assert entry.shared
    assert not AuditEvent.objects.filter(client_id=other.pk, actor_kind="client").exists()


def test_staff_and_strangers_never_open_the_clients_journal(
    client, login, practitioner, owner, client_record
) -> None:
    entry = make_entry(client_record)
    checkin = make_checkin(make_session(client_record))
    urls = [
        reverse("portal_journal"),
        reverse("portal_journal_create"),
        reverse("portal_journal_share", args=[entry.pk]),
        reverse("portal_journal_entry_png", args=[entry.pk]),
        reverse("portal_checkin", args=[checkin.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/portal/login/")
    for user in (practitioner, owner):
        browser = login(user)
        for url in urls:
            for method in (browser.get, browser.post):
                assert method(url).status_code in (403, 404, 405), url
    assert not entry.__class__.objects.get(pk=entry.pk).shared


def test_a_checkin_inside_the_window_thanks_the_client(me, client_record) -> None:
    checkin = make_checkin(make_session(client_record))
    url = reverse("portal_checkin", args=[checkin.pk])
    assert "How distressed" in me.get(url).content.decode()
    response = me.post(url, {"suds": "7", "calm": "4", "tension": "3", "note": "ok"}, follow=True)
    page = response.content.decode()
    assert "your answers were sent" in page
    assert 'id="crisis-resources"' not in page
    assert not Alert.objects.exists()


def test_a_checkin_above_the_window_shows_the_practices_crisis_resources_at_once(
    me, practice, client_record
) -> None:
    practice.crisis_resources = "Ring 999-PLACEHOLDER"
    practice.save()
    checkin = make_checkin(make_session(client_record))
    response = me.post(
        reverse("portal_checkin", args=[checkin.pk]), {"suds": "3", "calm": "5", "tension": "8"}
    )
    page = response.content.decode()
    assert 'id="crisis-resources"' in page
    assert "Ring 999-PLACEHOLDER" in page
    assert "Feet on the floor" in page
    assert Alert.objects.get().client_id == client_record.pk
    assert CheckIn.objects.get().above_window


def test_without_the_practices_own_text_a_placeholder_is_shown(me, client_record) -> None:
    checkin = make_checkin(make_session(client_record))
    page = me.post(
        reverse("portal_checkin", args=[checkin.pk]), {"suds": "10", "calm": "0", "tension": "10"}
    ).content.decode()
    assert "local emergency number" in page


def test_bad_ratings_are_a_form_error_not_a_500(me, client_record) -> None:
    checkin = make_checkin(make_session(client_record))
    response = me.post(reverse("portal_checkin", args=[checkin.pk]), {"suds": "11", "calm": "x"})
    assert response.status_code == 200
    assert "Please correct" in response.content.decode()
    assert CheckIn.objects.get().answered_at is None


def test_the_portal_home_asks_about_open_checkins_and_links_the_journal(me, client_record) -> None:
    checkin = make_checkin(make_session(client_record))
    page = me.get(reverse("portal_home")).content.decode()
    assert reverse("portal_checkin", args=[checkin.pk]) in page
    assert reverse("portal_journal") in page
    checkin.answered_at = checkin.due_at
    checkin.save()
    page = me.get(reverse("portal_home")).content.decode()
    assert reverse("portal_checkin", args=[checkin.pk]) not in page
