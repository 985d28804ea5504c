"""What the URL walk needs to know about the portal's URLs."""

from __future__ import annotations

from typing import Any

from somatrace.portal.models import DeletionRequest

# Reachable without signing in, on purpose: signing in, and the installable app's files
# (which hold no client data).
PUBLIC_URL_NAMES: set[str] = {
    "portal_login",
    "portal_logout",
    "portal_offline",
    "portal_manifest",
    "portal_sw",
    "portal_welcome",
    "portal_link_request",
    "portal_link_sign_in",
    "portal_passkey_sign_in_options",
    "portal_passkey_sign_in",
}


def make_deletion_request(client: Any, note: str = "") -> DeletionRequest:
    return DeletionRequest.objects.create(
        practice_id=client.practice_id, client=client, client_number=client.pk, note=note
    )


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    return {"request_id": make_deletion_request(client).pk}
