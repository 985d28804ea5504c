"""Getting clients into their portal: invitations and one-time sign-in links by email.

The secrets themselves are made by accounts.services (hashed at rest, single use, expiring);
this layer adds the email, queued through the mail outbox (the worker sends it, with
retries). The email holds the link; the audit trail and the logs never do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from somatrace.accounts import services as accounts
from somatrace.accounts.models import PortalToken, PortalTokenPurpose
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.mail.services import queue_email


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
