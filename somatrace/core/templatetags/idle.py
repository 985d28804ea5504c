"""{% idle_watch %}: the idle sign-out warning of core/idle.py on a page (the live console):
its banner, its settings as JSON ("idle-config") and static/js/idle.js."""

from __future__ import annotations

from typing import Any

from django import template

from somatrace.core.idle import idle_config, limit_seconds

register = template.Library()


@register.inclusion_tag("core/_idle_watch.html", takes_context=True)
def idle_watch(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    on = bool(limit_seconds()) and request.user.is_authenticated
    return {"on": on, "idle_config": idle_config(request) if on else None}
