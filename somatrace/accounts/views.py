"""The owner's practice pages: settings, team, a member's role and access. Each member's
own security page (second factors) and the second step of signing in."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from somatrace.accounts import services
from somatrace.accounts.forms import (
    MemberCreateForm,
    MembershipForm,
    PracticeForm,
    SecondFactorForm,
    TotpConfirmForm,
)
from somatrace.accounts.middleware import is_verified
from somatrace.accounts.models import Membership, Practice
from somatrace.core import throttle
from somatrace.core.client_address import client_ip
from somatrace.core.decorators import PracticeRequest, member_required, owner_required
from somatrace.core.errors import RuleError
from somatrace.core.jsonbody import BadJSON, read_json


def _send_password_link(request: PracticeRequest, membership: Membership) -> None:
    services.send_password_link(
        membership, domain=request.get_host(), use_https=request.is_secure()
    )


@owner_required
def practice_settings(request: PracticeRequest) -> HttpResponse:
    practice = Practice.objects.get(pk=request.actor.practice_id)
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        services.update_practice(
            request.actor, {name: form.cleaned_data[name] for name in form.changed_data}
        )
        messages.success(request, "Practice settings saved.")
        return redirect("practice_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/practice.html", {"form": form}, status=status)


def _members(request: PracticeRequest) -> list[Membership]:
    return list(
        Membership.objects.filter(practice_id=request.actor.practice_id)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


@owner_required
def team(request: PracticeRequest) -> HttpResponse:
    form = MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(request.actor, **form.cleaned_data)
        except RuleError as refusal:
            form.add_error("email", str(refusal))
        else:
            _send_password_link(request, membership)
            messages.success(
                request,
                f"{membership.user.full_name} was added and emailed a link to set a password.",
            )
            return redirect("team")
    status = 400 if request.method == "POST" else 200
    context = {
        "members": _members(request),
        "form": form,
        "failures": services.failed_sign_ins(request.actor),
    }
    return render(request, "accounts/team.html", context, status=status)


def _member(request: PracticeRequest, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(practice_id=request.actor.practice_id).select_related("user"),
        pk=membership_id,
    )


@owner_required
def member_edit(request: PracticeRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    form = MembershipForm(
        request.POST or None,
        initial={"role": membership.role, "sees_all_clients": membership.sees_all_clients},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_access(
                request.actor,
                membership,
                role=form.cleaned_data["role"],
                sees_all_clients=form.cleaned_data["sees_all_clients"],
            )
        except RuleError as refusal:
            form.add_error("role", str(refusal))
        else:
            messages.success(request, f"{membership.user.full_name}'s access was saved.")
            return redirect("team")
    status = 400 if request.method == "POST" else 200
    # Through the reverse relation: accounts sits below clients and does not import it.
    assigned = membership.user.assigned_clients.count()
    return render(
        request,
        "accounts/member_edit.html",
        {
            "form": form,
            "member": membership,
            "assigned": assigned,
            "second_factors": len(services.devices_of(membership.user)),
        },
        status=status,
    )


@owner_required
@require_POST
def member_deactivate(request: PracticeRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    try:
        services.deactivate_member(request.actor, membership)
    except RuleError as refusal:
        messages.error(request, str(refusal))
        return redirect("member_edit", membership_id=membership.pk)
    messages.success(
        request,
        f"{membership.user.full_name} can no longer sign in; any open sign-in has ended.",
    )
    return redirect("team")


@owner_required
@require_POST
def member_lift_lockout(request: PracticeRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    services.lift_lockout(request.actor, membership)
    messages.success(request, f"{membership.user.full_name} can try their password again now.")
    return redirect("team")


@owner_required
@require_POST
def member_reactivate(request: PracticeRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    services.reactivate_member(request.actor, membership)
    _send_password_link(request, membership)
    messages.success(
        request, f"{membership.user.full_name} was emailed a link to choose a new password."
    )
    return redirect("team")


@owner_required
@require_POST
def member_reset_two_factor(request: PracticeRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    removed = services.reset_second_factors(request.actor, membership)
    name = membership.user.full_name
    messages.success(
        request,
        f"{name}'s second factors were removed ({removed}). They sign in with their password "
        + (
            "and must add a new one at once."
            if membership.practice.require_two_factor
            else "and can add a new one from their security page."
        ),
    )
    return redirect("member_edit", membership_id=membership.pk)


# --- Two-factor sign-in: the member's own security page --------------------------------------

PASSKEY_STATE = "somatrace_passkey_state"


def _json_body(request: HttpRequest) -> dict[str, Any]:
    """The passkey answer, or {} for anything else (the service then refuses it by name)."""
    try:
        body = read_json(request, empty={})
    except BadJSON:
        return {}
    return body if isinstance(body, dict) else {}


def _kind(device: Any) -> str:
    if isinstance(device, TOTPDevice):
        return "Authenticator app"
    if isinstance(device, WebAuthnCredential):
        return "Passkey"
    return "Recovery codes"


@member_required
def account_security(request: PracticeRequest) -> HttpResponse:
    user = request.actor.user
    devices = services.devices_of(user)
    rows = [
        {
            "id": device.persistent_id,
            "kind": _kind(device),
            "name": device.name,
            "created": getattr(device, "created_at", None),
            "last_used": getattr(device, "last_used_at", None),
            "codes_left": device.token_set.count() if isinstance(device, StaticDevice) else None,
        }
        for device in devices
    ]
    has_authenticator = any(not isinstance(d, StaticDevice) for d in devices)
    return render(
        request,
        "accounts/security.html",
        {
            "devices": rows,
            "has_authenticator": has_authenticator,
            "has_codes": any(isinstance(d, StaticDevice) for d in devices),
            "required": request.membership.practice.require_two_factor,
        },
    )


@member_required
@require_POST
def totp_add(request: PracticeRequest) -> HttpResponse:
    services.start_totp(request.actor)
    return redirect("totp_confirm")


def _verified(request: HttpRequest, device: Any) -> None:
    """A new device just proved itself: it verifies this sign-in if nothing had yet."""
    if not is_verified(request):
        otp_login(request, device)


@member_required
def totp_confirm(request: PracticeRequest) -> HttpResponse:
    device = (
        TOTPDevice.objects.filter(user_id=request.actor.user_id, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None:
        messages.error(request, "Start by choosing “Add an authenticator app”.")
        return redirect("account_security")
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.confirm_totp(
                request.actor, device.pk, form.cleaned_data["code"], name=form.cleaned_data["name"]
            )
        except RuleError as refusal:
            form.add_error("code", str(refusal))
        else:
            _verified(request, confirmed)
            messages.success(request, "Your authenticator app was added.")
            return redirect("account_security")
    status = 400 if request.method == "POST" else 200
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#1d2521", light="#ffffff"
    )
    return render(
        request,
        "accounts/totp.html",
        {
            "form": form,
            "qr": qr,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=status,
    )


@member_required
@require_POST
def recovery_codes(request: PracticeRequest) -> HttpResponse:
    try:
        codes = services.new_recovery_codes(request.actor)
    except RuleError as refusal:
        messages.error(request, str(refusal))
        return redirect("account_security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@member_required
@require_POST
def device_remove(request: PracticeRequest) -> HttpResponse:
    try:
        services.remove_device(request.actor, request.POST.get("device", "")[:200])
    except RuleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The device was removed.")
    return redirect("account_security")


@member_required
@require_POST
def passkey_add_options(request: PracticeRequest) -> HttpResponse:
    challenge = services.begin_passkey_registration(request.actor)
    request.session[PASSKEY_STATE] = challenge.state
    return JsonResponse(challenge.options)


@member_required
@require_POST
def passkey_add(request: PracticeRequest) -> HttpResponse:
    body = _json_body(request)
    state = request.session.pop(PASSKEY_STATE, None)
    name = body["name"] if isinstance(body.get("name"), str) else ""
    try:
        device = services.complete_passkey_registration(
            request.actor, state, body.get("credential"), name=name
        )
    except RuleError as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    _verified(request, device)
    messages.success(request, "Your passkey was added.")
    return JsonResponse({"redirect": resolve_url("account_security")})


# --- Two-factor sign-in: the second step ------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@member_required
def two_factor_verify(request: PracticeRequest) -> HttpResponse:
    """After the password: a code from the app, a recovery code, or a passkey."""
    devices = services.devices_of(request.actor.user)
    if not devices or is_verified(request):
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_code(request.actor, form.cleaned_data["code"])
        except RuleError as refusal:
            form.add_error("code", str(refusal))
        else:
            if device is not None:
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"You signed in with a recovery code; {left} "
                        f"remain{'s' if left == 1 else ''}. Add a new device or make new "
                        "codes from your security page if you lost yours.",
                    )
                return redirect(_next_url(request))
            form.add_error("code", "That code did not match. Try the code the app shows now.")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_passkey": any(isinstance(d, WebAuthnCredential) for d in devices),
            "has_totp": any(isinstance(d, TOTPDevice) for d in devices),
        },
        status=status,
    )


@member_required
@require_POST
def two_factor_passkey_options(request: PracticeRequest) -> HttpResponse:
    challenge = services.begin_passkey_sign_in(request.actor)
    request.session[PASSKEY_STATE] = challenge.state
    return JsonResponse(challenge.options)


@member_required
@require_POST
def two_factor_passkey(request: PracticeRequest) -> HttpResponse:
    body = _json_body(request)
    state = request.session.pop(PASSKEY_STATE, None)
    try:
        device = services.verify_passkey(request.actor, state, body.get("credential"))
    except RuleError as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    otp_login(request, device)
    next_url = body.get("next") if isinstance(body.get("next"), str) else ""
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return JsonResponse({"redirect": next_url if safe else resolve_url("dashboard")})


# --- Password reset, throttled ------------------------------------------------------------

RESETS_PER_ADDRESS = 10  # requests from one client address ...
RESETS_PER_ACCOUNT = 3  # ... and emails to one email address ...
RESET_WINDOW = timedelta(hours=1)  # ... within the last hour
RESET_REFUSALS = {
    "reset-address": "Too many password reset requests have come from your address. "
    "Please try again in an hour.",
    "reset-account": "A reset link for this email address has been asked for several times "
    "in the last hour. If the address belongs to an account, the links are in its inbox; "
    "otherwise please try again in an hour.",
}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per client address and per email address typed,
    whether or not it belongs to an account, so that a refusal reveals nothing either."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        refused = throttle.check(
            throttle.Limit(
                "reset-address", client_ip(self.request) or "", RESETS_PER_ADDRESS, RESET_WINDOW
            ),
            throttle.Limit(
                "reset-account",
                form.cleaned_data["email"].lower(),
                RESETS_PER_ACCOUNT,
                RESET_WINDOW,
            ),
        )
        if refused is not None:
            form.add_error(None, RESET_REFUSALS[refused.scope])
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
