"""`somatrace bodymaps import-embody DIR --client-id N`: bring emBODY stroke logs in, on
emBODY's own outline, with the stimulus of each file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.bodymaps.embody import DEMO_STIMULI, EmbodyError, read_recording, stimulus_name
from somatrace.bodymaps.services import import_embody
from somatrace.clients.models import Client
from somatrace.core.actor import Actor

MAX_FILE_BYTES = 5_000_000  # the demo's largest recording is 67 kB


def _number(path: Path) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+)", path.stem)
    return (int(match.group(1)) if match else 10**9, path.name)


class Command(BaseCommand):
    help = "Body-map tools. import-embody DIR --client-id N: import emBODY CSV stroke logs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-embody", help="import a directory of emBODY CSV files")
        imp.add_argument("directory", type=Path)
        imp.add_argument("--client-id", type=int, required=True)
        imp.add_argument(
            "--stimuli",
            default=",".join(DEMO_STIMULI),
            help="comma-separated stimulus names, file N.csv answering the N-th (0-based); "
            "default: the 14 emotion words of emBODY's demo",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        client = Client.objects.filter(pk=options["client_id"]).first()
        if client is None:
            raise CommandError(f"no client with id {options['client_id']}")
        stimuli = tuple(name.strip() for name in options["stimuli"].split(",") if name.strip())
        # Whoever runs the command, named by their login, acts for the client's practice.
        actor = Actor.command_line(client.practice_id, "bodymaps import-embody")
        imported = nothing = refused = 0
        for path in sorted(directory.glob("*.csv"), key=_number):
            number = _number(path)[0]
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise EmbodyError(f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
                recording = read_recording(path.read_text(encoding="utf-8", errors="replace"))
            except EmbodyError as error:
                self.stderr.write(f"{path.name}: refused ({error})")
                refused += 1
                continue
            stimulus = stimulus_name(number, stimuli) if number < 10**9 else path.stem
            import_embody(actor, client, recording, stimulus=stimulus, source=path.name)
            imported += 1
            if recording.empty:
                nothing += 1
                self.stdout.write(
                    f"{path.name}: {stimulus}, nothing painted (kept as nothing felt)"
                )
        self.stdout.write(
            f"Imported {imported} painting(s) ({nothing} of nothing felt), refused {refused}."
        )
