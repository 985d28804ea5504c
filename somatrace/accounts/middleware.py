"""Build the actor for each request once: the logged-in member, their practice, the address
and the (secret-free) path. Times are shown in the practice's zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from somatrace.accounts.models import Membership
from somatrace.core.actor import Actor
from somatrace.core.client_address import client_ip
from somatrace.core.redact import safe_path


def membership_of(user: Any) -> Membership | None:
    """The user's membership with its practice loaded, or None for anonymous or unattached users."""
    if not getattr(user, "is_authenticated", False):
        return None
    # Cached on the user object: one query per request, however many views ask.
    if not hasattr(user, "_somatrace_membership"):
        found = Membership.objects.select_related("practice").filter(user_id=user.pk).first()
        if found is not None:
            found.user = user
        user._somatrace_membership = found
    membership: Membership | None = user._somatrace_membership
    return membership


class PracticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = membership_of(request.user)
        request.membership = membership  # type: ignore[attr-defined]
        request.actor = (  # type: ignore[attr-defined]
            Actor.staff(membership, ip=client_ip(request), path=safe_path(request.path))
            if membership is not None
            else None
        )
        if membership is not None:
            timezone.activate(zoneinfo.ZoneInfo(membership.practice.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
