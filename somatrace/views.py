"""Pages that gather every app: the dashboard. It lives at the top, beside urls.py, because
it is built from the panels the apps register and audits what they show."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from somatrace.audit import services as audit
from somatrace.core.decorators import PracticeRequest, member_required
from somatrace.core.panels import render_panels


@member_required
def dashboard(request: PracticeRequest) -> HttpResponse:
    """The day at a glance. Every part is a panel an app registers (core/panels.py)."""
    panels = render_panels(request, "dashboard", None)
    audit.listed(request.actor, "dashboard", panels.shown.get("clients.client", []))
    return render(request, "core/dashboard.html", {"panels": panels})
