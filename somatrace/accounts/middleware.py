"""Build the actor for each request once: the logged-in member, their practice, the address
and the (secret-free) path. Times are shown in the practice's zone. Then hold a member to
two-factor sign-in: one with a second factor uses it before anything else, and one whose
practice requires it adds one before anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from somatrace.accounts.models import ClientAccount, Membership
from somatrace.accounts.services import DEVICE_MODELS
from somatrace.core.actor import Actor
from somatrace.core.client_address import client_ip
from somatrace.core.redact import safe_path


def membership_of(user: Any) -> Membership | None:
    """The user's membership with its practice loaded, or None for anonymous or unattached users."""
    if not getattr(user, "is_authenticated", False):
        return None
    # Cached on the user object: one query per request, however many views ask.
    if not hasattr(user, "_somatrace_membership"):
        found = (
            Membership.objects.select_related("practice")
            .annotate(**_HAS_DEVICE)
            .filter(user_id=user.pk)
            .first()
        )
        if found is not None:
            found.user = user
        user._somatrace_membership = found
    membership: Membership | None = user._somatrace_membership
    return membership


# Whether the member has a confirmed second factor, in the same query as the membership.
_HAS_DEVICE = {
    f"has_{model._meta.model_name}": Exists(
        model.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    )
    for model in DEVICE_MODELS
}


def has_second_factor(membership: Membership) -> bool:
    """Whether the member (as membership_of loaded them) has a confirmed second factor."""
    return any(getattr(membership, name, False) for name in _HAS_DEVICE)


def is_verified(request: HttpRequest) -> bool:
    """Whether this sign-in passed a second factor (django-otp's OTPMiddleware knows)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check()) if check is not None else False


def client_account_of(user: Any) -> ClientAccount | None:
    """The user's portal account with its client and practice, or None (staff, anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_somatrace_client_account"):
        user._somatrace_client_account = (
            ClientAccount.objects.select_related("client", "practice")
            .filter(user_id=user.pk)
            .first()
        )
    account: ClientAccount | None = user._somatrace_client_account
    return account


# What a client signed in to their portal may open besides the portal's own pages (named
# portal_*) and public pages. Everything else answers 403: staff pages are not for them.
CLIENT_MAY_OPEN = {"logout", "healthz", "idle_status", "idle_stay"}


class PracticeMiddleware:
    """request.actor: a practice member (STAFF, web) or a client in their portal (CLIENT,
    portal); None for anyone else. request.client_account: the portal account, or None."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = membership_of(request.user)
        account = client_account_of(request.user) if membership is None else None
        request.membership = membership  # type: ignore[attr-defined]
        request.client_account = account  # type: ignore[attr-defined]
        actor = None
        if membership is not None:
            actor = Actor.staff(membership, ip=client_ip(request), path=safe_path(request.path))
            timezone.activate(membership.practice.zone)
        elif account is not None:
            actor = Actor.portal_client(
                practice_id=account.practice_id,
                client_id=account.client_id,
                account_id=account.pk,
                user=request.user,
                ip=client_ip(request),
                path=safe_path(request.path),
            )
            timezone.activate(account.practice.zone)
        request.actor = actor  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """A client reaches their portal and public pages only, whatever the staff view's
        own decorators say (some staff pages have none)."""
        if getattr(request, "client_account", None) is None:
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if (name or "").startswith("portal_") or name in CLIENT_MAY_OPEN:
            return None
        if name in ("dashboard", "login"):
            return redirect("portal_home")
        if not getattr(view, "login_required", True):
            return None  # public: a questionnaire link, the password reset pages
        raise PermissionDenied("This page is for the practice's staff.")


# What a member may open before passing their second factor, or before adding one when the
# practice requires it. Public pages (login_not_required) stay open to everyone.
BEFORE_VERIFYING = {
    "logout",
    "healthz",
    "two_factor_verify",
    "two_factor_passkey_options",
    "two_factor_passkey",
}
BEFORE_ENROLLING = {
    "logout",
    "healthz",
    "account_security",
    "totp_add",
    "totp_confirm",
    "passkey_add_options",
    "passkey_add",
    "recovery_codes",
    "device_remove",
}


class TwoFactorMiddleware:
    """After PracticeMiddleware (and django-otp's OTPMiddleware, for user.is_verified())."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        membership: Membership | None = getattr(request, "membership", None)
        if membership is None or not getattr(view, "login_required", True):
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if has_second_factor(membership):
            if name in BEFORE_VERIFYING or is_verified(request):
                return None
            return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
        if membership.practice.require_two_factor and name not in BEFORE_ENROLLING:
            return redirect("account_security")
        return None
