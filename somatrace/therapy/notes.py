"""Draft a SOAP note from a session's timeline. Pure Python, no Django.

The practitioner edits the draft before signing; the draft only says what was recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

RATINGS = (("suds", "SUDS"), ("calm", "Calm"), ("tension", "Body tension"))


@dataclass(frozen=True)
class NoteEvent:
    """One timeline event, already labelled.

    minute: whole minutes since the session started (>= 0).
    kind: cue / technique / emotion / suds / grounding / guard / note.
    label: the word shown (vocabulary label or free text).
    region: region label or "". intensity: 1-5 or None. suds: 0-10 or None.
    text: free text (the client's words, a prompt's message).
    """

    minute: int
    kind: str
    label: str
    region: str = ""
    intensity: int | None = None
    suds: int | None = None
    text: str = ""


@dataclass(frozen=True)
class NoteInput:
    """pre/post: {"suds"|"calm"|"tension": 0-10 or None}."""

    pre: dict[str, int | None]
    post: dict[str, int | None]
    events: Sequence[NoteEvent]
    client_words: str = ""
    felt_region: str = ""
    window: tuple[int, int] = (3, 7)
    minutes: int | None = None
    end_reason: str = ""
    techniques: Sequence[str] = field(default_factory=tuple)


def _ratings_line(pre: dict[str, int | None], post: dict[str, int | None]) -> list[str]:
    lines = []
    for key, label in RATINGS:
        before, after = pre.get(key), post.get(key)
        if before is None and after is None:
            continue
        if before is not None and after is not None:
            change = after - before
            lines.append(f"{label} {before} → {after} ({change:+d}).")
        elif before is not None:
            lines.append(f"{label} before {before}; not asked after.")
        else:
            lines.append(f"{label} after {after}; not asked before.")
    return lines


def _describe(event: NoteEvent) -> str:
    text = event.label
    if event.kind == "emotion" and event.intensity is not None:
        text += f" (intensity {event.intensity}/5)"
    if event.region:
        text += f" — {event.region}"
    if event.text and event.kind not in ("guard",) and event.text != event.label:
        text += f": “{event.text}”"
    return text


def draft(note: NoteInput) -> dict[str, str]:
    """The four SOAP sections as text, from ratings and the ordered timeline."""
    events = sorted(note.events, key=lambda e: e.minute)
    subjective = []
    if note.client_words:
        subjective.append(f"Client's words: “{note.client_words}”.")
    if note.felt_region:
        subjective.append(f"Felt it in: {note.felt_region}.")
    emotions = [e for e in events if e.kind == "emotion"]
    if emotions:
        subjective.append(
            "Emotions named: " + "; ".join(f"{_describe(e)} at {e.minute} min" for e in emotions)
        )
    notes = [e for e in events if e.kind == "note" and e.text]
    for e in notes:
        subjective.append(f"At {e.minute} min: “{e.text}”")
    ratings = _ratings_line(note.pre, note.post)
    if ratings:
        subjective.append("Self-ratings (0–10): " + " ".join(ratings))

    objective = []
    if note.minutes is not None:
        objective.append(f"Session length {note.minutes} min.")
    observed = [e for e in events if e.kind in ("cue", "technique", "emotion", "suds")]
    for e in observed:
        if e.kind == "suds":
            objective.append(f"{e.minute} min: SUDS check-in {e.suds}.")
        elif e.kind == "technique":
            objective.append(f"{e.minute} min: technique — {_describe(e)}.")
        elif e.kind == "cue":
            objective.append(f"{e.minute} min: {_describe(e)}.")
    techniques = list(note.techniques) or sorted({e.label for e in events if e.kind == "technique"})
    if techniques:
        objective.append("Techniques: " + ", ".join(techniques) + ".")

    assessment = []
    low, high = note.window
    suds = [e.suds for e in events if e.kind == "suds" and e.suds is not None]
    if suds:
        assessment.append(
            f"SUDS ranged {min(suds)}–{max(suds)} during the session "
            f"(window of tolerance {low}–{high})."
        )
        if low <= min(suds) and max(suds) < high:
            assessment.append("Stayed within the window of tolerance as recorded.")
    else:
        assessment.append("No SUDS check-ins recorded.")
    guard = [e for e in events if e.kind == "guard"]
    grounding = [e for e in events if e.kind == "grounding"]
    position = {id(e): i for i, e in enumerate(events)}
    if guard:
        assessment.append(f"Pacing prompts: {len(guard)}.")
    for e in sorted(guard + grounding, key=lambda e: (e.minute, e.kind != "guard")):
        if e.kind == "guard":
            assessment.append(f"{e.minute} min: {e.label}.")
            continue
        line = f"{e.minute} min: grounding — {e.label}"
        after = next(
            (n for n in events[position[id(e)] + 1 :] if n.kind == "suds" and n.suds is not None),
            None,
        )
        if after is not None:
            line += f"; next SUDS {after.suds} at {after.minute} min"
        assessment.append(line + ".")
    if not guard and not grounding:
        assessment.append("No pacing prompts.")
    if note.end_reason:
        assessment.append(f"Ended above the window: {note.end_reason}")

    # The plan is the practitioner's judgement: the draft leaves it for them to write.
    return {
        "subjective": "\n".join(subjective),
        "objective": "\n".join(objective),
        "assessment": "\n".join(assessment),
        "plan": "",
    }
