"""Panels the physiology app adds to the client, session and dashboard pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("physio/panels/client.html", takes_context=True)
def physio_client_panel(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """The client panel; queries only what the user may see, a bounded number of times."""
    return {}


@register.inclusion_tag("physio/panels/session.html", takes_context=True)
def physio_session_panel(context: dict[str, Any], session: Any) -> dict[str, Any]:
    """The session panel; queries only what the user may see, a bounded number of times."""
    return {}
