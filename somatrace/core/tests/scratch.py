"""A PostgreSQL database of a test's own, for tests that start real `somatrace` processes.

    with scratch_postgres("backup") as url:   # postgres://.../somatrace_backup_1a2b3c4d5e6f
        ...

Made on the server of DATABASE_URL when that is PostgreSQL (the suite's PostgreSQL run),
else of SOMATRACE_TEST_POSTGRES, else the local one, so the SQLite run exercises PostgreSQL
too. A server that does not answer fails the test in CI and skips it elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LOCAL = "postgres://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    return os.environ.get("SOMATRACE_TEST_POSTGRES", LOCAL)


@contextmanager
def scratch_postgres(purpose: str) -> Iterator[str]:
    """The URL of a new, empty database named for `purpose`, dropped (forcibly) afterwards."""
    parts = urlsplit(server_url())
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is needed for the {purpose} test and is not reachable: {error}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    name = f"somatrace_{purpose}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
