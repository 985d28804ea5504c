"""Upgrades are safe: a database written by the previous release (kept as a fixture) migrates
to this version's schema on SQLite and on PostgreSQL with nothing lost.

The fixtures in fixtures/ were made at release f0386e2 by fixtures/make_upgrade_fixture.py
(docs/developer.md, "Upgrade fixture", says how to make the next one). The test runs plain
`somatrace migrate` to the newest migrations, whichever apps have joined since.

The PostgreSQL half uses the server of DATABASE_URL, else SOMATRACE_TEST_POSTGRES, else the
local one, on the SQLite run too; it fails in CI without one and skips elsewhere.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from somatrace.core.tests.scratch import scratch_postgres
from somatrace.core.tests.test_behind_caddy import SOMATRACE

pytestmark = pytest.mark.xdist_group("upgrade")
FIXTURES = Path(__file__).with_name("fixtures")
RELEASE = "f0386e2"
# Tables Django adds rows to as new apps arrive: they may grow, never shrink.
GROWING = {"django_migrations", "django_content_type", "auth_permission"}

Query = Callable[[str], list[tuple[object, ...]]]


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOMATRACE_")}
    env.pop("DATABASE_URL", None)
    env["SOMATRACE_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def migrate(env: dict[str, str]) -> None:
    result = subprocess.run(
        [SOMATRACE, "migrate", "-v", "0"], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [SOMATRACE, "migrate", "--check"], env=env, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stdout + check.stderr


def counts(query: Query, tables: list[str]) -> dict[str, int]:
    sql = 'SELECT count(*) FROM "{}"'  # table names read from the database itself
    return {table: int(str(query(sql.format(table))[0][0])) for table in tables}


def assert_nothing_lost(before: dict[str, int], after: dict[str, int]) -> None:
    assert sum(before.values()) > 100  # the fixture holds data
    for table, rows in before.items():
        if table in GROWING:
            assert after[table] >= rows, table
        else:
            assert after[table] == rows, table


def assert_the_records_read_as_written(query: Query) -> None:
    """Values make_upgrade_fixture.py wrote, read back after the upgrade."""
    assert query("SELECT name, time_zone FROM accounts_practice") == [
        ("Upgrade Fixture Practice", "Europe/London")
    ]
    assert [r[0] for r in query("SELECT name FROM clients_client ORDER BY name")] == [
        "Ada Lovelace-Fixture",
        "Ben Okri-Fixture",
    ]
    assert query("SELECT count(*) FROM accounts_user") == [(3,)]
    assert query("SELECT count(*) FROM therapy_session") == [(3,)]
    assert query("SELECT count(*) FROM therapy_timelineevent") == [(12,)]  # 4 in each session
    totals = [r[0] for r in query("SELECT total FROM measures_administration ORDER BY id")]
    assert totals == [12.0, 5.0, None]  # PHQ-9 of 12 and of 5, a GAD-7 not yet answered
    assert query("SELECT action, object_type FROM audit_auditevent ORDER BY id") == [
        ("read", "clients.client"),
        ("create", "clients.client"),
    ]
    (rr,) = query("SELECT rr_ms FROM physio_recording")
    assert len(bytes(rr[0])) % 4 == 0 and len(bytes(rr[0])) > 4000  # float32 beats, kept


def test_a_sqlite_database_of_the_previous_release_migrates_with_nothing_lost(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "somatrace.sqlite3"
    with (
        gzip.open(FIXTURES / f"release-{RELEASE}.sqlite3.gz") as packed,
        database.open("wb") as out,
    ):
        shutil.copyfileobj(packed, out)

    def query(sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(database) as db:
            rows = db.execute(sql).fetchall()
        db.close()
        return rows

    tables = [
        r[0]
        for r in query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    before = counts(query, [str(t) for t in tables])
    migrate(environment(data, None))
    assert_nothing_lost(before, counts(query, [str(t) for t in tables]))
    assert_the_records_read_as_written(query)


@pytest.fixture
def old_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database loaded with the previous release's dump."""
    with (
        scratch_postgres("upgrade") as url,
        gzip.open(FIXTURES / f"release-{RELEASE}.postgresql.sql.gz") as packed,
    ):
        loaded = subprocess.run(
            ["psql", "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-d", url],
            input=packed.read(),
            capture_output=True,
            timeout=300,
        )
        assert loaded.returncode == 0, loaded.stderr.decode()
        yield url


def test_a_postgresql_database_of_the_previous_release_migrates_with_nothing_lost(
    old_postgres: str, tmp_path: Path
) -> None:
    def query(sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(old_postgres) as conn:
            return list(conn.execute(sql).fetchall())  # type: ignore[call-overload]

    tables = [
        str(r[0])
        for r in query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ]
    before = counts(query, tables)
    migrate(environment(tmp_path / "data", old_postgres))
    assert_nothing_lost(before, counts(query, tables))
    assert_the_records_read_as_written(query)
