from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from somatrace.core.backup import BackupError, restore_sqlite
from somatrace.core.management.commands.backup import PG_GUIDANCE


class Command(BaseCommand):
    help = "Replace the database with a backup made by `somatrace backup` (stop the server first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, path: Path, yes: bool, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(PG_GUIDANCE.format(path=path))
        live = Path(settings.DATABASES["default"]["NAME"])
        if not yes:
            answer = input(
                f"Replace {live} with {path}? The current data is kept as a copy. [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was changed.")
        connection.close()
        try:
            safety_copy = restore_sqlite(path, live)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
        if safety_copy:
            self.stdout.write(f"The database as it was before is kept at {safety_copy}.")
        self.stdout.write("Run `somatrace migrate` if the backup came from an older version.")
