from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from somatrace.accounts.access import member_required
from somatrace.alerts.models import Alert
from somatrace.audit import log as audit
from somatrace.clients.models import Client
from somatrace.therapy.models import Session


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and monitoring: reaches the database, says nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def _day_bounds(day_offset: int = 0) -> tuple[datetime, datetime]:
    """Start and end of a day in the practice's time zone (active for this request)."""
    today = timezone.localdate() + timedelta(days=day_offset)
    start = timezone.make_aware(datetime.combine(today, time.min))
    return start, start + timedelta(days=1)


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    clinical = membership.sees_clinical_data
    schedule = Session.objects.visible_to(request.user, clinical=clinical).select_related(
        "client", "practitioner"
    )
    today_start, today_end = _day_bounds()
    todays = list(
        schedule.filter(starts_at__gte=today_start, starts_at__lt=today_end).order_by("starts_at")
    )
    recent = list(
        schedule.filter(
            starts_at__lt=today_start, starts_at__gte=today_start - timedelta(days=14)
        ).order_by("-starts_at")[:12]
    )
    alerts: list[Alert] = []
    on_hold: list[Client] = []
    unsigned: list[Session] = []
    if clinical:
        alerts = list(Alert.objects.visible_to(request.user).open().select_related("client"))
        on_hold = list(
            Client.objects.visible_to(request.user)
            .filter(hold_since__isnull=False)
            .order_by("hold_since")
        )
        unsigned = list(
            schedule.filter(
                signed_at__isnull=True,
                starts_at__lt=timezone.now(),
                practitioner_id=request.user.pk,
            ).order_by("-starts_at")[:10]
        )
    shown = {s.client_id for s in [*todays, *recent, *unsigned]}
    shown |= {a.client_id for a in alerts} | {c.pk for c in on_hold}
    audit.listed(request, "dashboard", sorted(shown))
    return render(
        request,
        "core/dashboard.html",
        {
            "todays": todays,
            "recent": recent,
            "alerts": alerts,
            "on_hold": on_hold,
            "unsigned": unsigned,
            "clinical": clinical,
        },
    )
