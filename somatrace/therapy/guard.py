"""The pacing guard: when to prompt the practitioner to slow down and offer grounding.

Pure Python, no Django. Input is the session's timeline as ordered `Event`s; output is the
list of `Prompt`s the timeline calls for. `evaluate` is deterministic and sees the whole
timeline; it is a fold of `advance` over the events, so the server keeps the `State` between
events and folds each new one in (the same cost at the 1st and the 1,000th event), and
re-evaluates the whole timeline only when an event comes out of order or one is changed.
Prompts are keyed by rule and time, so a prompt already recorded is never stored twice.

All thresholds live in the block below, with their rationale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from somatrace.therapy.vocabulary import BUILTIN_GROUNDING

# --- Thresholds and their rationale -------------------------------------------------------
#
# The "window of tolerance" is the band of arousal in which a person can stay present and
# process what comes up (Siegel 1999, *The Developing Mind*, ch. 7). Above it lies
# hyperarousal (overwhelm, panic); below it hypoarousal (numbness, freezing, dissociation).
# Sensorimotor and trauma-informed body work keeps the client inside it by pacing, and by
# grounding as soon as arousal approaches either edge or dissociation appears (Ogden, Minton &
# Pain 2006, *Trauma and the Body*, ch. 2 and 10; Levine 1997, *Waking the Tiger*, on
# titration). Somatrace expresses the window on the SUDS scale (Wolpe 1969, 0-10 here).
#
# THE NUMBERS ARE PRACTICE DEFAULTS, NOT VALIDATED CUT-OFFS. No study establishes a SUDS
# level or rate of rise at which somatic work becomes unsafe; the defaults (window 3-7 per
# client, a rise of 3 points within 5 minutes) are the conservative conventions practitioners
# use, and the window is adjustable per client. The guard prompts; it never decides.
RISE_POINTS = 3  # SUDS points ...
RISE_WINDOW_SECONDS = 300  # ... within 5 minutes (inclusive: 300 s counts, 301 s does not)
DISSOCIATION_LOOKBACK_SECONDS = 300  # a dissociation cue this recent counts with a low SUDS
EPISODE_SECONDS = 300  # a repeated dissociation cue within 5 min is the same episode

# What the prompt offers (codes and labels shared with the console's vocabulary).
GROUNDING_OPTIONS: tuple[tuple[str, str], ...] = BUILTIN_GROUNDING

AT_UPPER_LIMIT = "at-upper-limit"
FAST_RISE = "fast-rise"
LOW_WITH_DISSOCIATION = "low-with-dissociation"
DISSOCIATION = "dissociation"

MESSAGES = {
    AT_UPPER_LIMIT: "SUDS has reached the upper limit of the client's window of tolerance. "
    "Consider slowing down and offering grounding.",
    FAST_RISE: "SUDS has risen by {points} or more within 5 minutes. "
    "Consider slowing down and offering grounding.",
    LOW_WITH_DISSOCIATION: "SUDS is below the window of tolerance with signs of dissociation "
    "(possible hypoarousal). Consider pausing and offering grounding.",
    DISSOCIATION: "A sign of dissociation was noted. Consider pausing and offering grounding.",
}


@dataclass(frozen=True)
class Event:
    """One timeline event as the guard sees it.

    t: seconds since the session started (float or int, non-decreasing along the list).
    kind: "suds", "cue", or anything else (ignored).
    suds: 0-10 for kind "suds", else None.
    is_dissociation: True for a cue that is a sign of dissociation.
    """

    t: float
    kind: str
    suds: int | None = None
    is_dissociation: bool = False


@dataclass(frozen=True)
class Prompt:
    """rule: one of the rule codes above; t: seconds since start of the triggering event."""

    rule: str
    t: float
    message: str
    grounding: tuple[tuple[str, str], ...] = GROUNDING_OPTIONS


def _prompt(rule: str, t: float) -> Prompt:
    return Prompt(rule, t, MESSAGES[rule].format(points=RISE_POINTS))


def evaluate(events: Sequence[Event], low: int, high: int) -> list[Prompt]:
    """The prompts a timeline calls for, in time order.

    events: ordered by t. low, high: the client's window of tolerance on SUDS (low < high).

    Rules (each fires once per episode, so a steady state never re-prompts):
    - at-upper-limit: a SUDS check-in >= high. The episode lasts until a check-in < high.
    - fast-rise: a check-in at least RISE_POINTS above any check-in within the previous
      RISE_WINDOW_SECONDS (inclusive). After it fires, only check-ins from then on count as
      the baseline for the next rise.
    - low-with-dissociation: a check-in < low with a dissociation cue in the previous
      DISSOCIATION_LOOKBACK_SECONDS, or a dissociation cue within that time after a check-in
      < low (the last one). The episode lasts until a check-in >= low.
    - dissociation: any dissociation cue, unless it starts a low-with-dissociation prompt at
      the same moment (the more specific prompt is given) or falls within EPISODE_SECONDS of
      the previous dissociation prompt.
    No SUDS yet: only the dissociation rule can fire.

    The same as folding `advance` over the events from `State(low, high)`.
    """
    state = State(low, high)
    prompts: list[Prompt] = []
    for event in events:
        prompts.extend(advance(state, event))
    return prompts


@dataclass
class State:
    """Where the guard stands after the events it has seen: all it needs to go on one event
    at a time, at the same cost however long the session (the server keeps it between
    events, so a new event never re-reads the timeline).

    low, high: the window it was computed for. last_t: t of the last event that could change
    it (None: none yet); an event before that cannot be folded in, only re-evaluated.
    suds_history: (t, SUDS) of the check-ins since the last fast-rise prompt that are still
    within RISE_WINDOW_SECONDS of the last check-in (older ones can never count again,
    since t only grows).
    """

    low: int
    high: int
    last_t: float | None = None
    suds_history: list[tuple[float, int]] = field(default_factory=list)
    last_suds: int | None = None
    last_suds_t: float = 0.0
    at_limit: bool = False
    hypo: bool = False
    last_dissociation_cue: float | None = None
    last_dissociation_prompt: float | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["suds_history"] = [list(pair) for pair in self.suds_history]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        """The state to_json wrote; ValueError when it is not one (then re-evaluate)."""
        try:
            return cls(
                **{
                    **data,
                    "suds_history": [(float(t), int(s)) for t, s in data["suds_history"]],
                }
            )
        except (KeyError, TypeError, ValueError) as broken:
            raise ValueError("not a guard state") from broken

    def takes(self, event: Event) -> bool:
        """Whether `event` can be folded in: it comes no earlier than the last one seen."""
        return self.last_t is None or event.t >= self.last_t


def changes_state(event: Event) -> bool:
    """Only SUDS check-ins and dissociation cues move the guard; other events are no-ops."""
    return (event.kind == "suds" and event.suds is not None) or (
        event.kind == "cue" and event.is_dissociation
    )


def advance(state: State, event: Event) -> list[Prompt]:
    """Fold one event (no earlier than state.last_t) into `state`; the prompts it calls for."""
    low, high = state.low, state.high
    prompts: list[Prompt] = []
    if not changes_state(event):
        return prompts
    state.last_t = event.t
    if event.kind == "suds" and event.suds is not None:
        value = event.suds
        if value >= high:
            if not state.at_limit:
                prompts.append(_prompt(AT_UPPER_LIMIT, event.t))
            state.at_limit = True
        else:
            state.at_limit = False
        recent = [(t, s) for t, s in state.suds_history if event.t - t <= RISE_WINDOW_SECONDS]
        if recent and value - min(s for _, s in recent) >= RISE_POINTS:
            prompts.append(_prompt(FAST_RISE, event.t))
            recent = []
        state.suds_history = [*recent, (event.t, value)]
        if value < low:
            recent_cue = (
                state.last_dissociation_cue is not None
                and event.t - state.last_dissociation_cue <= DISSOCIATION_LOOKBACK_SECONDS
            )
            if recent_cue and not state.hypo:
                prompts.append(_prompt(LOW_WITH_DISSOCIATION, event.t))
                state.hypo = True
        else:
            state.hypo = False
        state.last_suds, state.last_suds_t = value, event.t
    else:  # a dissociation cue
        state.last_dissociation_cue = event.t
        recent_low = (
            state.last_suds is not None
            and state.last_suds < low
            and event.t - state.last_suds_t <= DISSOCIATION_LOOKBACK_SECONDS
        )
        if recent_low and not state.hypo:
            prompts.append(_prompt(LOW_WITH_DISSOCIATION, event.t))
            state.hypo = True
            state.last_dissociation_prompt = event.t
        elif (
            state.last_dissociation_prompt is None
            or event.t - state.last_dissociation_prompt > EPISODE_SECONDS
        ):
            prompts.append(_prompt(DISSOCIATION, event.t))
            state.last_dissociation_prompt = event.t
    return prompts


def needs_closing_check(last_suds: int | None, high: int) -> bool:
    """Ending with the last SUDS above the window needs a closing check or a reason.

    "Above the window" is strictly greater than `high` (at the limit is still inside).
    """
    return last_suds is not None and last_suds > high
