"""Read a CSV of scores (client,date,score) for `somatrace research effect`. No Django import.

One row per administration: ``client`` (any label), ``date`` (ISO 8601, YYYY-MM-DD, a time
part is ignored), ``score`` (the instrument's total, score points). Errors name the row, never
echo more of the file than the offending field.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path

COLUMNS = ("client", "date", "score")


class ScoreFileError(ValueError):
    """The file cannot be read as scores; the message says why (row numbers from 2)."""


def read(path: str | Path) -> list[tuple[str, date, float]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScoreFileError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise ScoreFileError(f"{path} is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise ScoreFileError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise ScoreFileError(f"Cannot read {path}: {error.strerror}") from None
    return parse(text)


def parse(text: str) -> list[tuple[str, date, float]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ScoreFileError(
            "The CSV needs the columns client,date,score; missing: " + ", ".join(missing)
        )
    reader.fieldnames = header
    rows: list[tuple[str, date, float]] = []
    for number, row in enumerate(reader, start=2):
        client = (row.get("client") or "").strip()
        raw_date = (row.get("date") or "").strip()
        raw_score = (row.get("score") or "").strip()
        if not client and not raw_date and not raw_score:
            continue
        if not client:
            raise ScoreFileError(f"Row {number}: the client is empty")
        try:
            day = date.fromisoformat(raw_date[:10])
        except ValueError:
            raise ScoreFileError(
                f"Row {number}: the date is not YYYY-MM-DD ({raw_date[:20]!r})"
            ) from None
        try:
            score = float(raw_score)
        except ValueError:
            raise ScoreFileError(
                f"Row {number}: the score is not a number ({raw_score[:20]!r})"
            ) from None
        if not math.isfinite(score):
            raise ScoreFileError(f"Row {number}: the score is not a finite number")
        rows.append((client, day, score))
    if not rows:
        raise ScoreFileError("The CSV has no scores")
    return rows
