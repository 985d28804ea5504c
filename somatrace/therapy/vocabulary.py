"""Built-in vocabulary for sessions. Codes never change meaning, so data stay comparable
across sessions and practices; a practice adds its own words beside these, never instead.

No Django import: the word lists are plain data, usable from a notebook.
"""

from __future__ import annotations

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

# Cues the practitioner observes: (code, label, shortcut key, is a sign of dissociation).
# The shortcut keys are shown on the console under "?"; digits are reserved for SUDS.
BUILTIN_CUES: tuple[tuple[str, str, str, bool], ...] = (
    ("breath-change", "Breath change", "b", False),
    ("deep-sigh", "Deep sigh", "s", False),
    ("trembling", "Trembling / shaking", "t", False),
    ("heat", "Heat", "h", False),
    ("cold", "Cold", "c", False),
    ("pulsation", "Pulsation", "p", False),
    ("stillpoint", "Stillpoint", "l", False),
    ("tears", "Tears", "r", False),
    ("vocal-release", "Vocal release", "v", False),
    ("unwinding-movement", "Spontaneous movement / unwinding", "u", False),
    ("muscle-release", "Muscle release", "m", False),
    ("glazed-eyes", "Dissociation: glazed eyes", "g", True),
    ("freezing", "Dissociation: freezing", "f", True),
    ("disconnection", "Dissociation: disconnection", "d", True),
)
DISSOCIATION_CUES = frozenset(code for code, _, _, dissociation in BUILTIN_CUES if dissociation)

# About 30 emotion words grouped by family (after the basic-emotion families of Ekman 1992,
# "An argument for basic emotions", Cognition & Emotion 6:169-200, with shame and
# calm/relief added because they are what somatic clients most often name).
EMOTION_FAMILIES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Sadness", (("sadness", "Sadness"), ("grief", "Grief"), ("loneliness", "Loneliness"),
                 ("despair", "Despair"), ("longing", "Longing"))),
    ("Fear", (("fear", "Fear"), ("anxiety", "Anxiety"), ("panic", "Panic"),
              ("dread", "Dread"), ("helplessness", "Helplessness"), ("overwhelm", "Overwhelm"))),
    ("Anger", (("anger", "Anger"), ("frustration", "Frustration"), ("rage", "Rage"),
               ("resentment", "Resentment"))),
    ("Shame", (("shame", "Shame"), ("guilt", "Guilt"), ("embarrassment", "Embarrassment"))),
    ("Joy", (("joy", "Joy"), ("gratitude", "Gratitude"), ("love", "Love"),
             ("tenderness", "Tenderness"))),
    ("Calm / relief", (("relief", "Relief"), ("calm", "Calm"), ("peace", "Peace"),
                       ("safety", "Safety"), ("lightness", "Lightness"))),
    ("Surprise", (("surprise", "Surprise"), ("confusion", "Confusion"))),
    ("Disgust", (("disgust", "Disgust"),)),
    ("Numbness", (("numbness", "Numbness"),)),
)  # fmt: skip
BUILTIN_EMOTIONS: tuple[tuple[str, str, str], ...] = tuple(
    (code, label, family) for family, words in EMOTION_FAMILIES for code, label in words
)

# What the practitioner offers when the pacing guard prompts (see guard.py).
BUILTIN_GROUNDING = (
    ("orienting", "Orienting to the room"),
    ("slow-exhale", "Slow exhale"),
    ("feet-on-floor", "Feet on the floor"),
    ("five-things", "Naming five things seen"),
    ("pause-touch", "Pausing touch"),
)

OTHER = "other"  # code of a free-text cue, technique or emotion

KINDS = (
    ("cue", "Cue"),
    ("technique", "Technique"),
    ("emotion", "Emotion"),
    ("suds", "SUDS check-in"),
    ("grounding", "Grounding"),
    ("guard", "Pacing prompt"),
    ("note", "Note"),
)


def builtin_labels() -> dict[tuple[str, str], str]:
    """(kind, code) -> label for every built-in word."""
    labels: dict[tuple[str, str], str] = {}
    labels.update({("cue", code): label for code, label, _, _ in BUILTIN_CUES})
    labels.update({("technique", code): label for code, label in BUILTIN_TECHNIQUES})
    labels.update({("emotion", code): label for code, label, _ in BUILTIN_EMOTIONS})
    labels.update({("grounding", code): label for code, label in BUILTIN_GROUNDING})
    return labels


BUILTIN_LABELS = builtin_labels()


# Offered after a session when the practice has no aftercare templates of its own.
DEFAULT_AFTERCARE: tuple[tuple[str, str], ...] = (
    (
        "After a session (general)",
        "Drink some water over the next few hours.\n"
        "Rest if you can; go gently for the rest of the day, and avoid strenuous exercise.\n"
        "Feelings, memories or body sensations may come up over the next day or two; this is "
        "common. You might write a few lines in your journal: What did I notice in my body "
        "today? Where do I feel different? What would I like to remember?\n"
        "Get in touch with your practitioner if anything feels too much, or if you are unsure "
        "about something that came up. If you are in crisis, use the crisis numbers you were "
        "given or call the emergency services.",
    ),
    (
        "After an intense session",
        "You worked with strong feelings today. Drink water, eat something, and keep the "
        "evening quiet if you can.\n"
        "If you feel shaky or far away, try the grounding you practised: feet on the floor, a "
        "slow exhale, naming five things you can see.\n"
        "Journaling prompt: What helped me come back to the room today?\n"
        "Please get in touch within the next two days if anything feels too much; in a crisis "
        "call the emergency services.",
    ),
)
