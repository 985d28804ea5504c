"""`somatrace import practice DIR`: load a practice export into this empty instance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.core.actor import Actor
from somatrace.transfer.archive import ArchiveError
from somatrace.transfer.services import import_practice


def _actor(practice_id: int) -> Actor:
    return Actor.command_line(practice_id, "import practice")


class Command(BaseCommand):
    help = "Imports. practice DIR: load a practice export into this empty instance."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        practice = sub.add_parser("practice", help="load a practice export (empty instance only)")
        practice.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        log = self.stdout.write if options["verbosity"] > 1 else (lambda _: None)
        try:
            practice = import_practice(options["directory"], _actor, log=log)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Imported the practice {practice.name!r} (id {practice.pk}).")
