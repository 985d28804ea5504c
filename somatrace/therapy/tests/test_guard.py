"""The pacing guard's rules on hand-made timelines (window 3-7 unless said otherwise)."""

from __future__ import annotations

import json
import random

import pytest

from somatrace.therapy import guard
from somatrace.therapy.guard import Event, evaluate, needs_closing_check
from somatrace.therapy.tests.guard_reference import whole_timeline


def suds(t: float, value: int) -> Event:
    return Event(t, "suds", suds=value)


def dissociation(t: float) -> Event:
    return Event(t, "cue", is_dissociation=True)


def cue(t: float) -> Event:
    return Event(t, "cue")


def rules(events: list[Event], low: int = 3, high: int = 7) -> list[tuple[str, float]]:
    return [(p.rule, p.t) for p in evaluate(events, low, high)]


def test_no_events_and_no_suds_yet_give_no_prompt() -> None:
    assert rules([]) == []
    assert rules([cue(10), cue(20), Event(30, "technique")]) == []


def test_a_dissociation_cue_prompts_even_before_any_suds() -> None:
    assert rules([cue(5), dissociation(40)]) == [(guard.DISSOCIATION, 40)]


def test_reaching_exactly_the_upper_limit_prompts() -> None:
    # 6 is inside the 3-7 window; 7 is "reaches the upper limit".
    assert rules([suds(0, 5), suds(600, 6)]) == []
    assert rules([suds(0, 5), suds(600, 7)]) == [(guard.AT_UPPER_LIMIT, 600)]


def test_staying_at_the_limit_is_one_episode_and_a_new_climb_is_another() -> None:
    timeline = [suds(0, 5), suds(600, 7), suds(700, 8), suds(800, 7), suds(900, 6), suds(1500, 7)]
    # 7, 8, 7 is one episode (600 s); it ends at 6 (900 s); 7 again at 1500 s is a new one.
    # No fast rise anywhere: 5 -> 7 is +2, 6 -> 7 is +1.
    assert rules(timeline) == [(guard.AT_UPPER_LIMIT, 600), (guard.AT_UPPER_LIMIT, 1500)]


def test_a_rise_of_three_within_exactly_300_seconds_prompts() -> None:
    # 2 at 100 s, 5 at 400 s: +3 in 300 s (inclusive). 5 < 7, so only the rise rule fires.
    assert rules([suds(100, 2), suds(400, 5)]) == [(guard.FAST_RISE, 400)]


def test_a_rise_of_three_over_301_seconds_does_not() -> None:
    assert rules([suds(100, 2), suds(401, 5)]) == []


def test_a_rise_of_two_does_not_prompt_and_the_rise_counts_from_the_lowest_recent_value() -> None:
    assert rules([suds(0, 4), suds(60, 6)]) == []
    # 5 at 0, 3 at 100, 6 at 250: from the low of 3 that is +3 within 150 s.
    assert rules([suds(0, 5), suds(100, 3), suds(250, 6)]) == [(guard.FAST_RISE, 250)]


def test_a_rise_to_the_limit_gives_both_prompts_at_the_same_moment() -> None:
    assert rules([suds(0, 4), suds(120, 7)]) == [
        (guard.AT_UPPER_LIMIT, 120),
        (guard.FAST_RISE, 120),
    ]


def test_a_rise_is_not_prompted_twice_from_the_same_baseline() -> None:
    # 2 -> 5 at 60 s prompts; 6 at 120 s is +4 over the old baseline of 2, but the baseline
    # restarted at the prompt (5), so +1: no second prompt. 5 -> 8 is then a new rise.
    timeline = [suds(0, 2), suds(60, 5), suds(120, 6), suds(200, 5), suds(260, 8)]
    assert rules(timeline, high=9) == [(guard.FAST_RISE, 60), (guard.FAST_RISE, 260)]


def test_below_the_window_with_a_recent_dissociation_cue_prompts_hypoarousal() -> None:
    # The cue alone prompts (dissociation) at 100 s; SUDS 2 (< 3) at 300 s with that cue
    # 200 s earlier (within 300 s) prompts the hypoarousal rule.
    timeline = [suds(0, 4), dissociation(100), suds(300, 2)]
    assert rules(timeline) == [(guard.DISSOCIATION, 100), (guard.LOW_WITH_DISSOCIATION, 300)]


def test_below_the_window_with_an_old_dissociation_cue_does_not() -> None:
    # The cue was 301 s before the low SUDS: outside the 5-minute look-back.
    timeline = [suds(0, 4), dissociation(100), suds(401, 2)]
    assert rules(timeline) == [(guard.DISSOCIATION, 100)]


def test_below_the_window_alone_does_not_prompt() -> None:
    assert rules([suds(0, 4), suds(600, 2), suds(900, 1)]) == []


def test_exactly_at_the_lower_limit_is_inside_the_window() -> None:
    assert rules([suds(0, 4), dissociation(100), suds(200, 3)]) == [(guard.DISSOCIATION, 100)]


def test_a_dissociation_cue_while_below_the_window_gives_the_specific_prompt_once() -> None:
    # SUDS 2 first, then the cue: hypoarousal at the cue, not a second, general prompt.
    timeline = [suds(0, 2), dissociation(60), dissociation(90)]
    assert rules(timeline) == [(guard.LOW_WITH_DISSOCIATION, 60)]


def test_a_dissociation_cue_long_after_a_low_check_in_is_the_general_prompt() -> None:
    # SUDS 2 at 0 s; the cue 301 s later is not "together" with it.
    assert rules([suds(0, 2), dissociation(301)]) == [(guard.DISSOCIATION, 301)]
    assert rules([suds(0, 2), dissociation(300)]) == [(guard.LOW_WITH_DISSOCIATION, 300)]


def test_repeated_dissociation_cues_within_five_minutes_are_one_episode() -> None:
    timeline = [suds(0, 5), dissociation(60), dissociation(200), dissociation(360)]
    # 200 - 60 = 140 s and 360 - 60 = 300 s: same episode. A cue at 361 s would be new.
    assert rules(timeline) == [(guard.DISSOCIATION, 60)]
    assert rules([*timeline, dissociation(361)]) == [
        (guard.DISSOCIATION, 60),
        (guard.DISSOCIATION, 361),
    ]


def test_the_window_is_the_clients_own() -> None:
    # With a window of 2-5, SUDS 5 is at the limit.
    assert rules([suds(0, 3), suds(600, 5)], low=2, high=5) == [(guard.AT_UPPER_LIMIT, 600)]


def test_every_prompt_offers_the_five_grounding_options() -> None:
    (prompt,) = evaluate([suds(0, 8)], 3, 7)
    assert [code for code, _ in prompt.grounding] == [
        "orienting",
        "slow-exhale",
        "feet-on-floor",
        "five-things",
        "pause-touch",
    ]
    assert "upper limit" in prompt.message


def test_the_same_timeline_always_gives_the_same_prompts() -> None:
    timeline = [suds(0, 4), suds(100, 7), dissociation(150), suds(200, 2)]
    assert evaluate(timeline, 3, 7) == evaluate(list(timeline), 3, 7)


def test_a_closing_check_is_needed_only_above_the_window() -> None:
    assert needs_closing_check(8, 7)
    assert not needs_closing_check(7, 7)  # at the limit is still inside
    assert not needs_closing_check(2, 7)
    assert not needs_closing_check(None, 7)  # no SUDS at all: nothing to check against


def test_the_pure_modules_import_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, somatrace.therapy.guard, somatrace.therapy.notes, "
        "somatrace.therapy.timeline_chart, somatrace.therapy.vocabulary; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def random_timeline(rng: random.Random, n: int) -> list[Event]:
    """n events at non-decreasing whole seconds (ties included), SUDS, cues, other kinds."""
    t = 0
    events = []
    for _ in range(n):
        t += rng.choice([0, 1, 20, 60, 120, 200, 299, 300, 301, 400])
        kind = rng.choices(["suds", "cue", "technique"], weights=[5, 3, 1])[0]
        if kind == "suds":
            events.append(Event(t, "suds", suds=rng.randint(0, 10)))
        elif kind == "cue":
            events.append(Event(t, "cue", is_dissociation=rng.random() < 0.4))
        else:
            events.append(Event(t, "technique"))
    return events


@pytest.mark.parametrize("seed", range(40))
def test_one_event_at_a_time_gives_what_the_whole_timeline_gives(seed: int) -> None:
    """The kept state, written out and read back between events as the server keeps it,
    gives the same prompts as evaluating the whole timeline from the start every time."""
    rng = random.Random(seed)
    low = rng.randint(0, 4)
    high = rng.randint(low + 1, 10)
    events = random_timeline(rng, rng.randint(1, 120))
    state = guard.State(low, high)
    prompts = []
    for event in events:
        state = guard.State.from_json(json.loads(json.dumps(state.to_json())))
        assert state.takes(event)
        prompts.extend(guard.advance(state, event))
    assert prompts == whole_timeline(events, low, high)
    assert evaluate(events, low, high) == prompts


def test_the_kept_state_stays_small_however_long_the_session() -> None:
    # A check-in every 20 s for 10 hours, never rising fast: only the last 5 minutes count.
    events = [suds(20 * i, 4 + i % 2) for i in range(1800)]
    state = guard.State(3, 7)
    for event in events:
        guard.advance(state, event)
    assert len(state.suds_history) == 16  # 0, 20, ..., 300 s back: 16 check-ins
    assert state.last_t == 20 * 1799


def test_an_event_earlier_than_the_last_one_seen_is_not_folded_in() -> None:
    state = guard.State(3, 7)
    guard.advance(state, suds(100, 4))
    assert state.takes(suds(100, 5)) and state.takes(cue(150))
    assert not state.takes(suds(99, 5))
    # Events that cannot change the state do not move it.
    guard.advance(state, cue(500))
    assert state.last_t == 100


def test_a_broken_kept_state_is_refused() -> None:
    with pytest.raises(ValueError):
        guard.State.from_json({"low": 3})
    with pytest.raises(ValueError):
        guard.State.from_json({**guard.State(3, 7).to_json(), "suds_history": [[1]]})
