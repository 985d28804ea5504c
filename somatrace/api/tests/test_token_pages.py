"""The member's own token page: make a token (shown once), revoke it; nobody else's."""

from __future__ import annotations

import re

import pytest

from somatrace.api.models import AccessToken
from somatrace.api.services import hash_token
from somatrace.api.testing import make_token
from somatrace.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_member_makes_a_token_that_is_shown_once_and_works(
    login, assistant, client_record, django_assert_max_num_queries
) -> None:
    browser = login(assistant)
    response = browser.post(
        "/account/tokens/", {"name": "Diary sync", "scopes": ["clients:read"], "days": "30"}
    )
    assert response.status_code == 200
    secret = re.search(r"st_[A-Za-z0-9_-]{20,}", response.content.decode()).group(0)
    token = AccessToken.objects.get()
    assert token.token_hash == hash_token(secret) and token.user == assistant
    assert AuditEvent.objects.filter(action="access", actor=assistant, channel="web").exists()
    with django_assert_max_num_queries(12):
        again = browser.get("/account/tokens/").content.decode()
    assert secret not in again and "Diary sync" in again
    api = browser.get("/api/v1/clients", headers={"Authorization": f"Bearer {secret}"})
    assert [c["id"] for c in api.json()["items"]] == [client_record.pk]


def test_bad_choices_are_shown_not_stored(login, practitioner) -> None:
    response = login(practitioner).post(
        "/account/tokens/", {"name": "x", "scopes": ["everything"], "days": "999"}
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not AccessToken.objects.exists()


def test_a_member_revokes_their_own_token_but_not_a_colleagues(
    login, practitioner, colleague
) -> None:
    make_token(practitioner)
    make_token(colleague)
    mine = AccessToken.objects.get(user=practitioner)
    theirs = AccessToken.objects.get(user=colleague)
    browser = login(practitioner)
    assert browser.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert browser.post(f"/account/tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
