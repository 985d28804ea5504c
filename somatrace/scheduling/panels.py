"""Panels the calendar adds to the dashboard (today's appointments) and the client page (the
client's next appointments, with a link to book)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData
from somatrace.core.wallclock import local_days
from somatrace.scheduling.models import Appointment, AppointmentStatus

# Like therapy's MAX_TODAY: a practitioner's day fits whole; an owner of a large clinic sees
# the first this many of the day, and the calendar for the rest.
MAX_TODAY = 40
MAX_NEXT = 5  # the client page lists the next few; the calendar has the rest


def dashboard_today(actor: Actor, _: Any) -> PanelData | None:
    """Today's appointments: the viewer's own, or the whole practice for those who see it
    (owners, assistants, practitioners granted the practice). Two queries."""
    if not actor.is_staff_member:
        return None
    start, end = local_days(timezone.localdate())
    day = (
        Appointment.objects.visible_to(actor, clinical=False)
        .filter(practice_id=actor.practice_id, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
    )
    if not actor.sees_whole_practice:
        day = day.filter(practitioner_id=actor.user_id)
    todays = list(
        day.select_related("client", "practitioner", "appointment_type").order_by("starts_at")[
            : MAX_TODAY + 1
        ]
    )
    more = len(todays) > MAX_TODAY
    todays = todays[:MAX_TODAY]
    return PanelData(
        {
            "appointments": todays,
            "more": more,
            "limit": MAX_TODAY,
            "clinical": actor.sees_clinical_data,
            "user_id": actor.user_id,
            "whole": actor.sees_whole_practice,
        },
        {
            "scheduling.appointment": [a.pk for a in todays],
            "clients.client": [a.client_id for a in todays],
        },
    )


def client_next(actor: Actor, client: Any) -> PanelData | None:
    """The client's next appointments (one query) and a link to book."""
    if not actor.is_staff_member:
        return None
    upcoming = list(
        Appointment.objects.visible_to(actor, clinical=False)
        .filter(
            client_id=client.pk,
            status=AppointmentStatus.BOOKED,
            ends_at__gte=timezone.now(),
        )
        .select_related("practitioner", "appointment_type")
        .order_by("starts_at")[:MAX_NEXT]
    )
    return PanelData(
        {"client": client, "appointments": upcoming, "limit": MAX_NEXT},
        {"scheduling.appointment": [a.pk for a in upcoming]},
    )


PANELS = [
    Panel("dashboard", "left", 5, "scheduling/panels/dashboard_today.html", dashboard_today),
    Panel("client", "main", 5, "scheduling/panels/client_next.html", client_next),
]
