"""SQLite, owner-only on disk, with a test flush that lifts and restores the append-only
triggers (see core.db)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base, creation, operations

from somatrace.core.db import created_for_tests, mark_created_for_tests


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self,
        style: Any,
        tables: Any,
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        statements: list[str] = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements or not created_for_tests(self.connection.settings_dict):
            return statements
        wanted = set(tables)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            )
            triggers = [(name, sql) for name, table, sql in cursor.fetchall() if table in wanted]
        drop = [f"DROP TRIGGER {self.quote_name(name)};" for name, _ in triggers]
        return [*drop, *statements, *(f"{sql};" for _, sql in triggers)]


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, *args: Any, **kwargs: Any) -> str:
        mark_created_for_tests(self.connection.settings_dict)
        return super().create_test_db(*args, **kwargs)


def keep_private(name: object) -> None:
    """The database file and its -wal and -shm (which SQLite creates with the database's own
    mode) readable by the owner only, however they were created."""
    if not isinstance(name, str | Path) or str(name).startswith("file:") or name == ":memory:":
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        keep_private(self.settings_dict["NAME"])
        return connection
