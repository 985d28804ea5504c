"""`somatrace hrv analyze FILE`: read one recording and report its metrics. No Django.

The command runs without Django (somatrace/cli.py sends `somatrace hrv ...` here before
Django starts) so that it starts in a fraction of a second: nothing here or in what it
imports loads SciPy for an RR file (ECG files load scipy.signal when they need it). The
management command (physio/management/commands/hrv.py) uses the same functions.

Exit status: 0 with the report on stdout; 1 with one line on stderr,
``CommandError: FILE: problem`` (as Django prints a CommandError), for a file that cannot be
read, is too large, or is an ECG too poor to analyse; 2 for wrong arguments (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from somatrace.physio import formats, hrv, pipeline

USAGE = "somatrace hrv analyze FILE [--format NAME] [--sampling-rate HZ] [--method NAME] [--json]"


def add_analyze_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `hrv analyze` (here and in the management command)."""
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", choices=formats.FORMATS, default=None)
    parser.add_argument("--sampling-rate", type=float, default=None, help="ECG rate in Hz")
    parser.add_argument(
        "--method",
        choices=tuple(hrv.METHODS),
        default=hrv.DEFAULT_METHOD,
        help="spectral method: welch-300 (default) or kubios (the Kubios HRV convention)",
    )
    parser.add_argument("--no-correct", action="store_true", help="skip artefact correction")
    parser.add_argument("--json", action="store_true", help="print JSON (the only output)")


def read_file(path: Path) -> bytes:
    """The file's bytes; FormatError for a file too large (checked before reading) or one
    that cannot be opened."""
    try:
        size = path.stat().st_size
        if size > formats.MAX_BYTES:
            raise formats.FormatError(
                None,
                f"the file is {size / 2**20:.0f} MB, larger than the "
                f"{formats.MAX_BYTES // 2**20} MB limit",
            )
        return path.read_bytes()
    except OSError as error:
        raise formats.FormatError(None, f"cannot read the file ({error.strerror})") from None


def analyze(options: dict[str, Any]) -> dict[str, Any]:
    """The report of options["file"] (see pipeline.summary); raises FormatError."""
    path: Path = options["file"]
    recording = formats.read_recording(
        read_file(path),
        filename=path.name,
        format=options.get("format"),
        sampling_rate_hz=options.get("sampling_rate"),
    )
    return pipeline.summary(
        recording,
        correct=not options.get("no_correct", False),
        method=options.get("method") or hrv.DEFAULT_METHOD,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def as_json(result: dict[str, Any]) -> str:
    return json.dumps(_plain(result), ensure_ascii=False)


def as_text(result: dict[str, Any]) -> str:
    """One line of numbers, then one line per note."""
    time, freq = result["time"], result["frequency"]
    parts = [f"{result['format']}: {result['n_beats']} beats, {result['duration_s']:.0f} s"]
    if time["mean_hr_bpm"] is not None:
        parts.append(
            f"HR {time['mean_hr_bpm']:.1f} bpm, SDNN {time['sdnn_ms']:.1f} ms, "
            f"RMSSD {time['rmssd_ms']:.1f} ms"
        )
    else:
        parts.append(f"no HR, SDNN or RMSSD ({time['reason']})")
    if freq["hf_ms2"] is not None:
        ratio = "none" if freq["lf_hf"] is None else f"{freq['lf_hf']:.2f}"
        parts.append(
            f"HF {freq['hf_ms2']:.0f} ms², LF {freq['lf_ms2']:.0f} ms², LF/HF {ratio} "
            f"({result['method']})"
        )
    else:
        parts.append(f"no HF/LF ({freq.get('reason') or 'shorter than 60 s'})")
    quality = result.get("quality")
    if quality:
        parts.append(
            f"ECG signal poor in {quality['n_poor']} of {quality['n_windows']} 10-s windows"
        )
    lines = ["; ".join(parts)]
    lines += [f"note: {note}" for note in result.get("notes") or []]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """`somatrace hrv ...` without Django. Returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="somatrace hrv", description="Heart-rate variability from a recording file."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    add_analyze_arguments(
        sub.add_parser("analyze", help="Analyse one file and print the metrics.", usage=USAGE)
    )
    options = vars(parser.parse_args(argv))
    try:
        result = analyze(options)
    except formats.FormatError as error:
        sys.stderr.write(f"CommandError: {options['file'].name}: {error}\n")
        return 1
    sys.stdout.write((as_json(result) if options["json"] else as_text(result)) + "\n")
    return 0
