"""Consistent copies of the SQLite database, taken while the server runs.

SQLite's online backup API copies a live database page by page under a read lock, so the
copy is always a consistent snapshot, even in WAL mode with writers active.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path


class BackupError(Exception):
    pass


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the live database at source to target (which must not exist). Returns bytes written."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    check_sqlite(target)
    return target.stat().st_size


def check_sqlite(path: Path) -> None:
    """Refuse anything that is not an intact Somatrace database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            (result,) = db.execute("PRAGMA integrity_check").fetchone()
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error}).") from error
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")
    if not {"django_migrations", "clients_client"} <= tables:
        raise BackupError(f"{path} is a SQLite database but not a Somatrace one.")


def restore_sqlite(backup: Path, live: Path) -> Path | None:
    """Replace the live database with backup's contents; the current one is kept beside it.

    Returns the path of the safety copy of the database as it was before the restore (None if
    there was no database yet).
    """
    check_sqlite(backup)
    safety_copy = None
    if live.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        safety_copy = live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix}")
        backup_sqlite(live, safety_copy)
    with sqlite3.connect(backup) as src, sqlite3.connect(live) as dst:
        src.backup(dst)
    return safety_copy
