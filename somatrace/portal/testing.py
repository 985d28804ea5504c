"""What the URL walk needs to know about the portal's URLs."""

from __future__ import annotations

from typing import Any

# Reachable without signing in, on purpose: signing in, and the installable app's files
# (which hold no client data).
PUBLIC_URL_NAMES: set[str] = {
    "portal_login",
    "portal_logout",
    "portal_offline",
    "portal_manifest",
    "portal_sw",
}


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    return {}
