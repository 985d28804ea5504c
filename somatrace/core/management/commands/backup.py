from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from somatrace.core.backup import BackupError, backup_sqlite

PG_GUIDANCE = """\
This installation uses PostgreSQL. Back it up with PostgreSQL's own tool, which takes a
consistent snapshot while Somatrace keeps running:

    pg_dump --format=custom --file={path} "$DATABASE_URL"

and restore into an empty database with:

    pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" {path}

Keep backups encrypted and off this machine: they contain health records.
"""


class Command(BaseCommand):
    help = "Write a consistent copy of the database to PATH while Somatrace keeps running."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(PG_GUIDANCE.format(path=path))
        try:
            size = backup_sqlite(Path(settings.DATABASES["default"]["NAME"]), path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Backed up to {path} ({size / 1e6:.1f} MB, integrity ok).")
        )
        self.stdout.write("It contains health records: keep it encrypted and off this machine.")
