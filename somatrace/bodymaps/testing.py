"""Test builders for the bodymaps app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from somatrace.bodymaps.models import Handover, HandoverChannel, hash_token
from somatrace.bodymaps.payload import validate
from somatrace.bodymaps.services import build_painting

# URL names of this app that are reachable without logging in, on purpose: the kiosk page
# (only with a kiosk hand-over a practitioner started), the single-use token link, and the
# thank-you page after painting through either (it shows nothing of anyone).
PUBLIC_URL_NAMES: set[str] = {"bodymaps_kiosk", "bodymaps_paint_link", "bodymaps_thanks"}


def stroke(
    points: list[tuple[float, float]],
    *,
    view: str = "front",
    layer: str = "stronger",
    radius: float = 10.0,
    mode: str = "paint",
) -> dict[str, Any]:
    """A stroke through atlas-unit points (x 0-290, y 0-580), pressure 1, 10 ms apart."""
    return {
        "view": view,
        "layer": layer,
        "mode": mode,
        "radius": radius,
        "points": [[x / 290, y / 580, 1.0, 10 * i] for i, (x, y) in enumerate(points)],
    }


def payload(**fields: Any) -> dict[str, Any]:
    """A valid painting payload: one stroke across the chest unless strokes are given."""
    data: dict[str, Any] = {
        "atlas_version": "choir-1",
        "body_shape": "female",
        "nothing_felt": False,
        "strokes": [stroke([(120, 150), (160, 150)])],
        "regions": [],
        "emotions": [],
        "words": "",
    }
    data.update(fields)
    return data


def make_painting(
    client: Any, *, session: Any = None, moment: str = "checkin", **fields: Any
) -> Any:
    """A stored painting (rasterised and summarised like a real one)."""
    painting = build_painting(
        client,
        validate(payload(**fields)),
        moment=moment,
        session=session,
        created_by=client.assigned_practitioner,
    )
    painting.save()
    return painting


def make_handover(
    client: Any,
    *,
    session: Any = None,
    moment: str = "checkin",
    channel: str = HandoverChannel.LINK,
    hours: float = 24,
    **fields: Any,
) -> tuple[Handover, str]:
    """A stored hand-over (a link unless channel says kiosk) that expires in `hours` (negative:
    expired), and its token ("" for a kiosk hand-over)."""
    token = secrets.token_urlsafe(32) if channel == HandoverChannel.LINK else ""
    now = timezone.now()
    handover = Handover.objects.create(
        client=client,
        session=session,
        moment=moment,
        channel=channel,
        token_hash=hash_token(token) if token else None,
        created_by=client.assigned_practitioner,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        **fields,
    )
    return handover, token


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    painting = make_painting(client, session=session, moment="pre", words="Secret-note-7f3a")
    handover, _ = make_handover(client, session=session, moment="pre")
    return {"painting_id": painting.pk, "handover_id": handover.pk}
