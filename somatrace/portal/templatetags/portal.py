from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from somatrace.core.panels import portal_links

register = template.Library()


@register.inclusion_tag("portal/_nav.html", takes_context=True)
def portal_nav(context: Any) -> dict[str, Any]:
    """The portal's navigation: every app's registered PortalLink, the current one marked."""
    request = context.get("request")
    path = request.path if request is not None else ""
    links = []
    for link in portal_links():
        url = reverse(link.url_name)
        current = path == url if link.url_name == "portal_home" else path.startswith(url)
        links.append({"label": link.label, "url": url, "current": current})
    return {"links": links}
