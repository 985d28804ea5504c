"""Count attempts in a sliding window, in the cache every server process shares.

    refused = throttle.check(
        Limit("reset-address", address, 10, timedelta(hours=1)),
        Limit("reset-account", email, 3, timedelta(hours=1)),
    )
    if refused: ...  # the Limit that was reached

Subjects are hashed before they reach the cache table: an email address typed into a form
is not stored in clear. Two processes checking at the same instant may both be let in (the
cache has no atomic read-and-append); the limits are meant against floods, not one extra.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted, e.g. "reset-address"
    subject: str  # who or what, e.g. the address
    most: int  # attempts allowed ...
    per: timedelta  # ... within this long

    @property
    def key(self) -> str:
        digest = hashlib.sha256(f"{self.scope}\0{self.subject}".encode()).hexdigest()
        return f"throttle:{self.scope}:{digest}"


def check(*limits: Limit, now: float | None = None) -> Limit | None:
    """Count one attempt against every limit, or refuse it: the first limit already reached.

    Every limit is looked at before any is counted, and a refused attempt is not counted,
    so a refusal by one limit does not use up another. `now` (seconds since the epoch) is
    for tests; it defaults to the clock."""
    now = time.time() if now is None else now
    recent: list[tuple[Limit, list[float]]] = []
    for limit in limits:
        window = limit.per.total_seconds()
        times = [t for t in cache.get(limit.key, []) if now - t < window]
        if len(times) >= limit.most:
            return limit
        recent.append((limit, times))
    for limit, times in recent:
        cache.set(limit.key, [*times, now], timeout=int(limit.per.total_seconds()) + 1)
    return None
