"""Emotion words a client can attach to a body map (code, label). Codes never change meaning.

Kept here so body maps do not depend on the session console; when the console's vocabulary
is on main, this list is replaced by a reference to it (same codes where they overlap).
"""

from __future__ import annotations

EMOTIONS: tuple[tuple[str, str], ...] = (
    ("calm", "Calm"),
    ("relief", "Relief"),
    ("joy", "Joy"),
    ("love", "Love / warmth"),
    ("gratitude", "Gratitude"),
    ("sadness", "Sadness"),
    ("grief", "Grief"),
    ("fear", "Fear"),
    ("anxiety", "Anxiety"),
    ("anger", "Anger"),
    ("frustration", "Frustration"),
    ("shame", "Shame"),
    ("guilt", "Guilt"),
    ("disgust", "Disgust"),
    ("loneliness", "Loneliness"),
    ("overwhelm", "Overwhelm"),
    ("numbness", "Numbness"),
    ("surprise", "Surprise"),
)
EMOTION_LABELS: dict[str, str] = dict(EMOTIONS)
