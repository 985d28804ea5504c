"""A client's own session ratings in plain words, for the portal. No Django import.

Ratings are the client's 0-10 self-ratings at the start and the end of a session (SUDS,
calm, body tension; see charts.RATING_MEASURES). The words say what the client reported,
never why it changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

# (key, name in a sentence, True when a lower rating is the calmer one)
MEASURES = (
    ("suds", "distress", True),
    ("calm", "calm", False),
    ("tension", "body tension", True),
)

WHAT_IT_MEANS = (
    "These are your own ratings from 0 to 10 at the start and at the end of each session. "
    "They describe how you felt at those moments; they do not show what caused a change."
)


def session_sentence(day: date, ratings: Mapping[str, int | None]) -> str | None:
    """'3 Mar 2026: distress 6 before, 3 after; calm 4 before, 7 after.' Only measures rated
    both before and after; None when there is no such pair."""
    parts = []
    for key, name, _ in MEASURES:
        before, after = ratings.get(f"pre_{key}"), ratings.get(f"post_{key}")
        if before is not None and after is not None:
            parts.append(f"{name} {before} before, {after} after")
    if not parts:
        return None
    return f"{day.day} {day:%b %Y}: " + "; ".join(parts) + "."


def overall_sentences(sessions: Sequence[Mapping[str, int | None]]) -> list[str]:
    """Per measure: in how many sessions the end rating was calmer than the start one,
    counting only sessions rated both times. 'In 3 of 4 sessions your distress was lower at
    the end than at the start.'"""
    said = []
    for key, name, lower_is_calmer in MEASURES:
        pairs: list[tuple[int, int]] = []
        for s in sessions:
            before, after = s.get(f"pre_{key}"), s.get(f"post_{key}")
            if before is not None and after is not None:
                pairs.append((before, after))
        if not pairs:
            continue
        if lower_is_calmer:
            calmer = sum(1 for before, after in pairs if after < before)
            way = "lower"
        else:
            calmer = sum(1 for before, after in pairs if after > before)
            way = "higher"
        sessions_word = "session" if len(pairs) == 1 else "sessions"
        said.append(
            f"In {calmer} of {len(pairs)} {sessions_word} your {name} was {way} at the end "
            "than at the start."
        )
    return said
