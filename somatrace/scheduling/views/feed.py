"""A practitioner's private calendar feed: the page that makes (or remakes) its secret
address, and the feed itself, fetched by calendar programs without signing in.

The feed holds times and appointment types only (scheduling.ical): no client's name, no
note. Its address carries the secret as the URL parameter `token`, which core.redact keeps
out of logs and the audit trail.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.scheduling import services


def feed_url(token: str) -> str:
    return settings.SOMATRACE_BASE_URL + reverse("calendar_feed", kwargs={"token": token})


@clinical_required
@require_http_methods(["GET", "POST"])
def calendar_feed_settings(request: PracticeRequest) -> HttpResponse:
    """Make or reset the feed (POST): the answer shows the new address once, with a copy
    button and a QR code; it is never shown again (only its hash is kept)."""
    context: dict[str, object] = {}
    if request.method == "POST":
        token = services.reset_feed(request.actor)
        url = feed_url(token)
        svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
        context = {"url": url, "svg": mark_safe(svg)}  # noqa: S308 (segno's own SVG)
    context["feed"] = services.feed_of(request.actor)
    return render(request, "scheduling/feed/settings.html", context)


@clinical_required
@require_POST
def calendar_feed_remove(request: PracticeRequest) -> HttpResponse:
    services.remove_feed(request.actor)
    messages.success(request, "Your calendar feed is off: its address no longer works.")
    return redirect("calendar_feed_settings")


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for calendar programs: 404 for an unknown or reset address."""
    body = services.read_feed(token)
    if body is None:
        raise Http404("No such calendar.")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
