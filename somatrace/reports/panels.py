"""Links to the reports, on the client page (actions) and the session page (main)."""

from __future__ import annotations

from typing import Any

from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData


def client_actions(actor: Actor, client: Any) -> PanelData | None:
    """The progress report, for clinical staff (no query)."""
    if not actor.sees_clinical_data:
        return None
    return PanelData({"client": client})


def session_prints(actor: Actor, session: Any) -> PanelData | None:
    """The note as PDF and the client's aftercare sheet (no query)."""
    if not actor.sees_clinical_data:
        return None
    return PanelData({"session": session})


PANELS = [
    Panel("client", "actions", 30, "reports/panels/client_actions.html", client_actions),
    Panel("session", "main", 95, "reports/panels/session_prints.html", session_prints),
]
