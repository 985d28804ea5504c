"""The owner's outbox: what Somatrace emailed, what waits for a retry, what failed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from somatrace.audit import services as audit
from somatrace.core.decorators import PracticeRequest, owner_required
from somatrace.core.errors import RuleError
from somatrace.mail.models import OutgoingEmail, Status
from somatrace.mail.services import retry_now

SHOWN = 200  # the most recent emails on the page


@require_GET
@owner_required
def outbox(request: PracticeRequest) -> HttpResponse:
    """The practice's recent emails, newest first; failed ones counted at the top."""
    practice_emails = OutgoingEmail.objects.filter(practice_id=request.actor.practice_id)
    emails = list(practice_emails.defer("text", "html", "attachments")[:SHOWN])
    failed = practice_emails.filter(status=Status.FAILED).count()
    # Recipients' addresses are contact details: the page is a read of these emails.
    audit.listed(request.actor, "mail.outgoingemail", [e.pk for e in emails])
    return render(
        request,
        "mail/outbox.html",
        {"emails": emails, "failed": failed, "shown": SHOWN, "Status": Status},
    )


@require_POST
@owner_required
def outbox_retry(request: PracticeRequest, email_id: int) -> HttpResponse:
    """Try a queued or failed email again now."""
    email = get_object_or_404(
        OutgoingEmail.objects.filter(practice_id=request.actor.practice_id), pk=email_id
    )
    try:
        retry_now(request.actor, email)
    except RuleError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, "The email will be tried again in a moment.")
    return redirect("mail_outbox")
