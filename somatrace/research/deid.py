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
