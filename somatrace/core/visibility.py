"""The one query path for what an actor may see of clients and their records.

Every model that belongs to a client uses a ClientRecordQuerySet as its manager and is read
with `Model.objects.visible_to(actor)`; the rule itself is `Actor.client_scope`.
"""

from __future__ import annotations

from typing import Self, TypeVar

from django.db import models

from somatrace.core.actor import Actor

_Record = TypeVar("_Record", bound=models.Model)


class ClientRecordQuerySet(models.QuerySet[_Record]):
    """Rows visible exactly when their client's record is.

    client_path: how the model reaches its client ("client__" for a row with a `client`
    foreign key; "" for clients themselves; "session__client__" through a session).
    """

    client_path = "client__"

    def visible_to(self, actor: Actor | None, *, clinical: bool = True) -> Self:
        """clinical=False widens to contact and scheduling data, which assistants may see."""
        scope = actor.client_scope(self.client_path, clinical=clinical) if actor else None
        return self.filter(scope) if scope is not None else self.none()
