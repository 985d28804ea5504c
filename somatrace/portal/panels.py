"""The portal's own navigation entries and panels on the portal home (core/panels.py)."""

from __future__ import annotations

from somatrace.core.panels import Panel, PortalLink

LINKS = [PortalLink("Home", "portal_home", 0)]

# The portal's shell, kept by the service worker so that the portal opens offline.
OFFLINE_STATIC = [
    "css/app.css",
    "css/portal.css",
    "js/portal.js",
    "vendor/htmx.min.js",
    "img/favicon.svg",
    "img/portal-icon-192.png",
]

PANELS: list[Panel] = []
