"""Record reads and writes of client data, and changes of who may see what.

Services call the write helpers inside the transaction that changes the record; doors call
`read`/`listed` for what they show. Every helper takes the Actor who acts, never a request:
a row always names a practice, an actor and the channel it came through.

audit.read(actor, client, shown={"therapy.session": [3, 4]})
audit.updated(actor, intake, ["medications", "goals"])
audit.listed(actor, "clients.client", [c.pk for c in page])
audit.access_changed(actor, membership, ["role"])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models

from somatrace.audit.models import Action, AuditEvent
from somatrace.core.actor import Actor


def _client_id(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "clients.client":
        return obj.pk
    return getattr(obj, "client_id", None)


def _record(
    actor: Actor,
    action: str,
    object_type: str,
    *,
    object_id: int | None = None,
    client_id: int | None = None,
    fields: Iterable[str] = (),
    object_ids: Iterable[int] = (),
    shown: Mapping[str, Iterable[int]] | None = None,
) -> AuditEvent:
    if not isinstance(actor, Actor):
        raise TypeError("The audit log takes the Actor who acts.")
    return AuditEvent.objects.create(
        actor=actor.user,
        actor_kind=actor.kind,
        actor_ref=actor.reference[:80],
        channel=actor.channel,
        practice_id=actor.practice_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        fields=sorted(set(fields)),
        object_ids=list(object_ids),
        shown={kind: sorted(ids) for kind, ids in (shown or {}).items() if ids},
        ip=actor.ip,
        path=actor.path[:200],
    )


def _object_event(
    actor: Actor,
    action: str,
    obj: models.Model,
    fields: Iterable[str] = (),
    shown: Mapping[str, Iterable[int]] | None = None,
) -> AuditEvent:
    practice_id = getattr(obj, "practice_id", None)
    if practice_id is not None and practice_id != actor.practice_id:
        raise ValueError("An actor cannot be audited acting on another practice's record.")
    return _record(
        actor,
        action,
        obj._meta.label_lower,
        object_id=obj.pk,
        client_id=_client_id(obj),
        fields=fields,
        shown=shown,
    )


def read(
    actor: Actor, obj: models.Model, *, shown: Mapping[str, Iterable[int]] | None = None
) -> AuditEvent:
    """A page or file that shows one record; `shown` names the other records on it by type."""
    return _object_event(actor, Action.READ, obj, shown=shown)


def created(actor: Actor, obj: models.Model, fields: Iterable[str] = ()) -> AuditEvent:
    return _object_event(actor, Action.CREATE, obj, fields)


def updated(actor: Actor, obj: models.Model, fields: Iterable[str]) -> AuditEvent:
    return _object_event(actor, Action.UPDATE, obj, fields)


def deleted(actor: Actor, obj: models.Model) -> AuditEvent:
    return _object_event(actor, Action.DELETE, obj)


def exported(
    actor: Actor,
    obj: models.Model,
    fields: Iterable[str] = (),
    *,
    shown: Mapping[str, Iterable[int]] | None = None,
) -> AuditEvent:
    """A record that left Somatrace (a PDF, a file); `fields` name what it included and
    `shown` the other records in it by type."""
    return _object_event(actor, Action.EXPORT, obj, fields, shown)


def exported_list(actor: Actor, object_type: str, ids: Iterable[int]) -> AuditEvent:
    """A file about several records at once (the caseload CSV): which records went into it."""
    return _record(actor, Action.EXPORT, object_type, object_ids=ids)


def access_changed(actor: Actor, obj: models.Model, fields: Iterable[str]) -> AuditEvent:
    """A change of who may see what: a role, a grant, a client's practitioner, an account."""
    return _object_event(actor, Action.ACCESS, obj, fields)


def listed(
    actor: Actor, object_type: str, ids: Iterable[int], *, client_id: int | None = None
) -> AuditEvent:
    """A page that shows several records at once (a list, the dashboard)."""
    return _record(actor, Action.READ, object_type, object_ids=ids, client_id=client_id)


def whole_database(actor: Actor, action: str) -> AuditEvent:
    """A backup (EXPORT) or a restore (UPDATE) run at the server's command line. It held
    every practice's records, so the command writes one row for each practice."""
    return _record(actor, action, "core.database")
