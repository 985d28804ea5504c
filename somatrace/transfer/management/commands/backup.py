from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.audit.models import Action
from somatrace.core.backup import BackupError, Encryption, passphrase_from, write_backup
from somatrace.transfer.services import record_whole_database


class Command(BaseCommand):
    help = (
        "Write everything a restore needs (the database, uploaded files and a manifest) to "
        "one archive at PATH while Somatrace keeps running, optionally encrypted with age."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--passphrase",
            action="store_true",
            help="Encrypt to a passphrase, taken from SOMATRACE_BACKUP_PASSPHRASE, "
            "--passphrase-file, or asked for.",
        )
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="Encrypt to the passphrase on this file's first line.",
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            metavar="AGE1...",
            help="Encrypt to this age public key (repeat for several).",
        )
        parser.add_argument(
            "--recipients-file", type=Path, help="Encrypt to the age public keys in this file."
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        passphrase: bool,
        passphrase_file: Path | None,
        recipient: list[str],
        recipients_file: Path | None,
        **options: Any,
    ) -> None:
        try:
            keys = list(recipient)
            if recipients_file is not None:
                try:
                    keys += recipients_file.read_text().splitlines()
                except (OSError, UnicodeDecodeError) as error:
                    raise BackupError(f"{recipients_file} cannot be read.") from error
                keys = [k.strip() for k in keys if k.strip() and not k.strip().startswith("#")]
                if not keys:
                    raise BackupError(f"{recipients_file} holds no age public key.")
            secret = None
            if passphrase or passphrase_file is not None:
                secret = passphrase_from(passphrase_file, confirm=True)
            written = write_backup(path, Encryption(passphrase=secret, recipients=tuple(keys)))
        except BackupError as error:
            raise CommandError(str(error)) from error
        record_whole_database("backup", Action.EXPORT)
        how = f"encrypted to a {written.encrypted}" if written.encrypted else "not encrypted"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {written.path} ({written.size / 1e6:.1f} MB: the database and "
                f"{written.files} file(s), checksums in its manifest; {how})."
            )
        )
        if not written.encrypted:
            self.stdout.write(
                "It contains health records: encrypt it (--recipient or --passphrase) "
                "and keep it off this machine."
            )
