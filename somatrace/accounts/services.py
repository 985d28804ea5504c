"""Changes to the practice and its people: settings, members, roles, access, deactivation,
and each person's second factors for signing in.

Every change of who may see what is audited as an access change. Only an owner changes the
practice and its members; each person adds and removes their own second factors, and the
owner (or the server's command line) can reset someone's when a device is lost.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from webauthn.helpers.structs import ResidentKeyRequirement

from somatrace.accounts.models import (
    ClientAccount,
    Membership,
    PortalToken,
    PortalTokenPurpose,
    Practice,
    Role,
    User,
)
from somatrace.audit import services as audit
from somatrace.core.actor import Actor, ActorKind, token_reference
from somatrace.core.errors import RuleError

PRACTICE_FIELDS = (
    "name",
    "time_zone",
    "crisis_resources",
    "safety_protocol",
    "require_two_factor",
    "retention_years",
)


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


# --- Failed sign-ins ----------------------------------------------------------------------
#
# django-axes keeps a row per failed password (AccessFailureLog) and, per email and address,
# the run of failures that locks that pair out (AccessAttempt, cleared by a success). The
# owner sees them for the practice's own people, and can lift a lockout early.

SIGN_IN_FAILURES_SHOWN = timedelta(days=30)
SIGN_IN_FAILURE_ROWS = 2000  # read at most this many failures, newest first: a bounded page


@dataclass(frozen=True)
class SignInFailures:
    membership: Membership
    count: int  # failed passwords within SIGN_IN_FAILURES_SHOWN
    last_at: Any  # datetime of the latest
    last_from: str | None  # the address of the latest
    locked_out: bool  # now, from at least one address


def failed_sign_ins(actor: Actor) -> list[SignInFailures]:
    """The practice's people who typed a wrong password in the last 30 days, most recent
    first, and whether they are locked out now (AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME)."""
    actor.require_owner()
    members = {
        m.user.email.lower(): m
        for m in Membership.objects.filter(practice_id=actor.practice_id).select_related("user")
    }
    now = timezone.now()
    failures = (
        AccessFailureLog.objects.annotate(email=Lower("username"))
        .filter(email__in=list(members), attempt_time__gte=now - SIGN_IN_FAILURES_SHOWN)
        .order_by("-attempt_time")
        .values_list("email", "attempt_time", "ip_address")[:SIGN_IN_FAILURE_ROWS]
    )
    locked = set(
        AccessAttempt.objects.annotate(email=Lower("username"))
        .filter(
            email__in=list(members),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
        )
        .values_list("email", flat=True)
    )
    seen: dict[str, list[Any]] = {}
    for email, at, address in failures:
        if email in seen:
            seen[email][0] += 1
        else:
            seen[email] = [1, at, address]
    return [
        SignInFailures(members[email], count, at, address, email in locked)
        for email, (count, at, address) in seen.items()
    ]


KEEP_SIGN_IN_FAILURES = timedelta(days=90)


def forget_old_sign_in_failures(now: Any) -> int:
    """Delete failed-sign-in rows older than KEEP_SIGN_IN_FAILURES; returns how many."""
    deleted, _ = AccessFailureLog.objects.filter(
        attempt_time__lt=now - KEEP_SIGN_IN_FAILURES
    ).delete()
    return deleted


@transaction.atomic
def lift_lockout(actor: Actor, membership: Membership) -> int:
    """Let a locked-out member try their password again now, from every address, rather
    than after the cool-off. Returns how many lockouts were lifted."""
    actor.require_owner()
    if membership.practice_id != actor.practice_id:
        raise PermissionDenied("This person is not in your practice.")
    attempts = AccessAttempt.objects.annotate(email=Lower("username")).filter(
        email=membership.user.email.lower()
    )
    lifted, _ = attempts.delete()
    audit.access_changed(actor, membership, ["sign_in_lockout"])
    return lifted


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


# --- Two-factor sign-in ---------------------------------------------------------------------
#
# Three kinds of second factor, all django-otp devices: an authenticator app (TOTPDevice), a
# passkey or security key (django-otp-webauthn's WebAuthnCredential) and one set of ten
# one-time recovery codes (a StaticDevice). Each person manages their own; the audit row
# names the device and the fields written, never a secret or a code.

RECOVERY_CODE_COUNT = 10
DEVICE_NAME_MAX = 64
# The kinds that count as a second factor of their own: recovery codes only stand in for them.
AUTHENTICATORS: tuple[type[Device], ...] = (TOTPDevice, WebAuthnCredential)
DEVICE_MODELS: tuple[type[Device], ...] = (*AUTHENTICATORS, StaticDevice)


def _own_user(actor: Actor) -> User:
    if not actor.is_staff_member or actor.user is None:
        raise PermissionDenied("Only a signed-in member manages their own second factors.")
    user: User = actor.user
    return user


def has_authenticator(user: Any) -> bool:
    """Whether the person has a confirmed authenticator app or passkey."""
    return any(
        model.objects.filter(user_id=user.pk, confirmed=True).exists() for model in AUTHENTICATORS
    )


@transaction.atomic
def start_totp(actor: Actor) -> TOTPDevice:
    """A fresh authenticator-app secret for the actor: unusable until confirmed with a code
    from the app. An earlier unconfirmed one is forgotten."""
    user = _own_user(actor)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    audit.access_changed(actor, device, ["key"])
    return device


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code)


def confirm_totp(actor: Actor, device_id: int, code: str, *, name: str = "") -> TOTPDevice:
    """Confirm a new authenticator app with a code it shows. A wrong code is refused (and
    counted: django-otp makes each further try wait longer)."""
    user = _own_user(actor)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False, pk=device_id)
            .first()
        )
        if device is None:
            raise RuleError("This set-up has expired: start again.")
        allowed, _ = device.verify_is_allowed()
        # The failure count is saved before the refusal: it must not roll back.
        verified = allowed and device.verify_token(_digits(code))
        if verified:
            device.confirmed = True
            device.name = name.strip()[:DEVICE_NAME_MAX] or "Authenticator app"
            device.save(update_fields=["confirmed", "name"])
            audit.access_changed(actor, device, ["confirmed", "name"])
    if not allowed:
        raise RuleError("Too many wrong codes: wait a few seconds, then try again.")
    if not verified:
        raise RuleError("That code did not match. Type the 6 digits the app shows now.")
    return device


@transaction.atomic
def new_recovery_codes(actor: Actor) -> list[str]:
    """Ten new one-time recovery codes; any earlier ones stop working. Returned once, to be
    shown once: the audit row says only that the set was replaced."""
    user = _own_user(actor)
    if not has_authenticator(user):
        raise RuleError("Add an authenticator app or a passkey first.")
    device = StaticDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit.access_changed(actor, device, ["token_set"])
    return sorted(codes)


def devices_of(user: Any) -> list[Device]:
    """Every confirmed second factor of the person, authenticators first."""
    found: list[Device] = []
    for model in DEVICE_MODELS:
        found += model.objects.filter(user_id=user.pk, confirmed=True).order_by("pk")
    return found


def find_device(user: Any, persistent_id: str) -> Device | None:
    """One of the person's own devices by its django-otp persistent id, else None."""
    # Parsed here: django-otp's from_persistent_id fails on some malformed ids.
    label, _, pk = persistent_id.partition("/")
    for model in DEVICE_MODELS:
        if model.model_label() == label and pk.isdigit():
            found: Device | None = model.objects.filter(user_id=user.pk, pk=int(pk)).first()
            return found
    return None


@transaction.atomic
def remove_device(actor: Actor, persistent_id: str) -> None:
    """Remove one of the actor's own second factors. Removing the last authenticator also
    removes the recovery codes, which only stand in for one."""
    user = _own_user(actor)
    device = find_device(user, persistent_id)
    if device is None:
        raise RuleError("That device is not one of yours, or was already removed.")
    audit.access_changed(actor, device, ["deleted"])
    device.delete()
    if not has_authenticator(user):
        for codes in StaticDevice.objects.filter(user=user):
            audit.access_changed(actor, codes, ["deleted"])
            codes.delete()


@transaction.atomic
def reset_second_factors(actor: Actor, membership: Membership) -> int:
    """Remove every second factor of a member who lost their device: they sign in with their
    password alone (and must enrol again if the practice requires it). The owner does this
    from the member's page; the server's command line (`somatrace reset-2fa`) for anyone,
    including an owner who lost their own. Returns how many devices were removed."""
    if actor.is_staff_member:
        actor.require_owner("Only the practice owner can reset someone's second factors.")
    elif actor.kind is not ActorKind.CLI:
        raise PermissionDenied("Second factors are reset by an owner or at the command line.")
    if membership.practice_id != actor.practice_id:
        raise PermissionDenied("This person is not in your practice.")
    removed = 0
    for model in DEVICE_MODELS:
        devices = model.objects.filter(user_id=membership.user_id)
        removed += devices.count()
        devices.delete()
    audit.access_changed(actor, membership, ["second_factors"])
    return removed


def verify_code(actor: Actor, code: str) -> Device | None:
    """Check a code typed at sign-in: 6 digits against the person's authenticator apps,
    anything else against their recovery codes (a used recovery code is gone, and audited).
    Returns the device that accepted it, or None. Each wrong code makes the next try wait
    longer (django-otp's throttling); RuleError says so while it must wait."""
    user = _own_user(actor)
    code = _digits(code).lower()
    if not code or len(code) > 16:
        return None
    # An app shows 6 digits; a recovery code is 8 letters and digits (django-otp's).
    is_app_code = len(code) == 6 and code.isdigit()
    models: tuple[type[Device], ...] = (TOTPDevice,) if is_app_code else (StaticDevice,)
    waiting = False
    with transaction.atomic():
        for model in models:
            for device in model.objects.select_for_update().filter(user=user, confirmed=True):
                allowed, _ = device.verify_is_allowed()
                if not allowed:
                    waiting = True
                    continue
                if device.verify_token(code):
                    if isinstance(device, StaticDevice):
                        audit.access_changed(actor, device, ["token_used"])
                    return device
    if waiting:
        raise RuleError("Too many wrong codes: wait a few seconds, then try again.")
    return None


# Passkeys: the ceremonies are django-otp-webauthn's helper (which uses py_webauthn), with
# the relying party from settings (OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS). The
# door keeps the challenge (`state`) in the session between the two steps.


@dataclass(frozen=True)
class PasskeyChallenge:
    options: dict[str, Any]  # for navigator.credentials.create() or .get(), as JSON
    state: dict[str, Any]  # the door keeps it in the session for the second step


def _helper() -> WebAuthnHelper:
    return WebAuthnHelper(request=None)


MALFORMED_PASSKEY = "The passkey was not accepted: the browser's answer was malformed."


def _passkey_refusal(error: Exception) -> RuleError:
    detail = getattr(error, "detail", "")
    return RuleError(f"The passkey was not accepted{': ' + str(detail) if detail else '.'}")


@transaction.atomic
def begin_passkey_registration(actor: Actor) -> PasskeyChallenge:
    user = _own_user(actor)
    options, state = _helper().register_begin(user=user)
    return PasskeyChallenge(options, state)


@transaction.atomic
def complete_passkey_registration(
    actor: Actor, state: dict[str, Any] | None, response: Any, *, name: str = ""
) -> WebAuthnCredential:
    """Store the passkey the browser created, once py_webauthn has checked it against the
    challenge, the relying party and the origin."""
    user = _own_user(actor)
    if not state or not isinstance(response, dict):
        raise RuleError("This passkey set-up has expired: start again.")
    try:
        with rewrite_exceptions():
            device = _helper().register_complete(user=user, state=state, data=response)
    except webauthn_errors.OTPWebAuthnApiError as error:
        raise _passkey_refusal(error) from error
    except (KeyError, TypeError, ValueError) as error:
        raise RuleError(MALFORMED_PASSKEY) from error
    device.name = name.strip()[:DEVICE_NAME_MAX] or "Passkey"
    device.save(update_fields=["name"])
    audit.access_changed(actor, device, ["public_key", "name"])
    return device


@transaction.atomic
def begin_passkey_sign_in(actor: Actor) -> PasskeyChallenge:
    user = _own_user(actor)
    options, state = _helper().authenticate_begin(user=user, require_user_verification=False)
    return PasskeyChallenge(options, state)


@transaction.atomic
def verify_passkey(actor: Actor, state: dict[str, Any] | None, response: Any) -> Device:
    """Check the browser's signature with one of the person's own passkeys."""
    user = _own_user(actor)
    if not state or not isinstance(response, dict):
        raise RuleError("This passkey sign-in has expired: try again.")
    try:
        with rewrite_exceptions():
            device = _helper().authenticate_complete(user=user, state=state, data=response)
    except webauthn_errors.OTPWebAuthnApiError as error:
        raise _passkey_refusal(error) from error
    except (KeyError, TypeError, ValueError) as error:
        raise RuleError(MALFORMED_PASSKEY) from error
    if not device.confirmed:
        raise RuleError("This passkey has been removed.")
    return device


# --- Client portal accounts ------------------------------------------------------------------

INVITATION_LIFETIME = timedelta(days=7)
SIGN_IN_LINK_LIFETIME = timedelta(minutes=15)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_portal_token(
    actor: Actor, client: Any, purpose: str, *, email: str = ""
) -> tuple[PortalToken, str]:
    """A new single-use secret for `client`: (its row, the secret itself, to send once and
    never store). Invitations come from the client's practitioner or the owner; sign-in
    links from the system, asked for on the portal's sign-in page."""
    if client.practice_id != actor.practice_id:
        raise PermissionDenied("This client belongs to another practice.")
    if purpose == PortalTokenPurpose.INVITATION:
        actor.require_clinical_staff("Clients are invited by a practitioner or the owner.")
        lifetime = INVITATION_LIFETIME
    elif purpose == PortalTokenPurpose.SIGN_IN and actor.kind is ActorKind.SYSTEM:
        lifetime = SIGN_IN_LINK_LIFETIME
    else:
        raise PermissionDenied("Not a portal token this actor may create.")
    token = secrets.token_urlsafe(32)
    row = PortalToken.objects.create(
        practice_id=client.practice_id,
        client=client,
        purpose=purpose,
        email=email,
        token_hash=hash_token(token),
        created_by=actor.user if actor.is_staff_member else None,
        expires_at=timezone.now() + lifetime,
    )
    audit.created(actor, row, ["purpose", "email"])
    return row, token


def find_portal_token(token: str, purpose: str) -> PortalToken | None:
    """The usable (unused, unexpired) token of that purpose, or None."""
    row = (
        PortalToken.objects.select_related("client", "practice")
        .filter(token_hash=hash_token(token), purpose=purpose)
        .first()
    )
    return row if row is not None and row.is_usable else None


def _spend(token: str, purpose: str) -> PortalToken:
    row = (
        PortalToken.objects.select_for_update()
        .filter(token_hash=hash_token(token), purpose=purpose)
        .first()
    )
    if row is None or not row.is_usable:
        raise RuleError("This link has expired or was used already.")
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return row


@transaction.atomic
def accept_invitation(token: str, password: str, *, ip: str | None = None) -> User:
    """The client sets their password from an invitation: their portal account is created
    (or, invited again, its password replaced). The invitation is spent."""
    row = _spend(token, PortalTokenPurpose.INVITATION)
    actor = Actor.link_holder(
        practice_id=row.practice_id,
        client_id=row.client_id,
        reference=f"link:{token_reference(token)}",
        ip=ip,
    )
    account = ClientAccount.objects.select_related("user").filter(client_id=row.client_id).first()
    if account is not None:
        user = account.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.updated(actor, account, ["password"])
        return user
    email = row.email.lower()
    if not email or User.objects.filter(email=email).exists():
        raise RuleError(
            "An account with this email address exists already. Ask your practitioner to "
            "invite you with another address."
        )
    user = User(email=email, full_name=row.client.name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    account = ClientAccount.objects.create(
        user=user, practice_id=row.practice_id, client_id=row.client_id
    )
    audit.created(actor, account, ["user"])
    return user


@transaction.atomic
def use_sign_in_link(token: str) -> User:
    """The portal account a one-time sign-in link opens; the link is spent."""
    row = _spend(token, PortalTokenPurpose.SIGN_IN)
    account = ClientAccount.objects.select_related("user").filter(client_id=row.client_id).first()
    if account is None or not account.user.is_active:
        raise RuleError("This link has expired or was used already.")
    return account.user


def client_account_by_email(email: str) -> ClientAccount | None:
    """The active portal account signed in with this address, or None (staff, unknown)."""
    return (
        ClientAccount.objects.select_related("client", "user")
        .filter(user__email=email.strip().lower(), user__is_active=True)
        .first()
    )


@transaction.atomic
def anonymise_client_users(actor: Actor, client_id: int) -> int:
    """When a client's records are erased: their portal sign-in is closed and its user keeps
    no name or address (the user row stays, for the audit trail that names it)."""
    actor.require_owner("Only the practice owner erases a client's records.")
    accounts = list(
        ClientAccount.objects.select_related("user").filter(
            client_id=client_id, practice_id=actor.practice_id
        )
    )
    for account in accounts:
        user = account.user
        user.email = f"erased-client-{user.pk}@erased.invalid"
        user.full_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "full_name", "is_active", "password"])
        audit.deleted(actor, account)
        account.delete()
    PortalToken.objects.filter(client_id=client_id, practice_id=actor.practice_id).delete()
    return len(accounts)


# --- Client passkeys: sign in to the portal without a password --------------------------------


class _ClientPasskeyHelper(WebAuthnHelper):
    """A client's passkey is discoverable: they sign in without typing their address."""

    def get_discoverable_credentials_preference(self) -> ResidentKeyRequirement:
        return ResidentKeyRequirement.REQUIRED


def _client_user(actor: Actor) -> User:
    if actor.kind is not ActorKind.CLIENT or actor.user is None:
        raise PermissionDenied("Only a client adds a passkey to their portal account.")
    user: User = actor.user
    return user


@transaction.atomic
def begin_client_passkey_registration(actor: Actor) -> PasskeyChallenge:
    options, state = _ClientPasskeyHelper(request=None).register_begin(user=_client_user(actor))
    return PasskeyChallenge(options, state)


@transaction.atomic
def complete_client_passkey_registration(
    actor: Actor, state: dict[str, Any] | None, response: Any
) -> WebAuthnCredential:
    user = _client_user(actor)
    if not state or not isinstance(response, dict):
        raise RuleError("This passkey set-up has expired: start again.")
    try:
        with rewrite_exceptions():
            device = _ClientPasskeyHelper(request=None).register_complete(
                user=user, state=state, data=response
            )
    except webauthn_errors.OTPWebAuthnApiError as error:
        raise _passkey_refusal(error) from error
    except (KeyError, TypeError, ValueError) as error:
        raise RuleError(MALFORMED_PASSKEY) from error
    device.name = "Passkey"
    device.save(update_fields=["name"])
    audit.access_changed(actor, device, ["public_key", "name"])
    return device


def begin_client_passkey_sign_in() -> PasskeyChallenge:
    """A challenge for any discoverable passkey: the passkey itself says whose it is."""
    options, state = _helper().authenticate_begin(user=None, require_user_verification=True)
    return PasskeyChallenge(options, state)


@transaction.atomic
def client_by_passkey(state: dict[str, Any] | None, response: Any) -> User:
    """The portal account whose passkey signed the challenge. A staff member's passkey
    never opens the portal."""
    if not state or not isinstance(response, dict):
        raise RuleError("This passkey sign-in has expired: try again.")
    try:
        with rewrite_exceptions():
            device = _helper().authenticate_complete(user=None, state=state, data=response)
    except webauthn_errors.OTPWebAuthnApiError as error:
        raise _passkey_refusal(error) from error
    except (KeyError, TypeError, ValueError) as error:
        raise RuleError(MALFORMED_PASSKEY) from error
    user = User.objects.filter(pk=device.user_id, is_active=True).first()
    if (
        not device.confirmed
        or user is None
        or not ClientAccount.objects.filter(user_id=user.pk).exists()
    ):
        raise RuleError("This passkey does not open a client's portal.")
    return user


def has_passkey(user: Any) -> bool:
    return WebAuthnCredential.objects.filter(user_id=user.pk, confirmed=True).exists()
