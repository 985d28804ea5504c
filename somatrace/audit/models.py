"""The append-only audit log: who did what to which client record, when, and from where."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from somatrace.core.actor import Actor, ActorKind, Channel


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


APPEND_ONLY = "The audit log is append-only."

# The real guard: the database refuses UPDATE and DELETE on the table whatever code (or
# person) asks, and PostgreSQL also refuses TRUNCATE. The Python refusals below only turn
# what Django would try into a clear AppendOnlyError before the database is asked. Only a
# test run's flush lifts the triggers (somatrace/core/db). Kept in step with migration 0004;
# installed again after every migrate, since rebuilding a SQLite table drops its triggers.
SQLITE_GUARDS = {
    "audit_event_no_update": """
        CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
    "audit_event_no_delete": """
        CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
}
POSTGRES_GUARDS = {
    "audit_event_append_only": """
        CREATE OR REPLACE TRIGGER audit_event_append_only
        BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
    "audit_event_no_truncate": """
        CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
    """,
}
POSTGRES_FUNCTION = """
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END;
    $$ LANGUAGE plpgsql
"""


def _guards(connection: BaseDatabaseWrapper) -> dict[str, str]:
    return POSTGRES_GUARDS if connection.vendor == "postgresql" else SQLITE_GUARDS


def install_append_only_guards(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers that are missing (idempotent)."""
    if connection.vendor not in {"sqlite", "postgresql"}:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
        for statement in _guards(connection).values():
            cursor.execute(statement)


def append_only_guards_present(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND tgenabled <> 'D'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditevent'"
            )
        names = {row[0] for row in cursor.fetchall()}
    return set(_guards(connection)) <= names


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """Every way a query set changes rows refuses: update, delete, bulk_update, an upsert, and
    the private _update/_raw_delete that Model.save_base and fast deletes use."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def bulk_update(
        self, objs: Iterable[AuditEvent], fields: Any, batch_size: Any = None
    ) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def bulk_create(
        self,
        objs: Iterable[Any],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[Any]:
        """Inserting is fine; an upsert (ON CONFLICT DO UPDATE) would change a row."""
        if update_conflicts:
            raise AppendOnlyError(APPEND_ONLY)
        return super().bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)

    def _update(self, values: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def _raw_delete(self, using: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

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
        # Django's internal paths (save_base, related managers) use the base manager: make
        # it the refusing one too.
        base_manager_name = "objects"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["practice_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

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


@receiver(pre_delete, sender=AuditEvent)
def _refuse_delete(sender: type[AuditEvent], instance: AuditEvent, **kwargs: Any) -> NoReturn:
    """A Collector (a cascade, Model.delete bypassed) deletes rows without a query set."""
    raise AppendOnlyError(APPEND_ONLY)
