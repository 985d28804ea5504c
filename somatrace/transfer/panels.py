"""The subject-access button on the client page, for those who see the clinical record."""

from __future__ import annotations

from typing import Any

from somatrace.core.actor import Actor
from somatrace.core.panels import Panel, PanelData


def client_actions(actor: Actor, client: Any) -> PanelData | None:
    if not actor.sees_clinical_data:
        return None
    return PanelData({"client": client})


PANELS = [
    Panel("client", "actions", 90, "transfer/panels/client_actions.html", client_actions),
]
