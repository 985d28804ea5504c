"""Built-in home-practice exercises: grounding and self-care a practitioner can assign.

Codes never change meaning, so completions stay comparable; a practice adds its own beside
these. The grounding exercises are the ones the console offers when the pacing guard prompts
(therapy.vocabulary.BUILTIN_GROUNDING), written out so that a client can do them alone.

No Django import: the list is plain data, usable from a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuiltinExercise:
    code: str
    label: str
    minutes: int  # a suggested length; the practitioner sets it per client
    instructions: str


BUILTIN_EXERCISES: tuple[BuiltinExercise, ...] = (
    BuiltinExercise(
        "orienting",
        "Orienting to the room",
        3,
        "Sit comfortably. Let your eyes move slowly around the room, turning your head as "
        "well. Let them rest on whatever they are drawn to. Notice colours, shapes, light. "
        "When you are ready, notice how your body feels now.",
    ),
    BuiltinExercise(
        "slow-exhale",
        "Slow exhale",
        3,
        "Breathe in gently through your nose. Breathe out slowly through your mouth, a little "
        "longer than the breath in, as if through a straw. Repeat at your own pace. Stop if you "
        "feel light-headed.",
    ),
    BuiltinExercise(
        "feet-on-floor",
        "Feet on the floor",
        2,
        "Sit or stand with both feet on the floor. Press them down a little and notice the "
        "floor holding you: heels, the balls of your feet, your toes. Let your breath be as it "
        "is.",
    ),
    BuiltinExercise(
        "five-things",
        "Naming five things seen",
        2,
        "Look around and name, quietly or aloud, five things you can see, four you can hear, "
        "three you can touch. Take your time with each.",
    ),
    BuiltinExercise(
        "body-scan",
        "Gentle body scan",
        10,
        "Lie or sit comfortably. Bring your attention slowly from your feet up to your head, "
        "noticing each part without changing anything. If something feels too much, open your "
        "eyes and return to your feet on the floor.",
    ),
    BuiltinExercise(
        "self-holding",
        "Self-holding",
        5,
        "Place one hand on your chest or belly and the other on your forehead or upper arm. "
        "Rest there and notice the warmth and weight of your hands. Move them whenever you "
        "want to.",
    ),
)

BUILTIN_CODES = frozenset(exercise.code for exercise in BUILTIN_EXERCISES)
