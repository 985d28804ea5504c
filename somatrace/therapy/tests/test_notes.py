"""The SOAP draft from a hand-made timeline (pure function, no database)."""

from __future__ import annotations

from somatrace.therapy.notes import NoteEvent, NoteInput, draft


def timeline() -> NoteInput:
    return NoteInput(
        pre={"suds": 6, "calm": 3, "tension": 8},
        post={"suds": 3, "calm": 7, "tension": None},
        events=[
            # Given out of order on purpose: the draft sorts by minute.
            NoteEvent(12, "emotion", "Grief", region="Chest and heart area", intensity=4),
            NoteEvent(0, "suds", "SUDS 6", suds=6),
            NoteEvent(5, "technique", "Unwinding", region="Neck and throat"),
            NoteEvent(8, "cue", "Trembling / shaking", region="Left leg"),
            NoteEvent(10, "suds", "SUDS 9", suds=9),
            NoteEvent(10, "guard", "Pacing prompt: SUDS at the upper limit", text="..."),
            NoteEvent(11, "grounding", "Slow exhale"),
            NoteEvent(14, "suds", "SUDS 5", suds=5),
            NoteEvent(15, "note", "Note", text="It feels lighter now"),
        ],
        client_words="My chest is tight since the funeral",
        felt_region="Chest and heart area",
        window=(3, 7),
        minutes=50,
    )


def test_subjective_has_the_clients_words_emotions_and_rating_changes() -> None:
    subjective = draft(timeline())["subjective"]
    assert "“My chest is tight since the funeral”" in subjective
    assert "Felt it in: Chest and heart area." in subjective
    assert "Grief (intensity 4/5) — Chest and heart area at 12 min" in subjective
    assert "“It feels lighter now”" in subjective
    # 6 -> 3 is -3; calm 3 -> 7 is +4; tension was not asked after.
    assert "SUDS 6 → 3 (-3)." in subjective
    assert "Calm 3 → 7 (+4)." in subjective
    assert "Body tension before 8; not asked after." in subjective


def test_objective_lists_cues_and_techniques_in_time_order() -> None:
    objective = draft(timeline())["objective"]
    lines = objective.splitlines()
    assert lines[0] == "Session length 50 min."
    order = [
        "0 min: SUDS check-in 6.",
        "5 min: technique — Unwinding — Neck and throat.",
        "8 min: Trembling / shaking — Left leg.",
        "10 min: SUDS check-in 9.",
        "14 min: SUDS check-in 5.",
    ]
    assert [line for line in lines if line in order] == order
    assert "Techniques: Unwinding." in objective


def test_assessment_has_the_range_the_prompts_and_the_grounding() -> None:
    assessment = draft(timeline())["assessment"]
    # SUDS values 6, 9, 5: range 5-9.
    assert "SUDS ranged 5–9 during the session (window of tolerance 3–7)." in assessment
    assert "Pacing prompts: 1." in assessment
    assert "10 min: Pacing prompt: SUDS at the upper limit." in assessment
    # The first check-in after the grounding step is SUDS 5 at 14 min.
    assert "11 min: grounding — Slow exhale; next SUDS 5 at 14 min." in assessment


def test_the_plan_is_left_to_the_practitioner() -> None:
    assert draft(timeline())["plan"] == ""


def test_an_empty_timeline_gives_a_short_honest_draft() -> None:
    text = draft(NoteInput(pre={}, post={}, events=[]))
    assert text["subjective"] == "" and text["objective"] == ""
    assert text["assessment"] == "No SUDS check-ins recorded.\nNo pacing prompts."


def test_ending_above_the_window_keeps_the_reason() -> None:
    note = NoteInput(pre={}, post={}, events=[], end_reason="Client had to leave for work.")
    assert "Ended above the window: Client had to leave for work." in draft(note)["assessment"]
