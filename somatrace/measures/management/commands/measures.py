"""somatrace measures score|change: the scoring core from the command line (no database).

somatrace measures score PHQ9 --answers 1,0,2,1,0,0,1,0,1 --json
somatrace measures change GAD7 --before 15 --after 9 --json

Instrument names are case-insensitive and ignore punctuation (phq9, PHQ-9, "phq 9").
An empty answer ("1,,2") means "not answered". Answers and totals are whole numbers written
with the digits 0-9 only ('٣', '２', '0_1', '+1', '12.5' are refused). Bad input exits with
status 1 and one line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.measures import instruments
from somatrace.measures.change import Change, NoChangeData, reliable_change
from somatrace.measures.scoring import (
    AnswerError,
    Score,
    score,
    whole_number_problem,
)


def parse_answers(text: str, defn: instruments.Instrument) -> list[int | None]:
    """'1,,2,...' -> [1, None, 2, ...]. Spaces around an answer are ignored; each answer must
    be a whole number written with the digits 0-9."""
    if text.strip() == "":
        raise AnswerError(
            f"no answers given: {defn.short_title} needs {defn.n_items}, separated by commas"
        )
    values: list[int | None] = []
    for number, part in enumerate(text.split(","), start=1):
        part = part.strip()
        if part == "":
            values.append(None)
            continue
        problem = whole_number_problem(part)
        if problem is not None:
            raise AnswerError(
                f"answer to item {number} must be a whole number written with the digits 0-9, "
                f"but {part!r} {problem}"
            )
        values.append(int(part))
    return values


def score_json(code: str, result: Score) -> dict[str, Any]:
    return {
        "instrument": code,
        "total": result.total,
        "band": result.band,
        "subscales": result.subscales,
        "alerts": [
            {"kind": a.kind, "priority": a.priority, "item": a.number, "title": a.title}
            for a in result.alerts
        ],
        "valid": result.valid,
        "reason": result.reason,
        "prorated": result.prorated,
        "details": result.details,
    }


def change_json(defn: instruments.Instrument, result: Change) -> dict[str, Any]:
    """Reliable change and, apart from it, clinically meaningful change."""
    data = defn.change
    assert data is not None
    meaningful = data.meaningful
    return {
        "rc": result.rc,
        "threshold": result.threshold,
        "reliable": result.reliable,
        "direction": result.direction,
        "category": result.category,
        "difference": result.difference,
        "reliable_change": {
            "name": "reliable change (Jacobson-Truax)",
            "threshold": result.threshold,
            "basis": data.basis,
            "verified": data.verified,
        },
        "clinically_meaningful": None
        if meaningful is None
        else {
            "name": meaningful.name,
            "threshold": meaningful.points,
            "label": meaningful.label,
            "met": result.meaningful,
            "source": meaningful.source,
            "verified": meaningful.verified,
        },
    }


def _total(text: str, name: str) -> int:
    """A total given on the command line: a whole number written with the digits 0-9."""
    problem = whole_number_problem(text.strip())
    if problem is not None:
        raise CommandError(
            f"--{name} must be a whole number written with the digits 0-9, but {text!r} {problem}"
        )
    return int(text.strip())


class Command(BaseCommand):
    help = "Score a questionnaire or compute Jacobson-Truax reliable change."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        score_parser = sub.add_parser("score", help="score one set of answers")
        score_parser.add_argument("instrument")
        score_parser.add_argument("--answers", required=True, help="comma-separated, in order")
        score_parser.add_argument("--json", action="store_true")
        change_parser = sub.add_parser("change", help="reliable change between two totals")
        change_parser.add_argument("instrument")
        change_parser.add_argument("--before", required=True)
        change_parser.add_argument("--after", required=True)
        change_parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            defn = instruments.get(options["instrument"])
        except KeyError as error:
            raise CommandError(str(error.args[0])) from None
        if options["action"] == "score":
            self._score(defn, options)
        else:
            self._change(defn, options)

    def _score(self, defn: instruments.Instrument, options: dict[str, Any]) -> None:
        try:
            result = score(defn, parse_answers(options["answers"], defn))
        except AnswerError as error:
            raise CommandError(str(error)) from None
        data = score_json(defn.code, result)
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        if not result.valid:
            self.stdout.write(f"{defn.short_title}: not scored. {result.reason}")
        else:
            total = "no total" if result.total is None else f"total {result.total}"
            self.stdout.write(
                f"{defn.short_title}: {total}" + (f" ({result.band})" if result.band else "")
            )
            if result.prorated:
                self.stdout.write(f"  {result.note}")
            for key, value in result.subscales.items():
                self.stdout.write(f"  {key}: {value:g}")
        for alert in result.alerts:
            self.stdout.write(f"  ALERT ({alert.priority}): {alert.title}")

    def _change(self, defn: instruments.Instrument, options: dict[str, Any]) -> None:
        before = _total(options["before"], "before")
        after = _total(options["after"], "after")
        low, high = defn.total_range
        for name, value in (("before", before), ("after", after)):
            if not low <= value <= high:
                raise CommandError(f"--{name} {value} is outside {defn.short_title}'s {low}-{high}")
        try:
            result = reliable_change(defn, before, after)
        except NoChangeData as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(change_json(defn, result)))
            return
        assert defn.change is not None
        unverified = "" if defn.change.verified else ", unverified"
        self.stdout.write(
            f"{defn.short_title} {before} -> {after}: RC {result.rc:.2f} "
            f"(reliable at {result.threshold:.2f} points{unverified}): {result.category}"
        )
        meaningful = defn.change.meaningful
        if meaningful is not None:
            reaches = "reaches" if result.meaningful else "does not reach"
            self.stdout.write(
                f"  {meaningful.name.capitalize()}: {meaningful.label} ({meaningful.source}); "
                f"this change of {result.difference:+g} points {reaches} it"
            )
