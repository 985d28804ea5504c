"""Strict validation of a journal entry sent by the client's phone. Pure Python, no Django.

An entry is a body map painted with the practitioner's painter (validated by
bodymaps.payload, the same rules as every painting), emotion words from the practice's
vocabulary with an intensity 0-10, the client's own words, whether the practitioner may see
it, and the idempotency key the phone gave it when it was written (a UUID), so that an entry
sent again after a lost connection is stored once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from somatrace.bodymaps.payload import CleanPainting, PayloadError, validate

MAX_EMOTIONS = 30
EMOTION_MIN = 0
EMOTION_MAX = 10
MAX_WORDS = 2_000

PAINTING_KEYS = {"atlas_version", "body_shape", "nothing_felt", "strokes", "regions"}
ENTRY_KEYS = {"key", "shared", "emotions", "words", "painting"}


@dataclass
class CleanEntry:
    key: uuid.UUID
    painting: CleanPainting
    shared: bool = False
    emotions: list[dict[str, Any]] = field(default_factory=list)
    words: str = ""


def _emotions(raw: Any, labels: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or len(raw) > MAX_EMOTIONS:
        raise PayloadError(f"Emotions must be a list of at most {MAX_EMOTIONS}.")
    seen: set[str] = set()
    clean = []
    for k, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) - {"code", "intensity"}:
            raise PayloadError(f"Emotion {k} must be a word and an intensity.")
        code = item.get("code")
        if not isinstance(code, str) or code not in labels:
            raise PayloadError(f"Emotion {k} is not one of the practice's words.")
        if code in seen:
            raise PayloadError(f"Emotion {k} is listed twice.")
        seen.add(code)
        level = item.get("intensity")
        if isinstance(level, bool) or not isinstance(level, int):
            raise PayloadError(f"Emotion {k}: the intensity must be a whole number 0-10.")
        if not EMOTION_MIN <= level <= EMOTION_MAX:
            raise PayloadError(f"Emotion {k}: the intensity must be from 0 to 10.")
        clean.append({"code": code, "intensity": level})
    return clean


def validate_entry(data: Any, labels: dict[str, str]) -> CleanEntry:
    """The cleaned entry, or PayloadError with a message for the client.

    labels: the emotion words the practice offers, code -> label.
    """
    if not isinstance(data, dict):
        raise PayloadError("The entry must be an object.")
    unknown = set(data) - ENTRY_KEYS
    if unknown:
        raise PayloadError(f"The entry has unknown fields: {', '.join(sorted(unknown))[:100]}.")
    try:
        key = uuid.UUID(str(data.get("key", "")))
    except ValueError:
        raise PayloadError("The entry has no valid key.") from None
    shared = data.get("shared", False)
    if not isinstance(shared, bool):
        raise PayloadError("'Share with my practitioner' must be true or false.")
    words = data.get("words", "")
    if not isinstance(words, str) or len(words) > MAX_WORDS:
        raise PayloadError(f"Your words must be text of at most {MAX_WORDS} characters.")
    painting = data.get("painting")
    if not isinstance(painting, dict):
        raise PayloadError("The entry has no body map.")
    if set(painting) - PAINTING_KEYS:
        raise PayloadError("The body map has unknown fields.")
    clean = validate(painting)
    return CleanEntry(
        key, clean, shared, _emotions(data.get("emotions", []), labels), words.strip()
    )
