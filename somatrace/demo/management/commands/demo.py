from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.demo.checks import REFUSAL, demo_seeding_refused
from somatrace.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Migrate, add the demo practice (once), and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the data, do not serve."
        )
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--i-know-demo-accounts-are-public",
            action="store_true",
            help="Add the demo accounts even though debug mode is off.",
        )

    def handle(self, *args: Any, no_serve: bool, port: int, host: str, **options: Any) -> None:
        if demo_seeding_refused() and not options["i_know_demo_accounts_are_public"]:
            raise CommandError(REFUSAL)
        call_command("migrate", interactive=False, verbosity=0)
        seed_demo(log=self.stdout.write)
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Somatrace demo: {url}"))
        self.stdout.write(f"  practitioner  practitioner@demo.test  {DEMO_PASSWORD}")
        self.stdout.write(f"  owner         owner@demo.test         {DEMO_PASSWORD}")
        self.stdout.write(f"  assistant     assistant@demo.test     {DEMO_PASSWORD}")
        self.stdout.write("")
        if not no_serve:
            call_command("serve", host=host, port=port)
