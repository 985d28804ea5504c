from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "somatrace.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from somatrace.audit.models import install_append_only_guards

        def guard(using: str = "default", **kwargs: Any) -> None:
            """After every migrate (a SQLite table rebuild drops its triggers)."""
            install_append_only_guards(connections[using])

        post_migrate.connect(guard, sender=self, weak=False, dispatch_uid="audit-guards")
