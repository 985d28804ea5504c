"""Outcome CSVs and their data dictionary. Plain Python, no Django import.

The per-client CSV has one row per completed questionnaire; the caseload CSV one row per
instrument with change data, with the caseload page's small-group suppression
(measures.summary.MIN_GROUP): for fewer clients than that, no count and no percentage.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from somatrace.measures import instruments, summary
from somatrace.measures.change import CATEGORIES


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    unit: str
    meaning: str
    source: str


CLIENT_COLUMNS: tuple[Column, ...] = (
    Column("client_id", "integer", "", "Somatrace's id of the client", "clients.Client.id"),
    Column(
        "administration_id",
        "integer",
        "",
        "Id of this completed questionnaire",
        "measures.Administration.id",
    ),
    Column(
        "instrument",
        "text",
        "",
        "Instrument short title (PHQ-9, GAD-7, PSS-10, PCL-5, MAIA-2, WHO-5, SUDS)",
        "measures/instruments.py",
    ),
    Column("version", "text", "", "Version of the instrument definition", "Administration.version"),
    Column(
        "completed_on",
        "date (YYYY-MM-DD)",
        "",
        "Day the questionnaire was completed (UTC)",
        "Administration.completed_at",
    ),
    Column(
        "channel",
        "text",
        "",
        "How it was completed: kiosk, link or paper",
        "Administration.channel",
    ),
    Column(
        "valid",
        "yes/no",
        "",
        "Whether it could be scored (enough answers)",
        "Administration.valid",
    ),
    Column(
        "total",
        "number",
        "score points",
        "Total score; empty when not valid or the instrument has no total (MAIA-2)",
        "measures/scoring.py",
    ),
    Column("band", "text", "", "Severity band of the total", "Instrument.bands"),
    Column(
        "change_from_first",
        "number",
        "score points",
        "Total minus the client's first valid total on this instrument",
        "computed",
    ),
    Column(
        "change_reading",
        "text",
        "",
        "First score, Reliable improvement, Reliable deterioration, Within measurement "
        "error, or Trend only (Jacobson & Truax reliable change against the first score)",
        "measures/summary.py point_change",
    ),
    Column(
        "session_id",
        "integer",
        "",
        "Session it was given in, if any",
        "Administration.session",
    ),
)

_CASELOAD_HEAD: tuple[Column, ...] = (
    Column("instrument", "text", "", "Instrument short title", "measures/instruments.py"),
    Column(
        "clients",
        "integer",
        "clients",
        f"Clients with at least two valid scores; empty when fewer than {summary.MIN_GROUP}",
        "measures/summary.py caseload",
    ),
    Column(
        "suppressed",
        "yes/no",
        "",
        f"yes: fewer than {summary.MIN_GROUP} clients, so no figures are given",
        "measures/summary.py MIN_GROUP",
    ),
)
_CASELOAD_COUNTS: tuple[Column, ...] = tuple(
    column
    for category in CATEGORIES
    for column in (
        Column(
            f"{category}_n",
            "integer",
            "clients",
            f"Clients whose first-to-latest change is {summary.STATUS_LABELS[category]}",
            "measures/change.py reliable_change",
        ),
        Column(
            f"{category}_percent",
            "integer",
            "percent",
            f"{summary.STATUS_LABELS[category]} as a whole percentage of clients",
            "measures/summary.py CaseloadRow.cells",
        ),
    )
)


@dataclass(frozen=True)
class Score:
    """One completed questionnaire, as the service reads it."""

    administration_id: int
    instrument: str
    version: str
    completed_on: date
    channel: str
    valid: bool
    total: float | None
    band: str
    session_id: int | None


CASELOAD_COLUMNS: tuple[Column, ...] = (*_CASELOAD_HEAD, *_CASELOAD_COUNTS)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def client_rows(client_id: int, scores: Sequence[Score]) -> list[list[str]]:
    """scores in time order -> one row each; change is against the first valid total."""
    first: dict[str, summary.Point] = {}
    rows = []
    for s in scores:
        defn = instruments.INSTRUMENTS[s.instrument]
        total = s.total if s.valid else None
        point = summary.Point(s.completed_on, total)
        change, reading = "", ""
        if total is not None:
            start = first.setdefault(s.instrument, point)
            assert start.total is not None
            change = _number(total - start.total)
            reading = summary.point_change(defn, start, point)
        rows.append(
            [
                str(client_id),
                str(s.administration_id),
                defn.short_title,
                s.version,
                s.completed_on.isoformat(),
                s.channel,
                "yes" if s.valid else "no",
                _number(total),
                s.band if s.valid else "",
                change,
                reading,
                "" if s.session_id is None else str(s.session_id),
            ]
        )
    return rows


def caseload_rows(table: Iterable[summary.CaseloadRow]) -> list[list[str]]:
    rows = []
    for row in table:
        out = [row.title, str(row.n) if row.shown else "", "no" if row.shown else "yes"]
        for cell in row.cells():
            if row.shown:
                out += [str(cell["count"]), str(cell["percent"])]
            else:
                out += ["", ""]
        rows.append(out)
    return rows


def to_csv(columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerows(rows)
    return buffer.getvalue()


def dictionary_markdown(columns: Sequence[Column]) -> str:
    lines = ["| column | type | unit | meaning | source |", "|---|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {c.unit} | {c.meaning} | {c.source} |" for c in columns]
    return "\n".join(lines)
