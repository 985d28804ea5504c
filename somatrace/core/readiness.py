"""What /readyz checks: the database answers, no migration waits, a worker was seen lately.

Each check says only "ok" or what is wrong in general terms: nothing of any practice."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from somatrace.core import periodic


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        # A broken connection is not reused by the next request: it reconnects.
        connection.close_if_unusable_or_obsolete()
        return Check("database", False, "unreachable")
    return Check("database", True, "ok")


def migrations() -> Check:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return Check("migrations", False, "unknown: the database is unreachable")
    if plan:
        return Check("migrations", False, f"{len(plan)} not applied: run `somatrace migrate`")
    return Check("migrations", True, "ok")


def worker() -> Check:
    limit = settings.SOMATRACE_READY_WORKER_SECONDS
    if limit <= 0:
        return Check("worker", True, "not checked")
    try:
        seen = periodic.last_worker_seen()
    except DatabaseError:
        return Check("worker", False, "unknown: the database is unreachable")
    if seen is None:
        return Check("worker", False, "no worker has run: start `somatrace worker`")
    age = (timezone.now() - seen).total_seconds()
    if age > limit:
        return Check("worker", False, f"last seen {int(age)} s ago (more than {limit} s)")
    return Check("worker", True, "ok")


def check_all() -> list[Check]:
    first = database()
    if not first.ok:
        return [
            first,
            Check("migrations", False, "unknown: the database is unreachable"),
            Check("worker", False, "unknown: the database is unreachable"),
        ]
    return [first, migrations(), worker()]
