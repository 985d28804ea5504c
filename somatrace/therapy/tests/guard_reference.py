"""The pacing guard as it was before it kept its state: the whole timeline evaluated from
the start at every event, with no pruning. The tests hold guard.advance (one event at a
time, from a kept state) to the same prompts as this reference on random timelines."""

from __future__ import annotations

from collections.abc import Sequence

from somatrace.therapy.guard import (
    AT_UPPER_LIMIT,
    DISSOCIATION,
    DISSOCIATION_LOOKBACK_SECONDS,
    EPISODE_SECONDS,
    FAST_RISE,
    LOW_WITH_DISSOCIATION,
    MESSAGES,
    RISE_POINTS,
    RISE_WINDOW_SECONDS,
    Event,
    Prompt,
)


def _prompt(rule: str, t: float) -> Prompt:
    return Prompt(rule, t, MESSAGES[rule].format(points=RISE_POINTS))


def whole_timeline(events: Sequence[Event], low: int, high: int) -> list[Prompt]:
    """The prompts a timeline calls for, in time order (the rules as guard.evaluate says).

    events: ordered by t. low, high: the client's window of tolerance on SUDS.
    """
    prompts: list[Prompt] = []
    suds_history: list[tuple[float, int]] = []  # check-ins since the last fast-rise prompt
    last_suds: int | None = None
    last_suds_t = 0.0
    at_limit = False
    hypo = False
    last_dissociation_cue: float | None = None
    last_dissociation_prompt: float | None = None

    for event in events:
        if event.kind == "suds" and event.suds is not None:
            value = event.suds
            if value >= high:
                if not at_limit:
                    prompts.append(_prompt(AT_UPPER_LIMIT, event.t))
                at_limit = True
            else:
                at_limit = False
            recent = [s for t, s in suds_history if event.t - t <= RISE_WINDOW_SECONDS]
            if recent and value - min(recent) >= RISE_POINTS:
                prompts.append(_prompt(FAST_RISE, event.t))
                suds_history = []
            suds_history.append((event.t, value))
            if value < low:
                recent_cue = (
                    last_dissociation_cue is not None
                    and event.t - last_dissociation_cue <= DISSOCIATION_LOOKBACK_SECONDS
                )
                if recent_cue and not hypo:
                    prompts.append(_prompt(LOW_WITH_DISSOCIATION, event.t))
                    hypo = True
            else:
                hypo = False
            last_suds, last_suds_t = value, event.t
        elif event.kind == "cue" and event.is_dissociation:
            last_dissociation_cue = event.t
            recent_low = (
                last_suds is not None
                and last_suds < low
                and event.t - last_suds_t <= DISSOCIATION_LOOKBACK_SECONDS
            )
            if recent_low and not hypo:
                prompts.append(_prompt(LOW_WITH_DISSOCIATION, event.t))
                hypo = True
                last_dissociation_prompt = event.t
            elif (
                last_dissociation_prompt is None
                or event.t - last_dissociation_prompt > EPISODE_SECONDS
            ):
                prompts.append(_prompt(DISSOCIATION, event.t))
                last_dissociation_prompt = event.t
    return prompts
