"""Changes to the practice and its people: settings, members, roles, access, deactivation.

Every change of who may see what is audited as an access change. Only an owner does these.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from somatrace.accounts.models import Membership, Practice, Role, User
from somatrace.audit import services as audit
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError

PRACTICE_FIELDS = ("name", "time_zone", "crisis_resources", "safety_protocol")


@transaction.atomic
def create_practice(
    *, name: str, time_zone: str, owner_email: str, owner_name: str, password: str, command: str
) -> Membership:
    """A new practice and its owner, from the server's command line (there is no one in
    the practice yet to act: the actor is whoever runs `command`). Audited."""
    practice = Practice(name=name, time_zone=time_zone)
    practice.full_clean()
    practice.save()
    owner = User.objects.create_user(owner_email, password, full_name=owner_name)
    membership = Membership.objects.create(user=owner, practice=practice, role=Role.OWNER)
    actor = Actor.command_line(practice.pk, command)
    audit.created(actor, practice, ["name", "time_zone"])
    audit.access_changed(actor, membership, ["user", "role"])
    return membership


@transaction.atomic
def update_practice(actor: Actor, changes: Mapping[str, Any]) -> Practice:
    actor.require_owner()
    unknown = set(changes) - set(PRACTICE_FIELDS)
    if unknown:
        raise RuleError("These settings cannot be changed here: " + ", ".join(sorted(unknown)))
    practice = Practice.objects.select_for_update().get(pk=actor.practice_id)
    for name, value in changes.items():
        setattr(practice, name, value)
    practice.full_clean()
    practice.save()
    if changes:
        audit.updated(actor, practice, list(changes))
    return practice


@transaction.atomic
def add_member(
    actor: Actor, *, email: str, full_name: str, role: str, sees_all_clients: bool
) -> Membership:
    """A new person in the practice. They get a random password they never learn: the
    invitation link lets them choose their own."""
    actor.require_owner()
    email = email.lower()
    if User.objects.filter(email=email).exists():
        raise RuleError("Someone with this email already has an account.")
    user = User.objects.create_user(email, secrets.token_urlsafe(32), full_name=full_name)
    membership = Membership.objects.create(
        user=user,
        practice_id=actor.practice_id,
        role=role,
        sees_all_clients=sees_all_clients and role == Role.PRACTITIONER,
    )
    audit.access_changed(actor, membership, ["user", "role", "sees_all_clients"])
    return membership


def _owners(practice_id: int) -> Any:
    return Membership.objects.filter(practice_id=practice_id, role=Role.OWNER, user__is_active=True)


@transaction.atomic
def change_access(
    actor: Actor, membership: Membership, *, role: str, sees_all_clients: bool
) -> Membership:
    """Promote, demote, or grant or take back "sees every client" (practitioners only)."""
    actor.require_owner()
    if role not in Role.values:
        raise RuleError("Choose owner, practitioner or assistant.")
    sees_all_clients = sees_all_clients and role == Role.PRACTITIONER
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and not _owners(actor.practice_id).exclude(pk=membership.pk).exists()
    ):
        raise RuleError("A practice needs at least one owner.")
    changed = [
        name
        for name, value in (("role", role), ("sees_all_clients", sees_all_clients))
        if getattr(membership, name) != value
    ]
    if changed:
        membership.role = role
        membership.sees_all_clients = sees_all_clients
        membership.save(update_fields=changed)
        audit.access_changed(actor, membership, changed)
    return membership


@transaction.atomic
def deactivate_member(actor: Actor, membership: Membership) -> Membership:
    """Take someone's access away, at once: an inactive user is refused on their next
    request, and their password is replaced by a random one nobody knows, which also ends
    every signed-in session for good (Django ties a session to the password). Reactivating
    sends a link to choose a new password. Their records and their authorship stay."""
    actor.require_owner()
    if membership.user_id == actor.user_id:
        raise RuleError("You cannot deactivate yourself; another owner can.")
    if (
        membership.role == Role.OWNER
        and not _owners(actor.practice_id).exclude(pk=membership.pk).exists()
    ):
        raise RuleError("A practice needs at least one active owner.")
    user = membership.user
    if user.is_active:
        user.is_active = False
        user.set_password(secrets.token_urlsafe(32))
        user.save(update_fields=["is_active", "password"])
        audit.access_changed(actor, membership, ["is_active", "password"])
    return membership


@transaction.atomic
def reactivate_member(actor: Actor, membership: Membership) -> Membership:
    """Give access back; the person then chooses a new password from the link they are sent."""
    actor.require_owner()
    user = membership.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.access_changed(actor, membership, ["is_active"])
    return membership


def send_password_link(membership: Membership, *, domain: str, use_https: bool) -> None:
    """Email the member a link to choose a password: Django's password-reset email, worded
    as an invitation to the practice."""
    invite = PasswordResetForm({"email": membership.user.email})
    if invite.is_valid():
        invite.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="registration/invite_subject.txt",
            email_template_name="registration/invite_email.txt",
            # The stubs say str values; Django passes any object to the template.
            extra_email_context={"practice": membership.practice},  # type: ignore[dict-item]
        )
