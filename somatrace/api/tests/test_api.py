"""The REST API as its callers meet it: tokens, scopes, who sees what, the console's rules,
pages, rate limits and the audit trail."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from somatrace.api import cursor
from somatrace.api.models import AccessToken
from somatrace.api.testing import make_token
from somatrace.audit.models import AuditEvent
from somatrace.clients.models import TouchConsentMap
from somatrace.testing import make_client, make_session
from somatrace.therapy.models import TimelineEvent
from somatrace.therapy.testing import started_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def call(client, method, url, token, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return getattr(client, method)(url, headers=headers, **kwargs)


def test_the_schema_is_published_at_api_openapi_json(client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/clients" in paths
    assert "post" in paths["/api/v1/sessions/{session_id}/events"]


def test_no_token_or_a_wrong_one_gets_401_in_the_error_shape(client, practitioner) -> None:
    for token in ("", "st_not-a-token"):
        response = call(client, "get", "/api/v1/clients", token)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


def test_a_token_works_until_revoked_or_expired(client, practitioner, client_record) -> None:
    token = make_token(practitioner)
    assert call(client, "get", "/api/v1/clients", token).status_code == 200
    stored = AccessToken.objects.get()
    assert stored.token_hash != token and token not in str(stored.__dict__)
    assert stored.last_used_at is not None
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call(client, "get", "/api/v1/clients", token).status_code == 401
    AccessToken.objects.update(expires_at=timezone.now() + timedelta(days=1))
    assert call(client, "get", "/api/v1/clients", token).status_code == 200
    AccessToken.objects.update(revoked_at=timezone.now())
    assert call(client, "get", "/api/v1/clients", token).status_code == 401


def test_a_deactivated_members_token_stops_working(client, practitioner) -> None:
    token = make_token(practitioner)
    practitioner.is_active = False
    practitioner.save()
    assert call(client, "get", "/api/v1/clients", token).status_code == 401


def test_a_token_without_the_scope_gets_403(client, practitioner, client_record) -> None:
    token = make_token(practitioner, ["sessions:read"])
    response = call(client, "get", "/api/v1/clients", token)
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "missing_scope",
        "message": "This token lacks the scope clients:read.",
    }


def test_a_token_sees_what_its_owner_sees_and_no_more(
    client, practitioner, colleague, client_record, practice
) -> None:
    other = make_client(practice, colleague, name="Held By Colleague")
    token = make_token(practitioner)
    response = call(client, "get", "/api/v1/clients", token)
    assert [c["id"] for c in response.json()["items"]] == [client_record.pk]
    assert call(client, "get", f"/api/v1/clients/{other.pk}", token).status_code == 404
    detail = call(client, "get", f"/api/v1/clients/{client_record.pk}", token).json()
    assert detail["name"] == client_record.name
    assert detail["clinical"]["suds_window_low"] == client_record.suds_window_low


def test_another_practices_token_gets_404_for_every_id(client, outsider, client_record) -> None:
    session = make_session(client_record)
    token = make_token(outsider)
    assert call(client, "get", "/api/v1/clients", token).json()["items"] == []
    for url in (
        f"/api/v1/clients/{client_record.pk}",
        f"/api/v1/clients/{client_record.pk}/sessions",
        f"/api/v1/sessions/{session.pk}",
        f"/api/v1/sessions/{session.pk}/events",
    ):
        response = call(client, "get", url, token)
        assert response.status_code == 404, url
        assert client_record.name not in response.content.decode()
    assert not AuditEvent.objects.filter(actor=outsider, client_id=client_record.pk).exists()


def test_an_assistant_token_reads_contact_details_but_no_clinical_record(
    client, assistant, client_record
) -> None:
    session = make_session(client_record, subjective="Secret-note-7f3a")
    token = make_token(assistant)
    detail = call(client, "get", f"/api/v1/clients/{client_record.pk}", token).json()
    assert detail["name"] == client_record.name and detail["clinical"] is None
    assert call(client, "get", f"/api/v1/sessions/{session.pk}", token).status_code == 404
    events = call(client, "get", f"/api/v1/sessions/{session.pk}/events", token)
    assert events.status_code == 404
    listed = call(client, "get", f"/api/v1/clients/{client_record.pk}/sessions", token)
    assert listed.status_code == 404
    assert "Secret-note-7f3a" not in (events.content + listed.content).decode()


def technique(region: str, **fields):
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "technique",
        "code": "unwinding",
        "region": region,
        "at": (timezone.now() - timedelta(seconds=5)).replace(microsecond=0).isoformat(),
        **fields,
    }


def test_appending_an_event_honours_touch_consent_like_the_console(
    client, practitioner, client_record
) -> None:
    TouchConsentMap.objects.create(
        client=client_record,
        version=1,
        created_by=practitioner,
        regions={"f_groin_l": "not_welcome"},
    )
    session = started_session(client_record)
    token = make_token(practitioner)
    url = f"/api/v1/sessions/{session.pk}/events"
    refused = call(
        client, "post", url, token, data=technique("pelvis_hips"), content_type="application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "touch_not_welcome"
    assert "not welcome" in refused.json()["error"]["message"]
    assert not TimelineEvent.objects.exists()

    body = technique("pelvis_hips", override_reason="Client asked for it today.")
    stored = call(client, "post", url, token, data=body, content_type="application/json")
    assert stored.status_code == 201 and stored.json()["created"] is True
    again = call(client, "post", url, token, data=body, content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert TimelineEvent.objects.get().created_by == practitioner
    assert AuditEvent.objects.filter(
        action="create", object_type="therapy.timelineevent", channel="api", actor=practitioner
    ).exists()


def test_an_invalid_event_gets_400_and_a_token_without_write_scope_403(
    client, practitioner, client_record
) -> None:
    session = started_session(client_record)
    url = f"/api/v1/sessions/{session.pk}/events"
    token = make_token(practitioner)
    bad = call(
        client, "post", url, token, data={"kind": "technique"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"
    reader = make_token(practitioner, ["events:read"])
    body = technique("")
    assert (
        call(client, "post", url, reader, data=body, content_type="application/json").status_code
        == 403
    )


def test_pages_follow_the_cursor_in_id_order(client, practitioner, practice) -> None:
    ids = [make_client(practice, practitioner).pk for _ in range(5)]
    token = make_token(practitioner)
    first = call(client, "get", "/api/v1/clients?limit=2", token).json()
    assert [c["id"] for c in first["items"]] == ids[:2]
    assert first["next_cursor"] == cursor.encode(ids[1])
    second = call(client, "get", f"/api/v1/clients?limit=2&cursor={first['next_cursor']}", token)
    third = call(
        client, "get", f"/api/v1/clients?limit=2&cursor={second.json()['next_cursor']}", token
    )
    assert [c["id"] for c in second.json()["items"]] == ids[2:4]
    assert [c["id"] for c in third.json()["items"]] == ids[4:] and third.json()[
        "next_cursor"
    ] is None
    for bad in ("limit=101", "limit=0", "cursor=%21%21", "since=yesterday"):
        response = call(client, "get", f"/api/v1/clients?{bad}", token)
        assert response.status_code == 400, bad
        assert set(response.json()["error"]) == {"code", "message"}


def test_since_and_until_filter_by_date(client, practitioner, client_record) -> None:
    old, new = make_session(client_record, days_ago=10), make_session(client_record, days_ago=1)
    token = make_token(practitioner)
    cut = (timezone.now() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = f"/api/v1/clients/{client_record.pk}/sessions"
    since = call(client, "get", f"{url}?since={cut}", token).json()["items"]
    until = call(client, "get", f"{url}?until={cut}", token).json()["items"]
    assert [s["id"] for s in since] == [new.pk]
    assert [s["id"] for s in until] == [old.pk]


def test_a_token_past_its_rate_limit_gets_429(client, practitioner, settings) -> None:
    settings.SOMATRACE_API_RATE_PER_MINUTE = 3
    token = make_token(practitioner)
    codes = [call(client, "get", "/api/v1/clients", token).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = make_token(practitioner)  # the limit is per token
    assert call(client, "get", "/api/v1/clients", other).status_code == 200


def test_every_call_is_audited_as_the_owner_on_the_api_channel(
    client, practitioner, client_record
) -> None:
    session = make_session(client_record)
    token = make_token(practitioner)
    before = AuditEvent.objects.count()
    call(client, "get", "/api/v1/clients", token)
    call(client, "get", f"/api/v1/clients/{client_record.pk}", token)
    call(client, "get", f"/api/v1/sessions/{session.pk}", token)
    rows = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(r.action, r.object_type, r.channel) for r in rows] == [
        ("read", "clients.client", "api"),
        ("read", "clients.client", "api"),
        ("read", "therapy.session", "api"),
    ]
    assert all(r.actor == practitioner and r.client_id == client_record.pk for r in rows[1:])
    assert rows[0].object_ids == [client_record.pk]
    assert all(token not in r.path for r in rows)


def test_a_large_body_with_a_token_reaches_the_api(client, practitioner, client_record) -> None:
    """core/bodies.py refuses anonymous bodies; one with a token is the API's to judge."""
    session = started_session(client_record)
    token = make_token(practitioner)
    body = technique("", text="x" * 20_000)
    response = call(
        client,
        "post",
        f"/api/v1/sessions/{session.pk}/events",
        token,
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400  # the API's answer (text too long), not the 401
    assert response.json()["error"]["code"] == "bad_request"


def test_a_body_over_the_servers_limit_gets_413_in_the_error_shape(
    client, practitioner, client_record
) -> None:
    session = started_session(client_record)
    token = make_token(practitioner)
    body = technique("", text="x" * 3_000_000)
    response = call(
        client,
        "post",
        f"/api/v1/sessions/{session.pk}/events",
        token,
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_large_body_without_a_valid_token_is_refused_unread(client, client_record) -> None:
    session = make_session(client_record)
    url = f"/api/v1/sessions/{session.pk}/events"
    body = technique("", text="x" * 20_000)
    anonymous = client.post(url, body, content_type="application/json")
    assert anonymous.status_code == 401  # core/bodies.py: no Authorization header
    forged = call(client, "post", url, "st_forged", data=body, content_type="application/json")
    assert forged.status_code == 401  # the API checks the token before it reads the body
    assert forged.json()["error"]["code"] == "unauthorized"
    assert not TimelineEvent.objects.exists()


def test_a_full_page_costs_a_bounded_number_of_queries(
    client, practitioner, practice, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        make_client(practice, practitioner)
    token = make_token(practitioner)
    call(client, "get", "/api/v1/clients?limit=1", token)  # last_used_at written once
    # token, membership, the rate limit in the database cache (5), the page, the audit row
    with django_assert_max_num_queries(10):
        response = call(client, "get", "/api/v1/clients?limit=100", token)
    assert len(response.json()["items"]) == 30
