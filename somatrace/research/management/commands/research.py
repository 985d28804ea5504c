"""`somatrace research effect --input FILE.csv --instrument INST [--json] [--minimum N]`.

Reads scores (client,date,score), takes each client's first and latest score and prints what
changed (research/stats.py). Runs on a file only: no database is read or written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.measures import instruments
from somatrace.measures.change import NoChangeData
from somatrace.research import scorefile, stats
from somatrace.research.limits import LIMITS


def _fmt(value: float | None, digits: int = 2) -> str:
    return "not estimable" if value is None else f"{value:.{digits}f}"


def _ci(ci: tuple[float, float] | None, digits: int = 2) -> str:
    return "not estimable" if ci is None else f"[{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"


class Command(BaseCommand):
    help = "Practice-based evidence from a CSV of scores (effect)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        effect = sub.add_parser("effect", help="change from first to latest score per client")
        effect.add_argument("--input", required=True, help="CSV with columns client,date,score")
        effect.add_argument("--instrument", required=True, help="e.g. PHQ9, GAD7, WHO5")
        effect.add_argument("--json", action="store_true", help="print JSON")
        effect.add_argument(
            "--minimum",
            type=int,
            default=1,
            help="suppress results for fewer clients than this (default 1: a file you hold)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            defn = instruments.get(options["instrument"])
        except KeyError as error:
            raise CommandError(str(error.args[0])) from None
        if options["minimum"] < 1:
            raise CommandError("--minimum must be at least 1")
        try:
            rows = scorefile.read(options["input"])
        except scorefile.ScoreFileError as error:
            raise CommandError(str(error)) from None
        pairs, dropouts = stats.first_and_latest(rows)
        try:
            result = stats.effect(defn, pairs, len(dropouts), minimum=options["minimum"])
        except (ValueError, NoChangeData) as error:
            raise CommandError(f"{defn.short_title}: {error}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
            return
        out = [
            f"{defn.short_title} ({result.direction}): {result.n} clients with a baseline and "
            f"a later score, {result.dropouts} with a baseline only.",
        ]
        if result.suppressed:
            out.append(f"Fewer than {result.minimum} clients: suppressed.")
        elif result.n:
            out.append(
                f"Mean change {_fmt(result.mean_change)} points, 95 % CI "
                f"{_ci(result.mean_change_ci95)}."
            )
            out.append(
                f"Standardized mean change (Hedges-corrected) {_fmt(result.smc)}, 95 % CI "
                f"{_ci(result.smc_ci95)}."
            )
            for label, share in (
                ("Reliably improved", result.improved),
                ("No reliable change", result.unchanged),
                ("Reliably deteriorated", result.deteriorated),
                ("Recovered", result.recovered),
            ):
                if share is not None:
                    out.append(
                        f"{label}: {share.count}/{share.n} ({_fmt(share.fraction)}), "
                        f"95 % CI {_ci(share.ci95)}."
                    )
        out.append(LIMITS)
        self.stdout.write("\n".join(out))
