from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from somatrace.accounts.access import owner_required
from somatrace.accounts.forms import (
    ConsentVersionForm,
    MemberCreateForm,
    MembershipForm,
    PracticeForm,
)
from somatrace.accounts.models import Membership, Role, User
from somatrace.clients.models import ConsentForm


@owner_required
def practice_settings(request: HttpRequest) -> HttpResponse:
    practice = request.membership.practice  # type: ignore[attr-defined]
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Practice settings saved.")
        return redirect("practice_settings")
    return render(request, "accounts/practice.html", {"form": form})


@owner_required
def consent_versions(request: HttpRequest) -> HttpResponse:
    practice = request.membership.practice  # type: ignore[attr-defined]
    versions = list(ConsentForm.objects.filter(practice=practice))
    current = versions[0] if versions else None
    initial = {"title": current.title, "body": current.body} if current else {}
    form = ConsentVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if (
            current
            and form.cleaned_data["body"] == current.body
            and form.cleaned_data["title"] == current.title
        ):
            form.add_error(None, "The text is unchanged, so no new version was published.")
        else:
            with transaction.atomic():
                version = form.save(commit=False)
                version.practice = practice
                version.version = (current.version if current else 0) + 1
                version.created_by = request.user
                version.save()
            messages.success(
                request,
                f"Version {version.version} published. Clients who agreed to an earlier "
                "version must agree again before their next session.",
            )
            return redirect("consent_versions")
    return render(request, "accounts/consent_versions.html", {"form": form, "versions": versions})


@owner_required
def team(request: HttpRequest) -> HttpResponse:
    practice = request.membership.practice  # type: ignore[attr-defined]
    members = (
        Membership.objects.filter(practice=practice)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    form = MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            # A random password they never learn: the emailed link lets them choose their own.
            user = User.objects.create_user(
                data["email"], secrets.token_urlsafe(32), full_name=data["full_name"]
            )
            Membership.objects.create(
                user=user,
                practice=practice,
                role=data["role"],
                sees_all_clients=data["sees_all_clients"] and data["role"] == Role.PRACTITIONER,
            )
        invite = PasswordResetForm({"email": user.email})
        invite.is_valid()
        invite.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="registration/invite_subject.txt",
            email_template_name="registration/invite_email.txt",
            extra_email_context={"practice": practice},
        )
        messages.success(
            request, f"{user.full_name} was added and emailed a link to set a password."
        )
        return redirect("team")
    return render(request, "accounts/team.html", {"members": members, "form": form})


@owner_required
def member_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    practice = request.membership.practice  # type: ignore[attr-defined]
    membership = get_object_or_404(
        Membership.objects.filter(practice=practice).select_related("user"), pk=membership_id
    )
    was_owner = membership.role == Role.OWNER
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        owners = Membership.objects.filter(practice=practice, role=Role.OWNER)
        if was_owner and form.cleaned_data["role"] != Role.OWNER and owners.count() == 1:
            form.add_error("role", "A practice needs at least one owner.")
        else:
            form.save()
            messages.success(request, f"{membership.user.full_name}'s role was saved.")
            return redirect("team")
    return render(request, "accounts/member_edit.html", {"form": form, "member": membership})
