"""Builders for API tests, and what the URL walk needs to know about the api app."""

from __future__ import annotations

from typing import Any

from somatrace.accounts.models import Membership
from somatrace.api import services
from somatrace.api.scopes import SCOPES
from somatrace.core.actor import Actor

# The schema is public on purpose: it describes the API, never a record; /api/ itself (ninja's
# root) answers 404 to everyone. The resources under /api/v1/ are unnamed: they answer 401,
# not the login page, and somatrace/api/tests check who sees what through them.
PUBLIC_URL_NAMES = {"openapi-json", "api-root"}


def make_token(user: Any, scopes: list[str] | None = None, *, days: int = 90) -> str:
    """A token for `user` (all scopes unless named), made as the command line would."""
    membership = Membership.objects.select_related("user").get(user=user)
    actor = Actor.command_line(membership.practice_id, "api token create")
    made = services.create_token(
        actor, membership, name="test", scopes=scopes or sorted(SCOPES), days=days
    )
    return made.secret


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """A token of the client's practitioner, for the account pages' revoke address."""
    make_token(client.assigned_practitioner)
    token = client.assigned_practitioner.api_tokens.get()
    return {"token_id": token.pk}
