"""Aftercare in the client's own portal: every session's aftercare, and emailing one to
themselves. Only the client signed in to the portal comes in (client_portal_required);
another client's session is a 404."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from somatrace.audit import services as audit
from somatrace.core.decorators import PortalRequest, client_portal_required
from somatrace.core.errors import RuleError
from somatrace.therapy import services
from somatrace.therapy.queries import client_aftercare

MAX_AFTERCARE = 30


@client_portal_required
def therapy_portal_aftercare(request: PortalRequest) -> HttpResponse:
    actor = request.actor
    client = request.portal_client
    sessions = list(client_aftercare(actor, client.pk)[:MAX_AFTERCARE])
    audit.read(actor, client, shown={"therapy.session": [s.pk for s in sessions]})
    return render(
        request,
        "therapy/portal/aftercare.html",
        {"sessions": sessions, "request_key": uuid.uuid4().hex},
    )


@client_portal_required
@require_POST
def therapy_portal_aftercare_email(request: PortalRequest, session_id: int) -> HttpResponse:
    actor = request.actor
    client = request.portal_client
    session = get_object_or_404(client_aftercare(actor, client.pk), pk=session_id)
    key = request.POST.get("request_key", "")
    to = getattr(request.user, "email", "")
    try:
        services.email_aftercare(actor, session, to=to, request_key=key)
    except RuleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "On its way to your email address.")
    return redirect(f"{reverse('portal_aftercare')}#aftercare-{session.pk}")
