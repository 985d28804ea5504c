"""What staff see of the journal: shared entries on the client page, never a private one,
and the owner's check-in times."""

from __future__ import annotations

import pytest
from django.urls import reverse

from somatrace.audit.models import AuditEvent
from somatrace.journal.models import JournalSettings
from somatrace.journal.testing import make_checkin, make_entry
from somatrace.testing import make_session, render_app_panels

pytestmark = pytest.mark.django_db


def test_the_client_page_shows_shared_entries_with_their_map_and_never_a_private_one(
    client_record, practitioner
) -> None:
    shared = make_entry(client_record, shared=True, words="Warmth in my belly")
    private = make_entry(client_record, shared=False, words="Only-for-me-9c1")
    html = render_app_panels("journal", "client", practitioner, client_record)
    assert "Warmth in my belly" in html
    assert reverse("journal_entry_png", args=[shared.pk]) in html
    assert "Only-for-me-9c1" not in html
    assert reverse("journal_entry_png", args=[private.pk]) not in html
    assert "Sadness 6/10" in html


def test_the_client_page_shows_checkins_answered_and_waiting(client_record, practitioner) -> None:
    session = make_session(client_record, days_ago=2)
    answered = make_checkin(session, hours=24)
    answered.suds, answered.calm, answered.tension = 8, 2, 6
    answered.answered_at = answered.due_at
    answered.above_window = True
    answered.save()
    make_checkin(session, hours=72)
    html = render_app_panels("journal", "client", practitioner, client_record)
    assert "(above window)" in html
    assert "Not answered yet" in html


def test_staff_cannot_reach_a_private_entry_by_any_journal_url(
    login, client_record, practitioner, owner
) -> None:
    private = make_entry(client_record, shared=False)
    shared = make_entry(client_record, shared=True)
    for user in (practitioner, owner):
        browser = login(user)
        assert browser.get(reverse("journal_entry_png", args=[shared.pk])).status_code == 200
        assert browser.get(reverse("journal_entry_png", args=[private.pk])).status_code == 404
        # The client's own portal URLs refuse staff outright.
        for name in ("portal_journal_entry_png", "portal_journal_share"):
            for method in (browser.get, browser.post):
                assert method(reverse(name, args=[private.pk])).status_code in (302, 403, 404)
    assert not AuditEvent.objects.filter(
        object_type="journal.journalentry", object_id=private.pk
    ).exists()


def test_the_shared_map_is_a_png_and_its_reading_is_audited(
    login, client_record, practitioner
) -> None:
    entry = make_entry(client_record, shared=True)
    response = login(practitioner).get(reverse("journal_entry_png", args=[entry.pk]))
    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        action="read", object_type="journal.journalentry", object_id=entry.pk, actor=practitioner
    ).exists()


def test_a_shared_entry_of_another_practitioners_client_is_404(
    login, client_record, colleague, outsider, assistant
) -> None:
    entry = make_entry(client_record, shared=True)
    for user in (colleague, outsider, assistant):
        response = login(user).get(reverse("journal_entry_png", args=[entry.pk]))
        assert response.status_code in (403, 404)


def test_the_owner_sets_the_checkin_hours(login, owner, practitioner, practice) -> None:
    url = reverse("journal_settings")
    assert login(practitioner).post(url, {"hours": "12"}).status_code == 403
    browser = login(owner)
    assert "24, 72" in browser.get(url).content.decode()
    response = browser.post(url, {"hours": "48, 12, 12"})
    assert response.status_code == 302
    assert JournalSettings.hours_for(practice.pk) == [12, 48]
    response = browser.post(url, {"hours": "twelve"})
    assert response.status_code == 200
    assert "whole number of hours" in response.content.decode()
    assert JournalSettings.hours_for(practice.pk) == [12, 48]


def test_the_client_page_carries_the_panel_and_audits_only_shared_entries(
    login, client_record, practitioner
) -> None:
    shared = make_entry(client_record, shared=True, words="Shared-words-77")
    private = make_entry(client_record, shared=False, words="Private-words-78")
    page = login(practitioner).get(reverse("client_detail", args=[client_record.pk]))
    html = page.content.decode()
    assert 'id="journal-panel"' in html
    assert "Shared-words-77" in html and "Private-words-78" not in html
    row = AuditEvent.objects.filter(action="read", client_id=client_record.pk).latest("id")
    assert row.shown["journal.journalentry"] == [shared.pk]
    assert private.pk not in row.shown["journal.journalentry"]
