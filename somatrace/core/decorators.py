"""Who may come in: doors check the actor that accounts.middleware built for the request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy

from somatrace.core.actor import Actor, ActorKind


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


class PortalRequest(HttpRequest):
    """A request as client_portal_required lets it through: from a client signed in to their
    own portal, with their actor (CLIENT, portal) and their clients.Client."""

    actor: Actor
    client_account: Any  # accounts.ClientAccount
    portal_client: Any  # clients.Client: the one client this portal belongs to


def client_portal_required(view: View) -> View:
    """A client signed in to their own portal. Anonymous: to the portal's sign-in page (the
    login middleware reads `login_url`); staff, or anyone else signed in: 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor: Actor | None = getattr(request, "actor", None)
        account = getattr(request, "client_account", None)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal_login"))
        if actor is None or account is None or actor.kind is not ActorKind.CLIENT:
            raise PermissionDenied("The portal is for clients, with their own account.")
        request.portal_client = account.client  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapped.login_url = reverse_lazy("portal_login")  # type: ignore[attr-defined]
    return wrapped
