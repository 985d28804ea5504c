from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from somatrace.core import periodic


class Command(BaseCommand):
    help = (
        "Run background tasks (email, reports, imports, analyses) from the database queue, "
        "and the periodic jobs about every 30 seconds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the due periodic jobs once, then what is queued, then exit.",
        )

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        if batch:
            periodic.tick()
            call_command("db_worker", batch=True, verbosity=options["verbosity"])
            return
        # The periodic jobs run in a thread of their own beside the queue, so that a long
        # task (a large report) never holds them up; the thread ends with the process.
        stop = threading.Event()
        loop = threading.Thread(
            target=periodic.run_forever, args=(stop,), name="periodic", daemon=True
        )
        loop.start()
        try:
            call_command("db_worker", verbosity=options["verbosity"])
        finally:
            stop.set()
