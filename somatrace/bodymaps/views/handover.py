"""Handing the painter to the client, so that they paint their own body map.

The practitioner's side (practice members, from the painting page): hand the tablet over in
kiosk mode (the practitioner is logged out and the browser session is locked to this one map),
make a single-use, expiring secure link with its QR code, or revoke a link not used yet.

The client's side (no login): the kiosk page and the link page show the painter with a
neutral title and no name, and save through `services.paint_through` with a link-holder
actor; then a thank-you page. A used, expired, revoked or unknown link shows one dead page.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from somatrace.accounts.middleware import client_ip
from somatrace.audit import services as audit
from somatrace.bodymaps import services
from somatrace.bodymaps.models import Handover, Moment
from somatrace.bodymaps.views.common import json_error, paint_url, visible_client, visible_session
from somatrace.bodymaps.views.paint import painter_context, read_painting
from somatrace.clients.models import Client
from somatrace.core.actor import Actor, token_reference
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.core.redact import safe_path
from somatrace.therapy.models import Session

KIOSK_KEY = "bodymaps_kiosk_handover"
LINK_DEAD = "This link is not available any more. Please ask your practitioner for a new one."
KIOSK_CLOSED = "This body map is no longer open on this device. Please hand it back."


# --- The practitioner's side ----------------------------------------------------------------


def _start_kiosk(
    request: PracticeRequest, client: Client, moment: str, session: Session | None
) -> HttpResponse:
    try:
        handover = services.start_kiosk(request.actor, client, moment, session)
    except RuleError as refusal:
        messages.info(request, str(refusal))
        return redirect(paint_url(client.pk, moment, session.pk if session else None))
    logout(request)  # flushes the session: nothing of the practitioner's stays in it
    request.session[KIOSK_KEY] = handover.pk
    return redirect("bodymaps_kiosk")


@clinical_required
@require_POST
def kiosk_start_checkin(request: PracticeRequest, client_id: int) -> HttpResponse:
    """Hand the tablet over for a check-in map: log the practitioner out, lock the browser
    session to painting this one map."""
    return _start_kiosk(request, visible_client(request, client_id), Moment.CHECKIN, None)


@clinical_required
@require_POST
def kiosk_start_session(request: PracticeRequest, session_id: int, moment: str) -> HttpResponse:
    """Hand the tablet over for the map before or after this session."""
    session = visible_session(request, session_id)
    return _start_kiosk(request, session.client, moment, session)


def _new_link(
    request: PracticeRequest, client: Client, moment: str, session: Session | None
) -> HttpResponse:
    back = paint_url(client.pk, moment, session.pk if session else None)
    try:
        _, token = services.create_link(request.actor, client, moment, session)
    except RuleError as refusal:
        messages.info(request, str(refusal))
        return redirect(back)
    url = request.build_absolute_uri(reverse("bodymaps_paint_link", kwargs={"token": token}))
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#1d2521", light="#ffffff")
    return render(
        request,
        "bodymaps/link.html",
        {
            "client": client,
            "moment_label": Moment(moment).label,
            "url": url,
            "qr": qr,
            "days": services.LINK_DAYS,
            "back": back,
        },
    )  # never stored by the browser: core.middleware.NoStoreMiddleware


@clinical_required
@require_POST
def link_checkin(request: PracticeRequest, client_id: int) -> HttpResponse:
    """A new secure link to paint a check-in map, shown once with its QR code."""
    return _new_link(request, visible_client(request, client_id), Moment.CHECKIN, None)


@clinical_required
@require_POST
def link_session(request: PracticeRequest, session_id: int, moment: str) -> HttpResponse:
    """A new secure link to paint the map before or after this session."""
    session = visible_session(request, session_id)
    return _new_link(request, session.client, moment, session)


@clinical_required
@require_POST
def revoke(request: PracticeRequest, handover_id: int) -> HttpResponse:
    handover = get_object_or_404(Handover.objects.visible_to(request.actor), pk=handover_id)
    try:
        services.revoke_handover(request.actor, handover)
        messages.success(request, "The link no longer works.")
    except RuleError as refusal:
        messages.info(request, str(refusal))
    return redirect(paint_url(handover.client_id, handover.moment, handover.session_id))


# --- The client's side: kiosk and secure link ------------------------------------------------


def _holder(request: HttpRequest, handover: Handover, reference: str) -> Actor:
    """Whoever holds the link or the handed-over tablet: they paint for this client only."""
    return Actor.link_holder(
        practice_id=handover.client.practice_id,
        client_id=handover.client_id,
        reference=reference,
        ip=client_ip(request),
        path=safe_path(request.path),
    )


def _client_painter(
    request: HttpRequest, actor: Actor, handover: Handover, *, kiosk: bool
) -> HttpResponse:
    """The painter with no name on it, or (POST) store the painting once and send the
    browser to the thank-you page."""
    if request.method == "POST":
        clean = read_painting(request)
        if isinstance(clean, JsonResponse):
            return clean
        try:
            services.paint_through(actor, handover, clean)
        except services.HandoverClosed:
            request.session.pop(KIOSK_KEY, None)
            return json_error(KIOSK_CLOSED if kiosk else LINK_DEAD, 404)
        except RuleError as refusal:
            return json_error(str(refusal), 409)
        if kiosk:
            request.session.pop(KIOSK_KEY, None)
        thanks = reverse("bodymaps_thanks") + ("?kiosk=1" if kiosk else "")
        return JsonResponse({"url": thanks}, status=201)
    audit.read(actor, handover)
    return render(
        request,
        "bodymaps/paint_client.html",
        {
            **painter_context(actor, handover.client, handover.moment, request.GET.get("shape")),
            "kiosk": kiosk,
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_view(request: HttpRequest) -> HttpResponse:
    """The handed-over tablet: only the one map, until it is saved or the hand-over expires."""
    handover = None
    if not request.user.is_authenticated:
        handover = services.open_kiosk(request.session.get(KIOSK_KEY))
    if handover is None:
        request.session.pop(KIOSK_KEY, None)
        if request.method == "POST":
            return json_error(KIOSK_CLOSED, 404)
        return redirect("login")
    actor = _holder(request, handover, f"kiosk: body map {handover.pk}")
    return _client_painter(request, actor, handover, kiosk=True)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The secure link: the painter for one client and moment, once, until it expires."""
    handover = services.link_for_token(token)
    if handover is None:
        if request.method == "POST":
            return json_error(LINK_DEAD, 404)
        return render(request, "bodymaps/link_dead.html", status=404)
    actor = _holder(request, handover, f"link: ~{token_reference(token)}")
    return _client_painter(request, actor, handover, kiosk=False)


@login_not_required
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """After painting through the tablet or a link. Shows nothing of anyone."""
    return render(request, "bodymaps/thanks.html", {"kiosk": request.GET.get("kiosk") == "1"})
