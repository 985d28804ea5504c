"""Reading a practice's session vocabulary and naming timeline events (no writes).

Used by the console, the session page, the services that validate and draft from the
timeline, and the apps that mark timeline moments (body charts, heart-rate charts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from somatrace.bodyregions import COARSE_REGIONS
from somatrace.therapy import guard
from somatrace.therapy.models import Session, Technique, TimelineEvent, Word
from somatrace.therapy.vocabulary import (
    BUILTIN_CUES,
    BUILTIN_EMOTIONS,
    BUILTIN_GROUNDING,
    BUILTIN_LABELS,
    BUILTIN_TECHNIQUES,
    DISSOCIATION_CUES,
    EMOTION_FAMILIES,
    OTHER,
)

BUILTIN_CUE_CODES = frozenset(code for code, _, _, _ in BUILTIN_CUES)
_BUILTIN_CODES = {
    "cue": BUILTIN_CUE_CODES,
    "emotion": frozenset(code for code, _, _ in BUILTIN_EMOTIONS),
    "technique": frozenset(code for code, _ in BUILTIN_TECHNIQUES),
    "grounding": frozenset(code for code, _ in BUILTIN_GROUNDING),
}


@dataclass
class Vocabulary:
    """Every word the console offers for one practice (built-ins first)."""

    cues: list[tuple[str, str, str, bool]]  # code, label, shortcut key, dissociation
    techniques: list[tuple[str, str]]
    emotions: list[tuple[str, list[tuple[str, str]]]]  # family, [(code, label)]
    grounding: list[tuple[str, str]]
    regions: tuple[tuple[str, str], ...]
    labels: dict[str, str]  # "kind:code" -> label
    dissociation: frozenset[str]


def vocabulary_for(practice_id: int) -> Vocabulary:
    """Two queries: the practice's own words and the techniques."""
    cues = list(BUILTIN_CUES)
    families = [(family, list(words)) for family, words in EMOTION_FAMILIES]
    dissociation = set(DISSOCIATION_CUES)
    labels = {f"{kind}:{code}": label for (kind, code), label in BUILTIN_LABELS.items()}
    own_emotions: list[tuple[str, str]] = []
    for word in Word.objects.filter(practice_id=practice_id):
        labels[f"{word.kind}:{word.code}"] = word.label
        if word.kind == "cue":
            cues.append((word.code, word.label, "", word.dissociation))
            if word.dissociation:
                dissociation.add(word.code)
        else:
            own_emotions.append((word.code, word.label))
    if own_emotions:
        families.append(("The practice's words", own_emotions))
    techniques = []
    for technique in Technique.available_to(practice_id).order_by("practice_id", "label"):
        techniques.append((technique.code, technique.label))
        labels[f"technique:{technique.code}"] = technique.label
    return Vocabulary(
        cues=cues,
        techniques=techniques,
        emotions=families,
        grounding=list(BUILTIN_GROUNDING),
        regions=COARSE_REGIONS,
        labels=labels,
        dissociation=frozenset(dissociation),
    )


GUARD_TITLES = {
    guard.AT_UPPER_LIMIT: "Pacing prompt: SUDS at the upper limit",
    guard.FAST_RISE: "Pacing prompt: fast rise in SUDS",
    guard.LOW_WITH_DISSOCIATION: "Pacing prompt: below the window with dissociation",
    guard.DISSOCIATION: "Pacing prompt: sign of dissociation",
}


def guard_title(rule: str) -> str:
    return GUARD_TITLES.get(rule, "Pacing prompt")


def event_label(event: TimelineEvent, labels: dict[str, str]) -> str:
    if event.kind == "suds":
        return f"SUDS {event.suds}"
    if event.kind == "guard":
        return guard_title(event.code)
    if event.kind == "note":
        return "Note"
    if event.code == OTHER or not event.code:
        return event.text or "Other"
    return labels.get(f"{event.kind}:{event.code}", event.code)


def is_known_code(practice_id: int, kind: str, code: str) -> bool:
    """Whether an event of this kind may carry this code (besides "other").

    Built-in words are checked without a query; only a practice's own word costs one.
    """
    if code in _BUILTIN_CODES.get(kind, frozenset()):
        return True
    if kind == "technique":
        return Technique.objects.filter(practice_id=practice_id, code=code).exists()
    if kind in ("cue", "emotion"):
        return Word.objects.filter(practice_id=practice_id, kind=kind, code=code).exists()
    return False


def dissociation_codes(practice_id: int) -> frozenset[str]:
    own = Word.objects.filter(practice_id=practice_id, kind="cue", dissociation=True)
    return DISSOCIATION_CUES | frozenset(own.values_list("code", flat=True))


def client_aftercare(actor: Any, client_id: int) -> Any:
    """Sessions of one client that have aftercare for them, newest first (for the portal:
    the session's day, its practitioner and the aftercare text, never the note)."""
    return (
        Session.objects.visible_to(actor)
        .filter(client_id=client_id, starts_at__lte=timezone.now())
        .exclude(aftercare="")
        .select_related("practitioner", "practice")
        .only(
            "pk",
            "client_id",
            "practice_id",
            "practice__name",
            "starts_at",
            "aftercare",
            "practitioner__full_name",
        )
        .order_by("-starts_at", "-pk")
    )


def client_sessions(actor: Any, client_id: int) -> Any:
    """A client's sessions the actor may see, newest first, with what a list of them shows
    (the client page's latest ones, the page of all of them)."""
    return (
        Session.objects.visible_to(actor)
        .filter(client_id=client_id)
        .select_related("practitioner")
        .prefetch_related("techniques")
        .order_by("-starts_at", "-pk")
    )
