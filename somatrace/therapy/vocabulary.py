"""Built-in vocabulary for sessions. Codes never change meaning, so data stay comparable
across sessions and practices; a practice adds its own words beside these, never instead.
"""

from __future__ import annotations

from typing import Any

# The techniques taught in the Upledger Institute's SomatoEmotional Release courses, and
# positional release as used in craniosacral work.
BUILTIN_TECHNIQUES = (
    ("stillpoint-induction", "Stillpoint induction"),
    ("unwinding", "Unwinding"),
    ("arcing", "Arcing"),
    ("dialogue-imagery", "Dialogue / therapeutic imagery"),
    ("direction-of-energy", "Direction of energy"),
    ("positional-release", "Positional release"),
)


def install_builtin_vocabulary(**kwargs: Any) -> None:
    """post_migrate: make sure every built-in word exists (also after a test flush)."""
    from somatrace.therapy.models import Technique

    for code, label in BUILTIN_TECHNIQUES:
        Technique.objects.get_or_create(practice=None, code=code, defaults={"label": label})
