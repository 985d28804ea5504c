"""The client portal: a client's own place, signed in with their own account.

Every view here is `client_portal_required`: it acts as the client (Actor CLIENT, portal) on
`request.portal_client` only, and audits what it shows.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.db.models import Max
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from somatrace.accounts import services as accounts
from somatrace.accounts.models import PortalTokenPurpose, Practice
from somatrace.audit import services as audit
from somatrace.bodymaps import figures
from somatrace.bodymaps.atlas import REGION_BY_CODE
from somatrace.bodymaps.views.common import shape_for
from somatrace.clients import services as clients
from somatrace.clients.models import Client, Intake, TouchConsentMap, TouchStatus
from somatrace.core import throttle
from somatrace.core.client_address import client_ip
from somatrace.core.decorators import (
    PortalRequest,
    PracticeRequest,
    client_portal_required,
    clinical_required,
    owner_required,
)
from somatrace.core.errors import RuleError
from somatrace.core.jsonbody import BadJSON, read_json
from somatrace.core.panels import offline_pages, offline_static, render_panels
from somatrace.measures import services as measures
from somatrace.measures.forms import AnswersForm
from somatrace.measures.models import Administration
from somatrace.measures.models import Channel as MeasureChannel
from somatrace.measures.models import Status as MeasureStatus
from somatrace.portal import services
from somatrace.portal.forms import (
    DeletionDecisionForm,
    DeletionRequestForm,
    PortalAuthenticationForm,
    PortalConsentForm,
    PortalIntakeForm,
    SignInLinkForm,
    WelcomePasswordForm,
)
from somatrace.portal.models import DeletionRequest, DeletionStatus
from somatrace.scheduling import services as scheduling
from somatrace.scheduling.models import BookingRequest
from somatrace.transfer.services import subject_access


@method_decorator(login_not_required, name="dispatch")
class PortalLoginView(LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "client_account", None) is not None:
            return redirect("portal_home")
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("portal_home")


@require_POST
@login_not_required
def portal_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal_login")


# --- Installable: the manifest, the service worker and its offline page -----------------------
# Public and free of client data: the browser fetches them without a session cookie at times.


@login_not_required
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Somatrace: your space",
        "short_name": "My space",
        "start_url": "/portal/",
        "scope": "/portal/",
        "display": "standalone",
        "background_color": "#f6f7f5",
        "theme_color": "#2f6b5b",
        "icons": [
            {
                "src": static(f"img/portal-icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from a template so that it lists the static files' real URLs. The
    cache is named after that list: a new release (new file names) replaces the old cache."""
    assets = [reverse("portal_offline"), *(static(path) for path in offline_static())]
    pages = [reverse(link.url_name) for link in offline_pages()]
    version = hashlib.sha256("\n".join(assets + pages).encode()).hexdigest()[:12]
    response = render(
        request,
        "portal/sw.js",
        {"assets": json.dumps(assets), "pages": json.dumps(pages), "version": version},
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/portal/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
def offline(request: HttpRequest) -> HttpResponse:
    """What the portal shows when the phone is offline: no client data, just the way back."""
    return render(request, "portal/offline.html", {"shell": True, "offline_pages": offline_pages()})


@client_portal_required
def home(request: PortalRequest) -> HttpResponse:
    client = request.portal_client
    panels = render_panels(request, "portal", client)
    audit.read(request.actor, client, shown=panels.shown)
    return render(request, "portal/home.html", {"client": client, "panels": panels})


# --- Before the first visit: intake, consent, touch ------------------------------------------

ON_HOLD_MESSAGE = (
    "Thank you for telling us. Because of one of your answers, your practitioner will be in "
    "touch with you before your first session, to talk it through with you. There is nothing "
    "more you need to do now."
)


@client_portal_required
@require_http_methods(["GET", "POST"])
def intake(request: PortalRequest) -> HttpResponse:
    """The client's intake with the contraindication screen, through the same service as the
    practitioner's: a "yes" holds the client exactly as it does there. Answered once: after
    that the client reads what they said, and changes go through their practitioner (so that
    nobody lifts their own hold by answering again)."""
    client = request.portal_client
    existing = Intake.objects.filter(client=client).first()
    if existing is not None:
        audit.read(request.actor, existing)
        return render(
            request,
            "portal/intake_done.html",
            {"intake": existing, "client": client, "on_hold_message": ON_HOLD_MESSAGE},
        )
    form = PortalIntakeForm(request.POST or None, instance=Intake(client=client))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = clients.save_intake(request.actor, client, form.answers(), form.screen())
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            if outcome.alerts:
                messages.warning(
                    request,
                    "Thank you for being open about how you are. Your practitioner will see "
                    "this and get in touch. If you are in danger now, please use the help "
                    "below.",
                )
            messages.success(request, "Thank you: your answers are with your practitioner.")
            return redirect("portal_intake")
    audit.read(request.actor, client)
    return render(
        request,
        "portal/intake.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@client_portal_required
@require_http_methods(["GET", "POST"])
def consent(request: PortalRequest) -> HttpResponse:
    """The practice's current consent version, to read and to sign (clients services)."""
    client = request.portal_client
    status = clients.consent_status(client)
    form = None
    if status.current_form is not None and not status.is_current:
        form = PortalConsentForm(request.POST or None, client=client)
        if request.method == "POST" and form.is_valid():
            record = clients.sign_consent(
                request.actor,
                client,
                signed_name=form.cleaned_data["signed_name"],
                research_use=form.cleaned_data["research_use"],
            )
            messages.success(request, f"Thank you: you signed version {record.form.version}.")
            return redirect("portal_consent")
    elif request.method == "POST":
        return redirect("portal_consent")
    shown = {"clients.consentform": [status.current_form.pk]} if status.current_form else {}
    if status.record is not None:
        shown["clients.consentrecord"] = [status.record.pk]
    audit.read(request.actor, client, shown=shown)
    return render(
        request,
        "portal/consent.html",
        {"form": form, "client": client, "status": status},
        status=400 if form is not None and form.is_bound else 200,
    )


@client_portal_required
@require_http_methods(["GET", "POST"])
def touch(request: PortalRequest) -> HttpResponse:
    """Where touch is welcome, changeable at any time: each change is a new version of the
    client's touch-consent map, which the practitioner sees as the current one."""
    client = request.portal_client
    if request.method == "POST":
        marks: dict[str, str] = {}
        for region in REGION_BY_CODE:
            value = request.POST.get(f"touch_{region}")
            if value is None:
                continue
            if value not in TouchStatus.values:
                return HttpResponse("Unknown touch value.", status=400, content_type="text/plain")
            marks[region] = value
        try:
            touch_map = clients.save_touch_map(request.actor, client, marks)
        except RuleError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"Saved. Your practitioner now sees this as your choice (version "
                f"{touch_map.version}).",
            )
        return redirect("portal_touch")
    current = TouchConsentMap.objects.visible_to(request.actor).filter(client=client).first()
    marks = current.regions if current else {}
    audit.read(request.actor, current if current is not None else client)
    return render(
        request,
        "portal/touch.html",
        {
            "client": client,
            "current": current,
            "groups": figures.touch_groups(marks),
            "statuses": TouchStatus.choices,
            "atlas_views": figures.atlas_views(shape_for(request.actor, client)),
            "marks_json": figures.touch_marks(marks),
        },
    )


# --- Getting in: invitations, the first password, one-time sign-in links --------------------


@clinical_required
@require_POST
def client_portal_invite(request: PracticeRequest, client_id: int) -> HttpResponse:
    """Staff: email the client an invitation to their portal (from the client page)."""
    client = get_object_or_404(Client.objects.visible_to(request.actor), pk=client_id)
    try:
        services.invite_client(request.actor, client)
    except RuleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Invitation to the portal sent by email.")
    return redirect("client_detail", client_id=client.pk)


@clinical_required
@require_POST
def client_portal_qr(request: PracticeRequest, client_id: int) -> HttpResponse:
    """Staff: a fresh invitation shown as a QR code, for the client to scan in the room. The
    page is the POST's answer: the link is in its body only, never in a URL or a log."""
    client = get_object_or_404(Client.objects.visible_to(request.actor), pk=client_id)
    _row, token = services.invite_client(request.actor, client, send=False)
    link = services.portal_url("portal_welcome", token)
    svg = segno.make(link, error="m").svg_inline(scale=6, dark="#000", light="#fff")
    audit.read(request.actor, client)
    return render(
        request,
        "portal/invite_qr.html",
        {"client": client, "svg": mark_safe(svg)},  # noqa: S308 (segno's own SVG)
    )


@clinical_required
@require_POST
def booking_request_invite(request: PracticeRequest, booking_request_id: int) -> HttpResponse:
    """Staff: answer a public booking request by making the person a client (held by whoever
    answers, as any new client) and emailing them an invitation to the portal, where they
    book. Both or neither: an invitation that cannot go leaves the request waiting."""
    row = get_object_or_404(
        BookingRequest.objects.filter(practice_id=request.actor.practice_id),
        pk=booking_request_id,
    )
    try:
        with transaction.atomic():
            client = scheduling.client_from_request(request.actor, row)
            services.invite_client(request.actor, client)
    except RuleError as refusal:
        messages.error(request, str(refusal))
        return redirect("booking_requests")
    messages.success(request, "Client added and invited to the portal by email.")
    return redirect("client_detail", client_id=client.pk)


def _dead_link(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/link_dead.html", status=404)


@login_not_required
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's link: the client chooses a password and is signed in."""
    row = accounts.find_portal_token(token, PortalTokenPurpose.INVITATION)
    if row is None:
        return _dead_link(request)
    form = WelcomePasswordForm(request.POST or None, email=row.email, name=row.client.name)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.accept_invitation(
                token, form.cleaned_data["password1"], ip=client_ip(request)
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome. Your password is set: this is your space.")
            return redirect("portal_home")
    return render(
        request,
        "portal/welcome.html",
        {"form": form, "practice": row.practice, "email": row.email},
        status=400 if form.is_bound else 200,
    )


SIGN_IN_LINKS_PER_ADDRESS = 10  # requests from one client address ...
SIGN_IN_LINKS_PER_ACCOUNT = 3  # ... and links to one email address ...
SIGN_IN_LINK_WINDOW = timedelta(hours=1)  # ... within the last hour (as password resets)


@login_not_required
@require_http_methods(["GET", "POST"])
def link_request(request: HttpRequest) -> HttpResponse:
    """Ask for a one-time sign-in link by email. The answer is the same whether or not the
    address has an account; throttled per client address and per address typed."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        refused = throttle.check(
            throttle.Limit(
                "portal-link-address",
                client_ip(request) or "",
                SIGN_IN_LINKS_PER_ADDRESS,
                SIGN_IN_LINK_WINDOW,
            ),
            throttle.Limit(
                "portal-link-account", email, SIGN_IN_LINKS_PER_ACCOUNT, SIGN_IN_LINK_WINDOW
            ),
        )
        if refused is not None:
            form.add_error(
                None,
                "A sign-in link has been asked for several times in the last hour. Please "
                "look in your inbox, or try again in an hour.",
            )
            return render(request, "portal/link_request.html", {"form": form}, status=429)
        services.send_sign_in_link(email)
        return render(request, "portal/link_sent.html")
    return render(
        request,
        "portal/link_request.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: opening it shows a button, and only pressing it spends the link
    (mail scanners that open links must not use it up)."""
    if accounts.find_portal_token(token, PortalTokenPurpose.SIGN_IN) is None:
        return _dead_link(request)
    if request.method == "POST":
        try:
            user = accounts.use_sign_in_link(token)
        except RuleError:
            return _dead_link(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("portal_home")
    return render(request, "portal/link_sign_in.html")


# --- Questionnaires due ------------------------------------------------------------------------


@client_portal_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: PortalRequest, administration_id: int) -> HttpResponse:
    """A questionnaire due, answered in the portal with the secure link's form and service.
    Another client's questionnaire, or one no longer waiting, is not found."""
    administration = get_object_or_404(
        Administration.objects.visible_to(request.actor)
        .select_related("client__practice")
        .filter(status=MeasureStatus.PENDING),
        pk=administration_id,
    )
    form = AnswersForm(request.POST or None, definition=administration.definition)
    context = {
        "defn": administration.definition,
        "action": request.path,
        "storage_key": f"measures-{administration.pk}",
        "practice": administration.client.practice,
    }
    if request.method == "POST" and form.is_valid():
        try:
            outcome = measures.record_answers(
                request.actor,
                administration,
                form.answers(),
                MeasureChannel.PORTAL,
                form.extras(),
            )
        except measures.AlreadyAnswered:
            raise Http404("This questionnaire is no longer waiting for answers.") from None
        return render(
            request, "portal/questionnaire_thanks.html", {**context, "risk": outcome.risk}
        )
    audit.read(request.actor, administration)
    return render(
        request,
        "portal/questionnaire.html",
        {**context, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- The client's rights: their data, and deletion --------------------------------------------

SPOOL_BYTES = 16 * 1024 * 1024  # larger archives go to a temporary file, not memory


@client_portal_required
@require_GET
def my_data(request: PortalRequest) -> HttpResponse:
    client = request.portal_client
    requests = list(DeletionRequest.objects.visible_to(request.actor).filter(client=client))
    audit.read(request.actor, client, shown={"portal.deletionrequest": [r.pk for r in requests]})
    return render(
        request,
        "portal/my_data.html",
        {
            "client": client,
            "requests": requests,
            "pending": any(r.status == DeletionStatus.PENDING for r in requests),
            "form": DeletionRequestForm(),
        },
    )


@client_portal_required
@require_POST
def my_data_download(request: PortalRequest) -> HttpResponse:
    """Everything held about the client: the practitioner's subject-access ZIP (a readable
    record.html and the machine-readable files), audited as an export."""
    client = request.portal_client
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by FileResponse
    subject_access(request.actor, client, archive)
    archive.seek(0)
    return FileResponse(  # type: ignore[return-value]
        archive, as_attachment=True, filename="my-records.zip", content_type="application/zip"
    )


@client_portal_required
@require_POST
def my_data_delete(request: PortalRequest) -> HttpResponse:
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your note is too long: please keep it under 2,000 characters.")
        return redirect("portal_my_data")
    try:
        services.request_deletion(request.actor, request.portal_client, form.cleaned_data["note"])
    except RuleError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(
            request, "Your request is with your practice. You will see its answer here."
        )
    return redirect("portal_my_data")


@owner_required
@require_GET
def deletion_requests(request: PracticeRequest) -> HttpResponse:
    """Owner: clients' requests to delete their records, with the retention period."""
    rows = list(
        DeletionRequest.objects.filter(practice_id=request.actor.practice_id)
        .select_related("client", "decided_by")
        .annotate(last_session=Max("client__sessions__starts_at"))
    )
    audit.listed(request.actor, "portal.deletionrequest", [r.pk for r in rows])
    practice = Practice.objects.get(pk=request.actor.practice_id)
    return render(
        request,
        "portal/deletion_requests.html",
        {
            "pending": [r for r in rows if r.status == DeletionStatus.PENDING],
            "decided": [r for r in rows if r.status != DeletionStatus.PENDING],
            "practice": practice,
        },
    )


@require_POST
@owner_required
def deletion_request_decide(request: PracticeRequest, request_id: int) -> HttpResponse:
    row = get_object_or_404(
        DeletionRequest.objects.filter(practice_id=request.actor.practice_id), pk=request_id
    )
    form = DeletionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("deletion_requests")
    erase = form.cleaned_data["decision"] == "erase"
    try:
        services.decide_deletion(
            request.actor, row, erase=erase, reason=form.cleaned_data["reason"]
        )
    except RuleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"Record no. {row.client_number} erased; the client is told by email."
            if erase
            else "Kept. The client reads your reason in their portal.",
        )
    return redirect("deletion_requests")


# --- Passkeys: offered once the client is in, then a way to sign in ---------------------------

PASSKEY_STATE = "portal_passkey_state"
PASSKEY_SIGN_INS_PER_ADDRESS = 30  # passkey sign-in attempts from one address an hour


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = read_json(request, empty={})
    except BadJSON:
        return {}
    return body if isinstance(body, dict) else {}


@client_portal_required
@require_GET
def passkey(request: PortalRequest) -> HttpResponse:
    return render(
        request, "portal/passkey.html", {"has_passkey": accounts.has_passkey(request.user)}
    )


@client_portal_required
@require_POST
def passkey_add_options(request: PortalRequest) -> HttpResponse:
    challenge = accounts.begin_client_passkey_registration(request.actor)
    request.session[PASSKEY_STATE] = challenge.state
    return JsonResponse(challenge.options)


@client_portal_required
@require_POST
def passkey_add(request: PortalRequest) -> HttpResponse:
    state = request.session.pop(PASSKEY_STATE, None)
    try:
        accounts.complete_client_passkey_registration(
            request.actor, state, _json_body(request).get("credential")
        )
    except RuleError as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    messages.success(request, "Your passkey is added: next time, sign in with it.")
    return JsonResponse({"redirect": reverse("portal_home")})


@login_not_required
@require_POST
def passkey_sign_in_options(request: HttpRequest) -> HttpResponse:
    refused = throttle.check(
        throttle.Limit(
            "portal-passkey-address",
            client_ip(request) or "",
            PASSKEY_SIGN_INS_PER_ADDRESS,
            timedelta(hours=1),
        )
    )
    if refused is not None:
        return JsonResponse({"error": "Too many attempts: try again in an hour."}, status=429)
    challenge = accounts.begin_client_passkey_sign_in()
    request.session[PASSKEY_STATE] = challenge.state
    return JsonResponse(challenge.options)


@login_not_required
@require_POST
def passkey_sign_in(request: HttpRequest) -> HttpResponse:
    state = request.session.pop(PASSKEY_STATE, None)
    try:
        user = accounts.client_by_passkey(state, _json_body(request).get("credential"))
    except RuleError as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return JsonResponse({"redirect": reverse("portal_home")})
