"""The portal's own navigation entries and panels on the portal home (core/panels.py)."""

from __future__ import annotations

from typing import Any

from somatrace.accounts.models import ClientAccount, PortalToken, PortalTokenPurpose
from somatrace.accounts.services import has_passkey
from somatrace.clients import services as clients
from somatrace.clients.models import Intake, TouchConsentMap
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.panels import Panel, PanelData, PortalLink
from somatrace.measures.models import Administration
from somatrace.measures.models import Status as MeasureStatus
from somatrace.portal.models import DeletionRequest, DeletionStatus

LINKS = [
    PortalLink("Home", "portal_home", 0),
    PortalLink("Touch", "portal_touch", 60),
    PortalLink("My data", "portal_my_data", 90),
]

# The portal's shell, kept by the service worker so that the portal opens offline.
OFFLINE_STATIC = [
    "css/app.css",
    "css/portal.css",
    "js/portal.js",
    "vendor/htmx.min.js",
    "img/favicon.svg",
    "img/portal-icon-192.png",
]


def first_visit_panel(actor: Actor, client: Any) -> PanelData | None:
    """What the client still has to do before their first visit: intake, consent, touch.
    Nothing once all three are done."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != client.pk:
        return None
    intake_done = Intake.objects.filter(client=client).exists()
    consent = clients.consent_status(client)
    touch_done = TouchConsentMap.objects.visible_to(actor).filter(client=client).exists()
    steps = [
        {"label": "Tell us about you", "url_name": "portal_intake", "done": intake_done},
        {
            "label": "Read and sign the consent",
            "url_name": "portal_consent",
            # Nothing to sign when the practice has no consent text online.
            "done": consent.is_current or consent.current_form is None,
        },
        {"label": "Say where touch is welcome", "url_name": "portal_touch", "done": touch_done},
    ]
    if all(step["done"] for step in steps):
        return None
    return PanelData({"steps": steps, "on_hold": client.on_hold})


def questionnaires_panel(actor: Actor, client: Any) -> PanelData | None:
    """Questionnaires waiting for the client's answers (the secure link and the kiosk still
    work for clients without an account)."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != client.pk:
        return None
    due = list(
        Administration.objects.visible_to(actor)
        .filter(client=client, status=MeasureStatus.PENDING)
        .order_by("created_at", "pk")
    )
    if not due:
        return None
    return PanelData({"due": due}, shown={"measures.administration": [a.pk for a in due]})


def passkey_offer_panel(actor: Actor, client: Any) -> PanelData | None:
    """Offered until the client has a passkey: sign in with the phone's own lock."""
    if actor.kind is not ActorKind.CLIENT or actor.user is None or has_passkey(actor.user):
        return None
    return PanelData({})


def client_portal_panel(actor: Actor, client: Any) -> PanelData | None:
    """On the client page, for practitioners and owners: the client's portal account, and
    the buttons to invite them (by email, or as a QR code in the room)."""
    if not (actor.is_staff_member and actor.sees_clinical_data):
        return None
    account = ClientAccount.objects.filter(client=client).first()
    invited = (
        PortalToken.objects.filter(client=client, purpose=PortalTokenPurpose.INVITATION)
        .order_by("-created_at")
        .first()
    )
    return PanelData({"client": client, "account": account, "invited": invited})


def dashboard_deletions(actor: Actor, _: Any) -> PanelData | None:
    """For the owner: clients' deletion requests waiting for a decision (one query)."""
    if not actor.is_owner:
        return None
    waiting = list(
        DeletionRequest.objects.filter(
            practice_id=actor.practice_id, status=DeletionStatus.PENDING
        ).values_list("pk", flat=True)
    )
    if not waiting:
        return None
    return PanelData({"waiting": len(waiting)}, {"portal.deletionrequest": waiting})


PANELS: list[Panel] = [
    Panel("portal", "main", 10, "portal/panels/first_visit.html", first_visit_panel),
    Panel("portal", "main", 20, "portal/panels/questionnaires.html", questionnaires_panel),
    Panel("portal", "main", 90, "portal/panels/passkey_offer.html", passkey_offer_panel),
    Panel("dashboard", "right", 5, "portal/panels/dashboard_deletions.html", dashboard_deletions),
    Panel("client", "main", 85, "portal/panels/client_portal.html", client_portal_panel),
]
