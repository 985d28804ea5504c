"""What a client sees at once when a check-in is above their window of tolerance: the
practice's crisis resources and grounding they can do alone. Pure Python, no Django.

The exercises are the practice's grounding vocabulary (therapy/vocabulary.py,
BUILTIN_GROUNDING, the ones the pacing guard offers in a session), with the words a client
needs to do them alone; "pausing touch" needs a practitioner and is left out.
"""

from __future__ import annotations

from somatrace.therapy.vocabulary import BUILTIN_GROUNDING

# Shown when the owner has not written the practice's own crisis resources yet.
DEFAULT_CRISIS_RESOURCES = (
    "If you are in danger or might harm yourself, call your local emergency number now.\n"
    "You can also call a crisis line in your country, or contact the practice."
)

HOW = {
    "orienting": "Slowly look around the room and let your eyes rest on things you like.",
    "slow-exhale": "Breathe in gently, then breathe out slowly, longer than you breathed in. "
    "Repeat five times.",
    "feet-on-floor": "Press your feet into the floor and notice its support under you.",
    "five-things": "Name five things you can see, four you can hear and three you can touch.",
}


def grounding_for_client() -> list[tuple[str, str, str]]:
    """(code, label, how) for each exercise a client can do on their own."""
    return [(code, label, HOW[code]) for code, label in BUILTIN_GROUNDING if code in HOW]


def crisis_text(practice_text: str) -> str:
    return practice_text.strip() or DEFAULT_CRISIS_RESOURCES
