"""Secure link: the practitioner makes it, the client completes the questionnaire through it
once; after that, after it expires, or with any other token, nothing is reachable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.alerts.models import Alert
from somatrace.audit.models import AuditEvent
from somatrace.measures.models import AccessLink, Administration, Status, hash_token
from somatrace.measures.services import create_link
from somatrace.measures.testing import make_administration
from somatrace.testing import staff_actor

PHQ9_WITH_ITEM9 = {f"item_{n}": "1" for n in range(1, 10)}  # total 9, item 9 = 1


def _token_from(response) -> str:
    match = re.search(rb"/q/([A-Za-z0-9_-]{40,})/", response.content)
    assert match, "the link page shows the link"
    return match.group(1).decode()


@pytest.fixture
def pending(client_record):
    return make_administration(client_record, "PHQ9")


def test_practitioner_makes_a_link_shown_once_with_a_qr_code(login, practitioner, pending) -> None:
    response = login(practitioner).post(f"/measures/administrations/{pending.pk}/link/")
    assert response.status_code == 200
    token = _token_from(response)
    assert b"<svg" in response.content  # QR code inline
    assert pending.client.name.encode() not in token.encode()
    link = AccessLink.objects.get(administration=pending)
    assert link.token_hash == hash_token(token) and token not in link.token_hash
    assert link.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert AuditEvent.objects.filter(actor=practitioner, client_id=pending.client_id).exists()


def test_a_new_link_revokes_the_previous_one(client, practitioner, pending) -> None:
    first = create_link(staff_actor(practitioner), pending)
    second = create_link(staff_actor(practitioner), pending)
    assert client.get(f"/q/{first}/").status_code == 404
    assert client.get(f"/q/{second}/").status_code == 200


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_link_creation_validates_ownership(request, login, pending, who) -> None:
    user = request.getfixturevalue(who)
    response = login(user).post(f"/measures/administrations/{pending.pk}/link/")
    assert response.status_code in (403, 404)
    assert not AccessLink.objects.exists()
    assert not AuditEvent.objects.filter(actor=user).exists()


def test_client_completes_phq9_through_the_link_once(
    client, practitioner, practice, pending
) -> None:
    practice.crisis_resources = "Call 999 or Samaritans 116 123"
    practice.save()
    token = create_link(staff_actor(practitioner), pending)
    page = client.get(f"/q/{token}/")
    assert page.status_code == 200
    assert b"Little interest or pleasure in doing things" in page.content
    assert pending.client.name.encode() not in page.content  # the link shows no client data
    assert page.headers["Cache-Control"].startswith("max-age=0")

    done = client.post(f"/q/{token}/", PHQ9_WITH_ITEM9)
    assert done.status_code == 200
    assert b"Call 999 or Samaritans 116 123" in done.content  # crisis resources at once
    pending.refresh_from_db()
    # 9 items answered 1: total 9 -> "Mild"
    assert (pending.status, pending.total, pending.band, pending.channel) == (
        Status.COMPLETED,
        9,
        "Mild",
        "link",
    )
    alert = Alert.objects.get(client=pending.client, kind="phq9.item9")
    assert alert.priority == "high" and alert.is_open

    # The link is dead now, for GET and POST alike.
    assert client.get(f"/q/{token}/").status_code == 404
    assert client.post(f"/q/{token}/", PHQ9_WITH_ITEM9).status_code == 404
    assert Administration.objects.get(pk=pending.pk).answers == [1] * 9


def test_no_risk_answer_shows_no_crisis_block(client, practitioner, practice, pending) -> None:
    practice.crisis_resources = "Call 999"
    practice.save()
    token = create_link(staff_actor(practitioner), pending)
    answers = {f"item_{n}": "0" for n in range(1, 10)}
    response = client.post(f"/q/{token}/", answers)
    assert response.status_code == 200 and b"Call 999" not in response.content
    assert not Alert.objects.exists()


def test_expired_link_does_not_work(client, practitioner, pending) -> None:
    token = create_link(staff_actor(practitioner), pending)
    AccessLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/q/{token}/")
    assert response.status_code == 404
    assert b"not available" in response.content


def test_link_to_a_cancelled_questionnaire_does_not_work(client, practitioner, pending) -> None:
    token = create_link(staff_actor(practitioner), pending)
    Administration.objects.filter(pk=pending.pk).update(status=Status.CANCELLED)
    assert client.get(f"/q/{token}/").status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 300])
def test_wrong_tokens_get_the_same_dead_page(db, client, token) -> None:
    response = client.get(f"/q/{token}/")
    assert response.status_code == 404 and b"not available" in response.content


def test_the_link_reaches_nothing_else(client, practitioner, pending, client_record) -> None:
    token = create_link(staff_actor(practitioner), pending)
    assert client.get(f"/q/{token}/").status_code == 200
    for url in (
        "/",
        "/clients/",
        f"/clients/{client_record.pk}/",
        f"/measures/administrations/{pending.pk}/",
        "/measures/kiosk/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


def test_malformed_answers_get_a_400_with_a_clear_message(client, practitioner, pending) -> None:
    token = create_link(staff_actor(practitioner), pending)
    answers = dict(PHQ9_WITH_ITEM9, item_4="7")
    del answers["item_2"]
    response = client.post(f"/q/{token}/", answers)
    assert response.status_code == 400
    assert b"Please answer question 2." in response.content
    assert b"Question 4: choose one of the answers shown." in response.content
    pending.refresh_from_db()
    assert pending.status == Status.PENDING  # still usable
    assert client.get(f"/q/{token}/").status_code == 200


@pytest.mark.parametrize("value", ["٣", "２", "0_1", "+1"])
def test_answers_in_other_digits_or_with_signs_are_refused(
    client, practitioner, pending, value
) -> None:
    token = create_link(staff_actor(practitioner), pending)
    response = client.post(f"/q/{token}/", dict(PHQ9_WITH_ITEM9, item_3=value))
    assert response.status_code == 400
    assert (
        f"Question 3: the answer must be one of the options shown, sent as a whole number with "
        f"the digits 0-9 (“{value}”"
    ) in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_client_must_answer_every_item_even_where_prorating_exists(
    client, practitioner, pending
) -> None:
    # Prorating (NHS Data Dictionary) is for paper forms returned incomplete; a client
    # answering on screen is asked for every item.
    token = create_link(staff_actor(practitioner), pending)
    answers = dict(PHQ9_WITH_ITEM9)
    del answers["item_5"]
    response = client.post(f"/q/{token}/", answers)
    assert response.status_code == 400 and b"Please answer question 5." in response.content


def test_phq9_difficulty_question_is_stored_but_not_scored(client, practitioner, pending) -> None:
    token = create_link(staff_actor(practitioner), pending)
    answers = {f"item_{n}": "0" for n in range(1, 10)} | {"extra_difficulty": "2"}
    assert client.post(f"/q/{token}/", answers).status_code == 200
    pending.refresh_from_db()
    assert pending.total == 0 and pending.details == {"difficulty": "Very difficult"}


def test_the_alert_reaches_the_practitioner_and_owner_dashboards_not_a_colleague(
    client, login, practitioner, owner, colleague, pending
) -> None:
    token = create_link(staff_actor(practitioner), pending)
    client.post(f"/q/{token}/", PHQ9_WITH_ITEM9)
    for user, sees in ((practitioner, True), (owner, True), (colleague, False)):
        html = login(user).get("/").content.decode()
        assert ("PHQ-9 item 9" in html) is sees, user


def test_the_link_holders_answers_are_in_the_owners_audit_log_without_the_token(
    client, login, owner, practitioner, practice, pending
) -> None:
    token = create_link(staff_actor(practitioner), pending)
    client.get(f"/q/{token}/")
    client.post(f"/q/{token}/", PHQ9_WITH_ITEM9)
    by_holder = AuditEvent.objects.filter(actor_kind="link")
    assert {(e.action, e.object_type) for e in by_holder} >= {
        ("read", "measures.administration"),
        ("update", "measures.administration"),
        ("create", "alerts.alert"),  # the risk answer raised an alert
    }
    for event in by_holder:
        assert event.practice_id == practice.pk and event.client_id == pending.client_id
        assert event.actor is None and event.actor_ref.startswith("link: ~")
    # The owner's log lists them, as left by "a secure link".
    page = login(owner).get("/practice/audit/?action=update").content.decode()
    assert "Secure link" in page
    # The token is nowhere in the audit table, whatever the column.
    for row in AuditEvent.objects.values():
        assert token not in repr(row)
