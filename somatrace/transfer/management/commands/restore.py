from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from somatrace.audit.models import Action
from somatrace.core.backup import (
    BackupError,
    check_compatible,
    open_backup,
    passphrase_from,
    read_identities,
    restore_backup,
    staging,
)
from somatrace.transfer.services import record_whole_database


class Command(BaseCommand):
    help = (
        "Replace the database and add the uploaded files from a backup made by "
        "`somatrace backup` (stop the server and the worker first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--identity",
            type=Path,
            action="append",
            default=[],
            help="An age identity file (AGE-SECRET-KEY-1...) for a backup encrypted to a key.",
        )
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="The passphrase on this file's first line (else SOMATRACE_BACKUP_PASSPHRASE, "
            "else asked for).",
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(
        self,
        *args: Any,
        path: Path,
        identity: list[Path],
        passphrase_file: Path | None,
        yes: bool,
        **options: Any,
    ) -> None:
        try:
            identities = [key for file in identity for key in read_identities(file)]
            with staging(settings.DATA_DIR) as scratch:
                opened = open_backup(
                    path,
                    scratch,
                    identities,
                    lambda: passphrase_from(passphrase_file, confirm=False),
                )
                check_compatible(opened)
                if not yes:
                    answer = input(
                        f"Replace this installation's database with {path}? "
                        "The current database is kept as a copy. [y/N] "
                    )
                    if answer.strip().lower() not in {"y", "yes"}:
                        raise CommandError("Nothing was changed.")
                restored = restore_backup(opened)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Restored {path}: the database and {restored.files} file(s).")
        )
        if restored.safety_copy:
            self.stdout.write(f"The database as it was before is kept at {restored.safety_copy}.")
        if restored.older:
            self.stdout.write(
                "The backup came from an older version: run `somatrace migrate`. (This "
                "restore is not in the audit trail: the restored trail's table is older.)"
            )
        else:
            connections.close_all()  # the restored database, not the file it replaced
            record_whole_database("restore", Action.UPDATE)
