from __future__ import annotations

from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, object]:
    return {"membership": getattr(request, "membership", None)}
