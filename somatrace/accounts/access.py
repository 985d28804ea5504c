"""Who may do what: the one place that turns a logged-in user into a practice and a role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from somatrace.accounts.models import Membership


def membership_of(user: Any) -> Membership | None:
    """The user's membership with its practice loaded, or None for anonymous or unattached users."""
    if not getattr(user, "is_authenticated", False):
        return None
    # Cached on the user object: one query per request, however many views ask.
    if not hasattr(user, "_somatrace_membership"):
        user._somatrace_membership = (
            Membership.objects.select_related("practice").filter(user_id=user.pk).first()
        )
    membership: Membership | None = user._somatrace_membership
    return membership


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only users who belong to a practice reach the view (login is enforced globally)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            raise PermissionDenied("Your account is not part of a practice.")
        return view(request, *args, **kwargs)

    return wrapped


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = getattr(request, "membership", None)
        if membership is None or not membership.is_owner:
            raise PermissionDenied("Only the practice owner can do this.")
        return view(request, *args, **kwargs)

    return wrapped


def clinical_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Owners and practitioners only: assistants never see clinical records."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = getattr(request, "membership", None)
        if membership is None or not membership.sees_clinical_data:
            raise PermissionDenied("Clinical records are open to practitioners and owners only.")
        return view(request, *args, **kwargs)

    return wrapped
