"""Panels home practice adds to the client page (what was asked, how often it was done, what
the client sees of their progress) and to the portal home (today's exercises)."""

from __future__ import annotations

from typing import Any

from somatrace.clients.models import ProgressSharing
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.panels import Panel, PanelData, PortalLink
from somatrace.homework.forms import AssignForm, SharingForm
from somatrace.homework.queries import home_practice


def client_home_practice(actor: Actor, client: Any) -> PanelData | None:
    """Assigned exercises with adherence, and the form to assign one (two queries)."""
    if not (actor.is_staff_member and actor.sees_clinical_data):
        return None
    practices = home_practice(actor, client.pk)
    return PanelData(
        {
            "client": client,
            "practices": practices,
            "form": AssignForm(practice_id=client.practice_id, auto_id="homework_%s"),
        },
        {"homework.exerciseassignment": [p.assignment.pk for p in practices]},
    )


def client_sharing(actor: Actor, client: Any) -> PanelData | None:
    """What of their progress the client sees in the portal: the practitioner's choice."""
    if not (actor.is_staff_member and actor.sees_clinical_data):
        return None
    shared = ProgressSharing.shared_with(client.pk)
    form = SharingForm(initial={kind: True for kind in shared}, auto_id="sharing_%s")
    return PanelData({"client": client, "form": form, "shared": shared})


def portal_home_practice(actor: Actor, client: Any) -> PanelData | None:
    """The client's current exercises, each with how often they did it (two queries)."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != client.pk:
        return None
    practices = home_practice(actor, client.pk, current_only=True)
    if not practices:
        return None
    return PanelData(
        {"practices": practices},
        {"homework.exerciseassignment": [p.assignment.pk for p in practices]},
    )


PANELS = [
    Panel("client", "main", 45, "homework/panels/client_home_practice.html", client_home_practice),
    Panel("client", "main", 46, "homework/panels/client_sharing.html", client_sharing),
    Panel("portal", "main", 30, "homework/panels/portal_home_practice.html", portal_home_practice),
]

PORTAL_LINKS = [
    PortalLink("Home practice", "portal_home_practice", 40),
    PortalLink("Your progress", "portal_progress", 60),
]
