"""Pages that gather every app: the dashboard and the owner's audit log. They live at the top,
beside urls.py: the dashboard is built from the panels the apps register, and the audit log
names the records and clients of every app."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from somatrace.audit import services as audit
from somatrace.audit.forms import AuditFilterForm
from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, member_required, owner_required
from somatrace.core.panels import render_panels

AUDIT_PAGE = 50
# Entries about a page rather than one record.
PAGE_LABELS = {
    "dashboard": "Dashboard",
    "measures.caseload": "Caseload outcomes",
    "bodymaps.research": "Research group map",
    "core.database": "Whole database (backup or restore)",
}


@member_required
def dashboard(request: PracticeRequest) -> HttpResponse:
    """The day at a glance. Every part is a panel an app registers (core/panels.py)."""
    panels = render_panels(request, "dashboard", None)
    audit.listed(request.actor, "dashboard", panels.shown.get("clients.client", []))
    return render(request, "core/dashboard.html", {"panels": panels})


def record_label(object_type: str) -> str:
    """ "therapy.timelineevent" -> "Timeline event": the model's own name for itself."""
    if object_type in PAGE_LABELS:
        return PAGE_LABELS[object_type]
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


@owner_required
@require_http_methods(["GET", "POST"])
def audit_log(request: PracticeRequest) -> HttpResponse:
    """The practice's audit log, for its owners: who did what, to which client, when."""
    actor = request.actor
    data = request.POST if request.method == "POST" else request.GET
    form = AuditFilterForm(data or None, practice_id=actor.practice_id)
    events = AuditEvent.objects.visible_to(actor).select_related("actor")
    if form.is_valid():
        filters = form.cleaned_data
        if filters["action"]:
            events = events.filter(action=filters["action"])
        if filters["actor"]:
            events = events.filter(actor_id=filters["actor"])
        if filters["client"]:
            events = events.filter(client_id=filters["client"])
        if filters["client_name"]:
            term = filters["client_name"]
            named = Client.objects.visible_to(actor).filter(
                Q(name__icontains=term) | Q(preferred_name__icontains=term)
            )
            events = events.filter(client_id__in=named.values("pk"))
        if filters["since"]:
            events = events.filter(at__date__gte=filters["since"])
        if filters["until"]:
            events = events.filter(at__date__lte=filters["until"])
    page_number = form.cleaned_data.get("page") if form.is_valid() else 1
    page = Paginator(events, AUDIT_PAGE).get_page(page_number or 1)
    names = dict(
        Client.objects.visible_to(actor)
        .filter(pk__in={e.client_id for e in page if e.client_id})
        .values_list("pk", "name")
    )
    rows = [
        {
            "event": e,
            "record": record_label(e.object_type),
            "client": names.get(e.client_id) if e.client_id else None,
        }
        for e in page
    ]
    return render(request, "audit/log.html", {"form": form, "page": page, "rows": rows})
