"""`somatrace export practice DIR [--practice-id N]`: write the whole practice as documented,
versioned files (docs/exports.md, "Moving a practice")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.accounts.models import Practice
from somatrace.core.actor import Actor
from somatrace.transfer.archive import ArchiveError
from somatrace.transfer.services import export_practice


class Command(BaseCommand):
    help = "Exports. practice DIR: the whole practice, to load into another instance."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        practice = sub.add_parser("practice", help="write the whole practice to a new directory")
        practice.add_argument("directory", type=Path)
        practice.add_argument(
            "--practice-id", type=int, help="which practice, when the instance holds several"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        practices = Practice.objects.order_by("pk")
        if options["practice_id"] is not None:
            practices = practices.filter(pk=options["practice_id"])
        found = list(practices[:2])
        if not found:
            raise CommandError("No such practice.")
        if len(found) > 1:
            raise CommandError("This instance holds several practices: give --practice-id.")
        practice = found[0]
        actor = Actor.command_line(practice.pk, "export practice")
        try:
            manifest = export_practice(actor, practice, options["directory"])
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        total = sum(manifest["counts"].values())
        self.stdout.write(
            f"Exported {total} records and {manifest['scope']['files_copied']} file(s) to "
            f"{options['directory']}. It holds every record and the staff's password hashes: "
            "keep it as safe as a backup."
        )
