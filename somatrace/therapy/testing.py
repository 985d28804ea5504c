"""Test builders for the therapy app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

from typing import Any

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    return {}
