"""somatrace hrv analyze FILE [--format NAME] [--sampling-rate HZ] [--no-correct] --json"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.physio import formats, pipeline


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Command(BaseCommand):
    help = "Heart-rate variability from a recording file (RR or ECG)."
    requires_system_checks: list[str] = []  # reading a file needs no database

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        analyze = sub.add_parser("analyze", help="Analyse one file and print the metrics.")
        analyze.add_argument("file", type=Path)
        analyze.add_argument("--format", choices=formats.FORMATS, default=None)
        analyze.add_argument("--sampling-rate", type=float, default=None, help="ECG rate in Hz")
        analyze.add_argument("--no-correct", action="store_true", help="skip artefact correction")
        analyze.add_argument("--json", action="store_true", help="print JSON (the only output)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            size = path.stat().st_size
            if size > formats.MAX_BYTES:
                raise formats.FormatError(None, "the file is larger than 50 MB")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path.name}: cannot read the file ({error.strerror})") from None
        try:
            recording = formats.read_recording(
                data,
                filename=path.name,
                format=options["format"],
                sampling_rate_hz=options["sampling_rate"],
            )
            result = pipeline.summary(recording, correct=not options["no_correct"])
        except formats.FormatError as error:
            raise CommandError(f"{path.name}: {error}") from None
        if options["json"]:
            sys.stdout.write(json.dumps(_plain(result), ensure_ascii=False) + "\n")
            return
        time = result["time"]
        freq = result["frequency"]
        self.stdout.write(
            f"{result['format']}: {result['n_beats']} beats, {result['duration_s']:.0f} s; "
            f"HR {time['mean_hr_bpm']:.1f} bpm, SDNN {time['sdnn_ms']:.1f} ms, "
            f"RMSSD {time['rmssd_ms']:.1f} ms, "
            + (
                f"HF {freq['hf_ms2']:.0f} ms², LF {freq['lf_ms2']:.0f} ms²"
                if freq["hf_ms2"] is not None
                else "no HF/LF (shorter than 60 s)"
            )
        )
