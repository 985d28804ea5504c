"""De-identification for research exports. No Django import.

* Research ids: HMAC-SHA-256 of the client id under the project's random secret (RFC 2104),
  the first 12 hex digits. Stable within a project, different between projects, and not
  derivable from client ids without the secret, which never leaves the server.
* Ages in bands (default 10 years; 80 and over together), taken on the client's first day.
* Re-identification check: every combination of quasi-identifiers (age band × concern tags)
  held by fewer than ``minimum`` people is listed; the export is refused until none is left
  (k-anonymity with k = minimum; Sweeney L. k-anonymity: a model for protecting privacy.
  Int J Uncertain Fuzziness Knowl-Based Syst 2002;10:557-570).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

TOP_AGE = 80  # ages 80+ in one band


def research_id(secret: str, client_id: int) -> str:
    digest = hmac.new(secret.encode(), str(client_id).encode(), hashlib.sha256).hexdigest()
    return "R" + digest[:12]


def age_band(age: int | None, width: int = 10) -> str:
    """'30-39' for 34 with width 10; 'under 18', '80+' and 'unknown' at the edges."""
    if age is None:
        return "unknown"
    if age < 18:
        return "under 18"
    if age >= TOP_AGE:
        return f"{TOP_AGE}+"
    low = max(18, (age // width) * width)
    high = min(TOP_AGE - 1, (age // width) * width + width - 1)
    return f"{low}-{high}"


@dataclass(frozen=True)
class RareCombination:
    values: tuple[str, ...]  # one value per quasi-identifier, in ``QUASI_IDENTIFIERS`` order
    count: int


def rare_combinations(
    people: Iterable[tuple[Hashable, ...]], minimum: int
) -> list[RareCombination]:
    """Quasi-identifier combinations (one tuple per person) held by fewer than ``minimum``."""
    counts = Counter(tuple(str(v) for v in person) for person in people)
    return sorted(
        (RareCombination(values, n) for values, n in counts.items() if n < minimum),
        key=lambda r: (r.count, r.values),
    )


# Column, type, meaning: the data dictionary shipped with every export.
DICTIONARY: tuple[tuple[str, str, str], ...] = (
    ("research_id", "text", "Stable random id of the client within this research project "
     "(HMAC-SHA-256 under a secret of the project; not derivable from any client id)."),
    ("age_band", "text", "Age in years on the client's first day in the data, in bands "
     "(e.g. 30-39; 'under 18', '80+', 'unknown')."),
    ("concern_tags", "text", "The practice's tags on the client, joined by ';' in "
     "alphabetical order (empty when tags are left out of the export)."),
    ("sessions", "integer", "Number of sessions of the client in the cohort's period."),
    ("instrument", "text", "Questionnaire code (PHQ9, GAD7, PSS10, PCL5, WHO5, MAIA2)."),
    ("day", "integer", "Days from the client's first session (or first score when there "
     "is no session) to this score; 0 = that first day, negative = before it (a baseline "
     "questionnaire before the first session). No calendar dates are exported."),
    ("score", "number", "The questionnaire total on its own scale (see docs/research.md "
     "for each instrument's direction)."),
)  # fmt: skip
COLUMNS = tuple(name for name, _, _ in DICTIONARY)


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Person:
    """One client's quasi-identifiers and scores, before de-identification."""

    client_id: int
    birth: date | None
    tags: tuple[str, ...]
    session_days: tuple[date, ...]
    scores: tuple[tuple[str, date, float], ...]  # (instrument, day, total)

    @property
    def first_day(self) -> date | None:
        days = self.session_days or tuple(d for _, d, _ in self.scores)
        return min(days) if days else None


def quasi_identifiers(person: Person, *, band_width: int, with_tags: bool) -> tuple[str, ...]:
    first = person.first_day
    band = age_band(age_on(person.birth, first) if first else None, band_width)
    return (band, ";".join(person.tags)) if with_tags else (band,)


def rows(
    people: Iterable[Person], secret: str, *, band_width: int = 10, with_tags: bool = True
) -> list[dict[str, object]]:
    """The export's rows, one per score, columns ``COLUMNS``; sorted by research id."""
    out: list[dict[str, object]] = []
    for person in people:
        first = person.first_day
        if first is None:
            continue
        band, *rest = quasi_identifiers(person, band_width=band_width, with_tags=with_tags)
        rid = research_id(secret, person.client_id)
        for code, day, total in person.scores:
            out.append(
                {
                    "research_id": rid,
                    "age_band": band,
                    "concern_tags": rest[0] if rest else "",
                    "sessions": len(person.session_days),
                    "instrument": code,
                    "day": (day - first).days,
                    "score": total,
                }
            )
    out.sort(key=lambda r: (str(r["research_id"]), str(r["instrument"]), int(r["day"])))  # type: ignore[call-overload]
    return out
