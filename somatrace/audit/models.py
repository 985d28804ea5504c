"""The append-only audit log: who did what to which client record, when, and from where."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from somatrace.core.actor import Actor, ActorKind, Channel


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def visible_to(self, actor: Actor | None) -> AuditQuerySet:
        """Owners see their practice's log; nobody else sees any of it."""
        if actor is None or not actor.is_owner:
            return self.none()
        return self.filter(practice_id=actor.practice_id)


class Action(models.TextChoices):
    CREATE = "create", "Created"
    READ = "read", "Viewed"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    ACCESS = "access", "Access changed"


WHO_WITHOUT_A_USER: dict[str, str] = {
    ActorKind.LINK: "Secure link or kiosk",
    ActorKind.SYSTEM: "Somatrace itself",
    ActorKind.CLI: "Command line",
    ActorKind.CLIENT: "The client",
}


class AuditEvent(models.Model):
    # Plain ids, not foreign keys: the trail must outlive the records it describes
    # (a client deleted on request keeps the history of who saw them).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted when there is no user (a link holder, the system, the command line): the
    # kind, and a short reference that never holds a secret (see core.actor).
    actor_kind = models.CharField(
        max_length=10,
        choices=[(k.value, k.value) for k in ActorKind],
        default=ActorKind.STAFF.value,
    )
    actor_ref = models.CharField(max_length=80, blank=True)
    channel = models.CharField(
        max_length=10, choices=[(c.value, c.value) for c in Channel], default=Channel.WEB.value
    )
    # Nullable only for rows written before every row had to name its practice.
    practice_id = models.BigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    client_id = models.BigIntegerField(null=True, db_index=True)
    # Names of the fields written, never their values: the log itself holds no clinical data.
    fields = models.JSONField(default=list, blank=True)
    # For list views: which records were shown.
    object_ids = models.JSONField(default=list, blank=True)
    # For pages built from panels: the other records shown, {"therapy.session": [ids]}.
    shown = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True)
    path = models.CharField(max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["practice_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    @property
    def who(self) -> str:
        """Who acted, in words: the person, or what kind of actor and its reference."""
        if self.actor is not None:
            return self.actor.get_full_name() or str(self.actor)
        kind = WHO_WITHOUT_A_USER.get(self.actor_kind, self.actor_kind)
        return f"{kind} ({self.actor_ref})" if self.actor_ref else kind

    @property
    def shown_count(self) -> int:
        return len(self.object_ids) + sum(len(ids) for ids in (self.shown or {}).values())
