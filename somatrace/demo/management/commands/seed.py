from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.demo.checks import REFUSAL, demo_seeding_refused
from somatrace.demo.seed import seed_demo, seed_scale


class Command(BaseCommand):
    help = "Add the demo practice, or with --scale N a large practice of N clients for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, help="Number of clients in a new large practice.")
        parser.add_argument("--sessions-per-client", type=int, default=50)
        parser.add_argument(
            "--i-know-demo-accounts-are-public",
            action="store_true",
            help="Add the demo accounts even though debug mode is off.",
        )

    def handle(
        self, *args: Any, scale: int | None, sessions_per_client: int, **options: Any
    ) -> None:
        if scale is None:
            if demo_seeding_refused() and not options["i_know_demo_accounts_are_public"]:
                raise CommandError(REFUSAL)
            seed_demo(log=self.stdout.write)
            return
        if scale < 1 or sessions_per_client < 0:
            raise CommandError("--scale must be at least 1 and --sessions-per-client at least 0.")
        seed_scale(scale, sessions_per_client, log=self.stdout.write)
