from __future__ import annotations

from django.http import HttpRequest

from somatrace.accounts.middleware import has_second_factor, is_verified


def membership(request: HttpRequest) -> dict[str, object]:
    """The member's place (practice name, role) and the actor (what they may do) for templates.

    Before the second step of signing in is passed, pages show neither: the password alone
    does not tell its holder whose practice it opens."""
    member = getattr(request, "membership", None)
    if member is not None and has_second_factor(member) and not is_verified(request):
        return {"membership": None, "actor": None}
    return {"membership": member, "actor": getattr(request, "actor", None)}
