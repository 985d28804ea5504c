"""Personal access tokens: made, revoked and checked here only, each change audited
(Action.ACCESS, never the token itself)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from somatrace.accounts.models import Membership
from somatrace.api.models import AccessToken
from somatrace.api.scopes import DEFAULT_DAYS, MAX_DAYS, unknown_scopes
from somatrace.audit import services as audit
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError

PREFIX = "st_"
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Made:
    token: AccessToken
    secret: str  # shown once, never stored


def create_token(
    actor: Actor,
    membership: Membership,
    *,
    name: str,
    scopes: list[str],
    days: int = DEFAULT_DAYS,
) -> Made:
    """A new token for `membership`'s user. Staff make their own; the command line makes one
    for anyone of its practice."""
    if actor.is_staff_member and actor.user_id != membership.user_id:
        raise RuleError("You can make tokens only for yourself.")
    if membership.practice_id != actor.practice_id:
        raise RuleError("That person is not a member of this practice.")
    if not membership.user.is_active:
        raise RuleError("That account is deactivated.")
    name = name.strip()
    if not name:
        raise RuleError("Give the token a name.")
    unknown = unknown_scopes(scopes)
    if unknown:
        raise RuleError(f"Unknown scope: {', '.join(unknown)}.")
    if not scopes:
        raise RuleError("Choose at least one scope.")
    if not 1 <= days <= MAX_DAYS:
        raise RuleError(f"A token lasts from 1 to {MAX_DAYS} days.")
    secret = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = AccessToken.objects.create(
            user=membership.user,
            practice_id=membership.practice_id,
            name=name[:100],
            token_hash=hash_token(secret),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.access_changed(actor, token, ["name", "scopes", "expires_at"])
    return Made(token, secret)


def revoke_token(actor: Actor, token: AccessToken) -> AccessToken:
    """Stop a token at once. Staff revoke their own, owners any of their practice's."""
    if token.practice_id != actor.practice_id or (
        actor.is_staff_member and not actor.is_owner and token.user_id != actor.user_id
    ):
        raise RuleError("You cannot revoke this token.")
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.access_changed(actor, token, ["revoked_at"])
    return token


def authenticate(secret: str) -> tuple[AccessToken, Membership] | None:
    """The usable token and its owner's membership for `secret`, or None: unknown, revoked,
    expired, or its owner deactivated or no longer in the token's practice. Notes the use."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = AccessToken.objects.select_related("user").filter(token_hash=hash_token(secret)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    membership = (
        Membership.objects.select_related("practice")
        .filter(user_id=token.user_id, practice_id=token.practice_id)
        .first()
    )
    if membership is None:
        return None
    membership.user = token.user
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, membership
