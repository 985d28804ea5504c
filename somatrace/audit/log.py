"""Record reads and writes of client data. Views call these; nothing else writes the log.

audit.read(request, client)
audit.updated(request, intake, ["medications", "goals"])
audit.listed(request, "client", [c.pk for c in page])
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.http import HttpRequest

from somatrace.audit.models import Action, AuditEvent


def _client_id(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "clients.client":
        return obj.pk
    return getattr(obj, "client_id", None)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _record(
    request: HttpRequest,
    action: str,
    object_type: str,
    *,
    object_id: int | None = None,
    client_id: int | None = None,
    fields: Iterable[str] = (),
    object_ids: Iterable[int] = (),
) -> AuditEvent:
    membership = getattr(request, "membership", None)
    user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=user,
        practice_id=membership.practice_id if membership else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        fields=sorted(fields),
        object_ids=list(object_ids),
        ip=_ip(request),
        path=request.path[:200],
    )


def _object_event(
    request: HttpRequest, action: str, obj: models.Model, fields: Iterable[str] = ()
) -> AuditEvent:
    return _record(
        request,
        action,
        obj._meta.label_lower,
        object_id=obj.pk,
        client_id=_client_id(obj),
        fields=fields,
    )


def read(request: HttpRequest, obj: models.Model) -> AuditEvent:
    return _object_event(request, Action.READ, obj)


def created(request: HttpRequest, obj: models.Model, fields: Iterable[str] = ()) -> AuditEvent:
    return _object_event(request, Action.CREATE, obj, fields)


def updated(request: HttpRequest, obj: models.Model, fields: Iterable[str]) -> AuditEvent:
    return _object_event(request, Action.UPDATE, obj, fields)


def deleted(request: HttpRequest, obj: models.Model) -> AuditEvent:
    return _object_event(request, Action.DELETE, obj)


def exported(request: HttpRequest, obj: models.Model) -> AuditEvent:
    return _object_event(request, Action.EXPORT, obj)


def listed(
    request: HttpRequest, object_type: str, ids: Iterable[int], *, client_id: int | None = None
) -> AuditEvent:
    """A page that shows several records at once (a list, the dashboard)."""
    return _record(request, Action.READ, object_type, object_ids=ids, client_id=client_id)
