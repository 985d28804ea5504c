"""Personal access tokens from the command line: made once, listed without the secret,
revoked, each change audited without the token."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from somatrace.api.models import AccessToken
from somatrace.api.services import hash_token
from somatrace.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_token_create_prints_the_token_once_and_stores_only_its_hash(
    client, practitioner, client_record
) -> None:
    secret = run(
        "token",
        "create",
        "--user",
        practitioner.email,
        "--scope",
        "clients:read",
        "--scope",
        "sessions:read",
        "--days",
        "7",
    ).strip()
    token = AccessToken.objects.get()
    assert token.token_hash == hash_token(secret) and secret not in token.token_hash
    assert token.scopes == ["clients:read", "sessions:read"]
    assert 6.9 < (token.expires_at - timezone.now()).total_seconds() / 86400 <= 7
    response = client.get("/api/v1/clients", headers={"Authorization": f"Bearer {secret}"})
    assert [c["id"] for c in response.json()["items"]] == [client_record.pk]
    row = AuditEvent.objects.get(action="access", object_type="api.accesstoken")
    assert row.channel == "cli" and row.fields == ["expires_at", "name", "scopes"]
    assert secret not in str(row.__dict__)
    listing = run("token", "list", "--user", practitioner.email)
    assert "active" in listing and "clients:read sessions:read" in listing
    assert secret not in listing


def test_token_revoke_stops_the_token_and_is_audited(client, practitioner) -> None:
    secret = run("token", "create", "--user", practitioner.email, "--scope", "clients:read").strip()
    token = AccessToken.objects.get()
    run("token", "revoke", str(token.pk))
    response = client.get("/api/v1/clients", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="access", fields=["revoked_at"]).count() == 1
    assert "revoked" in run("token", "list", "--user", practitioner.email)


def test_token_create_refuses_unknown_people_and_bad_lengths(practitioner) -> None:
    with pytest.raises(CommandError, match="No practice member"):
        run("token", "create", "--user", "nobody@example.test", "--scope", "clients:read")
    with pytest.raises(CommandError, match="1 to 366 days"):
        run(
            "token",
            "create",
            "--user",
            practitioner.email,
            "--scope",
            "clients:read",
            "--days",
            "0",
        )
    assert not AccessToken.objects.exists()
