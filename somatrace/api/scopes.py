"""The scopes a personal access token may carry: what each lets the token do."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "clients:read": "Read clients (assistants: contact details only)",
    "sessions:read": "Read sessions",
    "events:read": "Read timeline events",
    "events:write": "Append timeline events",
    "measures:read": "Read questionnaire administrations and scores",
    "recordings:read": "Read heart recordings and HRV results",
    "recordings:write": "Upload heart recordings",
    "bodymaps:read": "Read body-map paintings and findings",
}

DEFAULT_DAYS = 90
MAX_DAYS = 366


def unknown_scopes(scopes: list[str]) -> list[str]:
    """The names in `scopes` that are not scopes, sorted."""
    return sorted(set(scopes) - set(SCOPES))
