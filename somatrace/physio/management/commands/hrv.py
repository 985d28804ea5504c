"""somatrace hrv analyze FILE [--format NAME] [--sampling-rate HZ] [--method NAME]
[--no-correct] [--json]

The same command as physio/report.py, which `somatrace hrv` runs without starting Django
(somatrace/cli.py); this is its form for `manage.py` and call_command.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.physio import formats, report


class Command(BaseCommand):
    help = "Heart-rate variability from a recording file (RR or ECG)."
    requires_system_checks: list[str] = []  # reading a file needs no database

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        analyze = sub.add_parser("analyze", help="Analyse one file and print the metrics.")
        report.add_analyze_arguments(analyze)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = report.analyze(options)
        except formats.FormatError as error:
            raise CommandError(f"{options['file'].name}: {error}") from None
        if options["json"]:
            sys.stdout.write(report.as_json(result) + "\n")
            return
        self.stdout.write(report.as_text(result))
