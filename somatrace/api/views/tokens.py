"""The member's own personal access tokens: make one (shown once), see them, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from somatrace.api import services
from somatrace.api.forms import TokenForm
from somatrace.api.models import AccessToken
from somatrace.core.decorators import PracticeRequest, member_required
from somatrace.core.errors import RuleError


@member_required
def token_list(request: PracticeRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_token(
                request.actor,
                request.membership,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            secret = made.secret
            form = TokenForm()
    tokens = AccessToken.objects.filter(
        user=request.actor.user, practice_id=request.actor.practice_id
    )
    return render(
        request, "api/tokens.html", {"form": form, "tokens": list(tokens), "secret": secret}
    )


@member_required
@require_POST
def token_revoke(request: PracticeRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(
        AccessToken, pk=token_id, user=request.actor.user, practice_id=request.actor.practice_id
    )
    services.revoke_token(request.actor, token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("token_list")
