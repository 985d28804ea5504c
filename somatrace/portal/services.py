"""Getting clients into their portal: invitations and one-time sign-in links by email.

The secrets themselves are made by accounts.services (hashed at rest, single use, expiring);
this layer adds the email, queued through the mail outbox (the worker sends it, with
retries). The email holds the link; the audit trail and the logs never do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from somatrace.accounts import services as accounts
from somatrace.accounts.models import ClientAccount, PortalToken, PortalTokenPurpose
from somatrace.audit import services as audit
from somatrace.core.actor import Actor, ActorKind
from somatrace.core.errors import RuleError
from somatrace.mail.services import queue_email
from somatrace.portal.models import DeletionRequest, DeletionStatus
from somatrace.transfer.queries import PARTS, client_rows


def portal_url(name: str, token: str) -> str:
    return settings.SOMATRACE_BASE_URL + reverse(name, kwargs={"token": token})


@transaction.atomic
def invite_client(actor: Actor, client: Any, *, send: bool = True) -> tuple[PortalToken, str]:
    """An invitation for the client to set up their portal account: emailed to the address
    on their record (send=True), or only made, to show as a QR code in the room."""
    email = (client.email or "").strip().lower()
    if send and not email:
        raise RuleError("Add the client's email address to their details first.")
    row, token = accounts.create_portal_token(
        actor, client, PortalTokenPurpose.INVITATION, email=email
    )
    if send:
        practice = client.practice.name
        link = portal_url("portal_welcome", token)
        queue_email(
            actor,
            to=email,
            subject=f"Your own space at {practice}",
            text=(
                f"Hello,\n\n{practice} invites you to your own space in Somatrace, where you "
                f"can fill in your forms before your first visit and keep in touch between "
                f"sessions.\n\nTo set your password, open this link within 7 days:\n\n{link}\n\n"
                f"The link works once. If you did not expect this email, you can ignore it.\n"
            ),
            kind="invitation",
            key=f"invitation:{row.pk}",
        )
    return row, token


@transaction.atomic
def send_sign_in_link(email: str) -> bool:
    """Email a one-time sign-in link to the client whose portal account has this address.
    Says nothing to the asker about whether there is one (the view shows the same page)."""
    account = accounts.client_account_by_email(email)
    if account is None:
        return False
    actor = Actor.system(account.practice_id, "portal: sign-in link")
    row, token = accounts.create_portal_token(
        actor, account.client, PortalTokenPurpose.SIGN_IN, email=account.user.email
    )
    queue_email(
        actor,
        to=account.user.email,
        subject="Your sign-in link",
        text=(
            "Hello,\n\nHere is your link to sign in to your space. It works once, within "
            f"15 minutes:\n\n{portal_url('portal_link_sign_in', token)}\n\n"
            "If you did not ask for it, you can ignore this email.\n"
        ),
        kind="sign_in_link",
        key=f"sign-in:{row.pk}",
    )
    return True


# --- The client's rights: deletion requests ----------------------------------------------------


@transaction.atomic
def request_deletion(actor: Actor, client: Any, note: str = "") -> DeletionRequest:
    """The client asks that everything held about them be deleted; the owner decides."""
    if actor.kind is not ActorKind.CLIENT or actor.client_id != client.pk:
        raise PermissionDenied("Only the client asks for their own records to be deleted.")
    if DeletionRequest.objects.filter(client=client, status=DeletionStatus.PENDING).exists():
        raise RuleError("You have asked already; the practice is looking at your request.")
    request = DeletionRequest.objects.create(
        practice_id=client.practice_id, client=client, client_number=client.pk, note=note.strip()
    )
    audit.created(actor, request, ["note"])
    return request


def _files_of(client_id: int) -> list[Any]:
    """Every stored file of the client's records (attachments, recordings): erased with them."""
    files = []
    for part in PARTS:
        if not part.client:
            continue
        fields = [f for f in part.model._meta.local_fields if isinstance(f, models.FileField)]
        if fields:
            for row in client_rows(part, client_id):
                files += [getattr(row, f.name) for f in fields if getattr(row, f.name)]
    return files


@transaction.atomic
def decide_deletion(
    actor: Actor, request: DeletionRequest, *, erase: bool, reason: str = ""
) -> DeletionRequest:
    """The owner's decision. Erase: every record of the client is deleted (their files too),
    their portal sign-in closed and anonymised, and they are told by email; the audit trail
    keeps who did what, by record number. Keep: with a reason the client reads in the portal."""
    actor.require_owner("Only the practice owner decides on a deletion request.")
    request = DeletionRequest.objects.select_for_update().get(
        pk=request.pk, practice_id=actor.practice_id
    )
    if request.status != DeletionStatus.PENDING or request.client is None:
        raise RuleError("This request was decided already.")
    reason = reason.strip()
    if not erase and not reason:
        raise RuleError("Say why the records are kept: the client reads it.")
    client = request.client
    request.decided_at = timezone.now()
    request.decided_by = actor.user
    request.decision_reason = reason
    if erase:
        account = ClientAccount.objects.select_related("user").filter(client=client).first()
        address = account.user.email if account is not None else client.email
        if address:
            queue_email(
                actor,
                to=address,
                subject=f"Your records at {client.practice.name} are erased",
                text=(
                    f"Hello,\n\nAs you asked, {client.practice.name} has erased the records it "
                    "held about you, and your account in its portal is closed.\n"
                ),
                kind="deletion",
                key=f"deletion:{request.pk}",
            )
        files = _files_of(client.pk)
        accounts.anonymise_client_users(actor, client.pk)
        request.status = DeletionStatus.ERASED
        audit.updated(actor, request, ["status", "decided_at", "decision_reason", "note"])
        request.client = None
        request.note = ""  # the client's own words go with their records
        request.save()
        audit.deleted(actor, client)
        try:
            client.delete()
        except ProtectedError as error:
            kept = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
            raise RuleError(
                f"Nothing was erased: this client's {' and '.join(kept)} must be kept, and "
                "would be left without their client. Decide Keep instead, and tell the client "
                "which records are kept and why (invoices and payments are financial records, "
                "kept for as long as tax law requires)."
            ) from error
        # Files go once the rows are gone for good (a rolled-back erasure keeps them).
        transaction.on_commit(lambda: [stored.delete(save=False) for stored in files])
    else:
        request.status = DeletionStatus.KEPT
        request.save()
        audit.updated(actor, request, ["status", "decided_at", "decision_reason"])
    return request
