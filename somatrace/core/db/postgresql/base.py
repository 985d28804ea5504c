"""PostgreSQL, with a test flush that lifts and restores the TRUNCATE guard (see core.db)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base, creation, operations

from somatrace.core.db import created_for_tests, mark_created_for_tests

TRUNCATE_TRIGGERS = """
    SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND (t.tgtype & 32) <> 0 AND c.relname = ANY(%s)
    AND pg_table_is_visible(c.oid) ORDER BY 1, 2
"""


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
        with self.connection.cursor() as cursor:
            cursor.execute(TRUNCATE_TRIGGERS, [list(tables)])
            triggers = cursor.fetchall()
        alter = "ALTER TABLE {} {} TRIGGER {};"
        q = self.quote_name
        return [
            *(alter.format(q(table), "DISABLE", q(name)) for table, name in triggers),
            *statements,
            *(alter.format(q(table), "ENABLE", q(name)) for table, name in triggers),
        ]


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, *args: Any, **kwargs: Any) -> str:
        mark_created_for_tests(self.connection.settings_dict)
        return super().create_test_db(*args, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation
