"""Who may come in: doors check the actor that accounts.middleware built for the request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from somatrace.core.actor import Actor


class PracticeRequest(HttpRequest):
    """A request as the member decorators let it through: from a practice member, with the
    actor that PracticeMiddleware built for them."""

    actor: Actor
    membership: Any  # accounts.Membership, with its practice: for showing names only


View = Callable[..., HttpResponse]


def _guard(view: View, allowed: Callable[[Actor], bool], refusal: str) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = getattr(request, "actor", None)
        if actor is None or not allowed(actor):
            raise PermissionDenied(refusal)
        return view(request, *args, **kwargs)

    return wrapped


def member_required(view: View) -> View:
    """Any practice member (login itself is enforced globally)."""
    return _guard(view, lambda a: a.is_staff_member, "Your account is not part of a practice.")


def owner_required(view: View) -> View:
    return _guard(view, lambda a: a.is_owner, "Only the practice owner can do this.")


def clinical_required(view: View) -> View:
    """Owners and practitioners only: assistants never see clinical records."""
    return _guard(
        view,
        lambda a: a.is_staff_member and a.sees_clinical_data,
        "Clinical records are open to practitioners and owners only.",
    )
