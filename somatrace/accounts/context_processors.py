from __future__ import annotations

from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, object]:
    """The member's place (practice name, role) and the actor (what they may do) for templates."""
    return {
        "membership": getattr(request, "membership", None),
        "actor": getattr(request, "actor", None),
    }
