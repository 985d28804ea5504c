"""Emotion words a client can attach to a body map: the session console's vocabulary, so an
emotion painted on the body and one logged during a session share one code."""

from __future__ import annotations

from somatrace.therapy.vocabulary import BUILTIN_EMOTIONS

EMOTIONS: tuple[tuple[str, str], ...] = tuple((code, label) for code, label, _ in BUILTIN_EMOTIONS)
EMOTION_LABELS: dict[str, str] = dict(EMOTIONS)
