"""Actors for the journal's tests: the client in their portal."""

from __future__ import annotations

from typing import Any

from somatrace.core.actor import Actor, ActorKind, Channel


def client_actor(client: Any) -> Actor:
    """What the portal's decorator builds for a signed-in client."""
    return Actor(
        kind=ActorKind.CLIENT,
        practice_id=client.practice_id,
        channel=Channel.PORTAL,
        client_id=client.pk,
        reference="portal: test",
    )
