"""`somatrace bodymaps import-embody DIR --client-id N`: bring emBODY stroke logs in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.bodymaps.embody import EmbodyError, read_strokes
from somatrace.bodymaps.models import Moment
from somatrace.bodymaps.payload import PayloadError, validate
from somatrace.bodymaps.services import save_painting
from somatrace.clients.models import Client
from somatrace.core.actor import Actor


def _number(path: Path) -> tuple[int, str]:
    match = re.match(r"(\d+)", path.stem)
    return (int(match.group(1)) if match else 10**9, path.name)


class Command(BaseCommand):
    help = "Body-map tools. import-embody DIR --client-id N: import emBODY CSV stroke logs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-embody", help="import a directory of emBODY CSV files")
        imp.add_argument("directory", type=Path)
        imp.add_argument("--client-id", type=int, required=True)
        imp.add_argument("--body-shape", choices=["female", "male"], default="female")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        client = Client.objects.filter(pk=options["client_id"]).first()
        if client is None:
            raise CommandError(f"no client with id {options['client_id']}")
        # Whoever runs the command, named by their login, acts for the client's practice.
        actor = Actor.command_line(client.practice_id, "bodymaps import-embody")
        imported = skipped = 0
        for path in sorted(directory.glob("*.csv"), key=_number):
            try:
                strokes = read_strokes(path.read_text(encoding="utf-8", errors="replace"))
                clean = validate(
                    {
                        "atlas_version": "choir-1",
                        "body_shape": options["body_shape"],
                        "strokes": strokes,
                        "words": f"Imported from emBODY file {path.name}",
                    }
                )
            except (EmbodyError, PayloadError) as error:
                self.stderr.write(f"{path.name}: skipped ({error})")
                skipped += 1
                continue
            save_painting(actor, client, clean, moment=Moment.CHECKIN)
            imported += 1
        self.stdout.write(f"Imported {imported} painting(s), skipped {skipped}.")
