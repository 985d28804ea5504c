"""Database backends: Django's own, except that only a test run's flush lifts the triggers
that keep a table append-only (somatrace.audit).

Django empties every table between transactional tests (`flush`: DELETE on SQLite, TRUNCATE
on PostgreSQL). The audit log's triggers refuse both, so on a database that Django's test
runner created, and only there, the flush drops (SQLite) or disables (PostgreSQL) the
triggers of the tables it empties and puts them back afterwards in the same transaction.
Anywhere else `somatrace flush` is refused by the database like any other delete.
"""

from __future__ import annotations

from typing import Any

# Set in settings_dict["TEST"] by the test database's creation, never by configuration.
TEST_DATABASE_MARK = "SOMATRACE_CREATED_FOR_TESTS"

ENGINES = {
    "django.db.backends.sqlite3": "somatrace.core.db.sqlite3",
    "django.db.backends.postgresql": "somatrace.core.db.postgresql",
}


def created_for_tests(settings_dict: dict[str, Any]) -> bool:
    return bool(settings_dict.get("TEST", {}).get(TEST_DATABASE_MARK))


def mark_created_for_tests(settings_dict: dict[str, Any]) -> None:
    settings_dict.setdefault("TEST", {})[TEST_DATABASE_MARK] = True
