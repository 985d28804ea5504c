"""The owner's practice pages: settings, team, a member's role and access."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from somatrace.accounts import services
from somatrace.accounts.forms import MemberCreateForm, MembershipForm, PracticeForm
from somatrace.accounts.models import Membership, Practice
from somatrace.core import throttle
from somatrace.core.client_address import client_ip
from somatrace.core.decorators import PracticeRequest, owner_required
from somatrace.core.errors import RuleError


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
    return render(
        request, "accounts/team.html", {"members": _members(request), "form": form}, status=status
    )


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
        {"form": form, "member": membership, "assigned": assigned},
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
def member_reactivate(request: PracticeRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    services.reactivate_member(request.actor, membership)
    _send_password_link(request, membership)
    messages.success(
        request, f"{membership.user.full_name} was emailed a link to choose a new password."
    )
    return redirect("team")


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
