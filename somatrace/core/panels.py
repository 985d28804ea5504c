"""Pages that gather several apps are built from panels the apps register.

The client page, the session page, the console and the dashboard ask this registry for their
panels, so the app that owns a page imports none of its neighbours, and a new app adds a panel
without touching them. Each app registers its panels in its AppConfig.ready():

    panels.register(Panel("client", "main", 20, "measures/panels/client.html", client_panel))

A panel's `build(actor, obj)` decides visibility (None: nothing to show this actor), queries
what it needs through `visible_to(actor)` (a bounded number of queries), and says which
records it shows. The page writes one audit row naming all of them:

    panels = render_panels(request, "client", client)
    audit.read(request.actor, client, shown=panels.shown)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from somatrace.core.actor import Actor

# "progress": the client's own progress in the portal (homework's page), kept apart from the
# portal home so that the home never builds (nor audits) what only the progress page shows.
PAGES = ("client", "session", "console", "dashboard", "portal", "progress")


@dataclass
class PanelData:
    """What a panel shows: its template context and the records in it, by type."""

    context: dict[str, Any]
    shown: Mapping[str, Iterable[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Panel:
    page: str  # one of PAGES
    slot: str  # where on the page: the page's template names its slots
    order: int  # lower first within a slot
    template: str
    build: Callable[[Actor, Any], PanelData | None]


_registry: dict[str, list[Panel]] = defaultdict(list)


def register(panel: Panel) -> None:
    if panel.page not in PAGES:
        raise ValueError(f"Unknown page {panel.page!r}; pages are {PAGES}.")
    if any(p.template == panel.template and p.slot == panel.slot for p in _registry[panel.page]):
        return  # registered already (ready() can run more than once in tests)
    _registry[panel.page].append(panel)
    _registry[panel.page].sort(key=lambda p: (p.slot, p.order))


def registered(page: str) -> list[Panel]:
    return list(_registry[page])


@dataclass(frozen=True)
class PortalLink:
    """An entry in the client portal's navigation, registered by the app that owns the page."""

    label: str
    url_name: str
    order: int  # lower first


_portal_links: list[PortalLink] = []


def register_portal_link(link: PortalLink) -> None:
    if any(existing.url_name == link.url_name for existing in _portal_links):
        return  # registered already (ready() can run more than once in tests)
    _portal_links.append(link)
    _portal_links.sort(key=lambda existing: existing.order)


def portal_links() -> list[PortalLink]:
    return list(_portal_links)


# What the portal's service worker (/portal/sw.js) keeps for offline use, beyond the portal's
# own shell: static paths ("js/journal/offline.js", resolved with {% static %}) registered
# by the apps whose portal pages work offline. Never a page with client data in it.
_offline_static: list[str] = []


def register_offline_static(path: str) -> None:
    if path not in _offline_static:
        _offline_static.append(path)


def offline_static() -> list[str]:
    return list(_offline_static)


# Portal pages that work offline (the journal's writer): the service worker keeps the copy
# the signed-in client last opened, and the offline page links to them. Such a page holds
# no client record, only what writing needs; what is written waits on the phone.
_offline_pages: list[PortalLink] = []


def register_offline_page(link: PortalLink) -> None:
    if all(existing.url_name != link.url_name for existing in _offline_pages):
        _offline_pages.append(link)
        _offline_pages.sort(key=lambda existing: existing.order)


def offline_pages() -> list[PortalLink]:
    return list(_offline_pages)


@dataclass
class RenderedPanels:
    slots: dict[str, list[SafeString]]
    shown: dict[str, list[int]]

    def __getitem__(self, slot: str) -> list[SafeString]:
        return self.slots.get(slot, [])


def render_panels(request: HttpRequest, page: str, obj: Any) -> RenderedPanels:
    """Build and render every panel of `page` about `obj` (None for the dashboard)."""
    actor: Actor | None = getattr(request, "actor", None)
    slots: dict[str, list[SafeString]] = defaultdict(list)
    shown: dict[str, set[int]] = defaultdict(set)
    if actor is None:
        return RenderedPanels({}, {})
    for panel in _registry[page]:
        data = panel.build(actor, obj)
        if data is None:
            continue
        for kind, ids in data.shown.items():
            shown[kind].update(ids)
        slots[panel.slot].append(render_to_string(panel.template, data.context, request=request))
    return RenderedPanels(dict(slots), {kind: sorted(ids) for kind, ids in shown.items() if ids})
