"""Whether a check-in after a session is above the client's window of tolerance. Pure Python.

The window is the one the session's pacing guard uses (therapy/guard.py, "Thresholds and
their rationale"): per client, on the SUDS scale 0-10 (Wolpe 1969), defaults 3-7, set on the
client record (clients.Client.suds_window_low / suds_window_high). As in
guard.needs_closing_check, "above the window" is strictly greater than the upper limit: a
rating AT the limit is still inside. THE NUMBERS ARE PRACTICE DEFAULTS, NOT VALIDATED
CUT-OFFS (see guard.py); a check-in above the window raises an alert for a person to read,
it never decides anything.

Which ratings count: SUDS (distress) and body tension rise with arousal, so either above the
upper limit counts. Calm runs the other way (10 is calmest) and is not compared with the
window; it is kept with the alert for the practitioner to read.
"""

from __future__ import annotations

from dataclasses import dataclass

RATING_MIN = 0
RATING_MAX = 10


@dataclass(frozen=True)
class Ratings:
    suds: int
    calm: int
    tension: int


def above_window(ratings: Ratings, high: int) -> list[str]:
    """The names of the ratings above the window's upper limit `high` (empty: inside it)."""
    above = []
    if ratings.suds > high:
        above.append("suds")
    if ratings.tension > high:
        above.append("tension")
    return above
