"""Scoring of every instrument against answer sets worked out by hand from the published rules.

Each expected value is computed in the comment next to it, from the rules in
/shared/reference/instruments.md — never copied from the code's output.
"""

from __future__ import annotations

import pytest

from somatrace.measures import instruments as ins
from somatrace.measures.scoring import AnswerError, score


def test_every_instrument_is_declared_with_its_source_and_licence() -> None:
    for code, defn in ins.INSTRUMENTS.items():
        assert defn.code == code
        assert defn.version
        assert defn.source and defn.licence and defn.recall_period
        assert [i.number for i in defn.items] == list(range(1, defn.n_items + 1))
    counts = {code: d.n_items for code, d in ins.INSTRUMENTS.items()}
    assert counts == {
        "PHQ9": 9,
        "GAD7": 7,
        "PSS10": 10,
        "PCL5": 20,
        "MAIA2": 37,
        "WHO5": 5,
        "SUDS": 1,
    }


def test_instrument_names_are_accepted_in_the_usual_spellings() -> None:
    assert ins.normalise_code("phq9") == "PHQ9"
    assert ins.normalise_code("PHQ-9") == "PHQ9"
    assert ins.normalise_code("gad 7") == "GAD7"
    with pytest.raises(KeyError):
        ins.normalise_code("TAS-20")  # copyrighted: not shipped


def test_who5_is_disabled_by_default_with_its_licence() -> None:
    assert ins.WHO5.enabled_by_default is False
    assert "CC BY-NC-SA 3.0 IGO" in ins.WHO5.licence
    assert ins.default_enabled() == {"PHQ9", "GAD7", "PSS10", "PCL5", "MAIA2", "SUDS"}


# --- PHQ-9 ----------------------------------------------------------------------------------


def test_phq9_sums_its_items_and_flags_item_9() -> None:
    result = score(ins.PHQ9, [1, 0, 2, 1, 0, 0, 1, 0, 1])
    # 1+0+2+1+0+0+1+0+1 = 6 -> 5-9 "Mild"
    assert result.total == 6
    assert result.band == "Mild"
    assert result.valid
    assert [a.kind for a in result.alerts] == ["phq9.item9"]
    assert result.alerts[0].priority == "high"


def test_phq9_item_9_at_zero_raises_no_alert() -> None:
    assert score(ins.PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 0]).alerts == ()


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "Minimal"),  # 1*4 = 4: top edge of 0-4
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Mild"),  # 1*5 = 5: bottom edge of 5-9
        ([3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "Mild"),  # 3*3 = 9
        ([3, 3, 3, 1, 0, 0, 0, 0, 0], 10, "Moderate"),  # 9+1 = 10
        ([3, 3, 3, 3, 2, 0, 0, 0, 0], 14, "Moderate"),  # 12+2 = 14
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "Moderately severe"),  # 3*5 = 15
        ([3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "Moderately severe"),  # 18+1 = 19
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "Severe"),  # 18+2 = 20
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "Severe"),  # 3*9 = 27
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "Minimal"),
    ],
)
def test_phq9_bands_at_their_exact_edges(answers, total, band) -> None:
    result = score(ins.PHQ9, answers)
    assert (result.total, result.band) == (total, band)


# Missing PHQ-9 answers, NHS Data Dictionary ("Patient Health Questionnaire-9"): "If one or
# two values are missing from the score, then they can be substituted with the average score
# of the non-missing items. Questionnaires with more than two missing values should be
# disregarded." So total = mean of the answered items x 9. The Dictionary states no rounding;
# Somatrace rounds to the nearest whole number, halves up (its own, stated convention).


def test_phq9_with_one_missing_answer_is_prorated_and_flagged() -> None:
    result = score(ins.PHQ9, [1, 1, None, 1, 1, 1, 1, 1, 2])
    # answered: 7 x 1 + 2 = 9 over 8 items; mean 1.125 x 9 = 10.125 -> 10, "Moderate"
    assert result.valid is True and result.prorated is True
    assert (result.total, result.band) == (10, "Moderate")
    assert result.details["prorated"] is True
    assert result.details["missing_items"] == [3]
    assert result.details["unrounded_total"] == pytest.approx(10.125)
    assert result.note.startswith("Prorated: item 3 not answered")
    assert "NHS Data Dictionary" in result.note
    assert [a.kind for a in result.alerts] == ["phq9.item9"]  # item 9 = 2 > 0


def test_phq9_prorating_rounds_halves_up() -> None:
    # answered: 1+0+1+0+0+1+0+1 = 4 over 8; mean 0.5 x 9 = 4.5 -> 5 ("Mild"; Python's round()
    # would give 4, "Minimal")
    result = score(ins.PHQ9, [1, 0, None, 1, 0, 0, 1, 0, 1])
    assert (result.total, result.band, result.prorated) == (5, "Mild", True)
    assert result.details["unrounded_total"] == 4.5
    assert "rounded to 5" in result.note


def test_phq9_with_two_missing_answers_is_prorated() -> None:
    # answered: 2+2+1+1+1+0+0 = 7 over 7; mean 1 x 9 = 9 exactly -> 9, "Mild", no rounding
    result = score(ins.PHQ9, [2, None, 2, 1, None, 1, 1, 0, 0])
    assert (result.total, result.band, result.prorated) == (9, "Mild", True)
    assert result.details["missing_items"] == [2, 5]
    assert "items 2 and 5 not answered" in result.note and "rounded" not in result.note
    # 2+3+3+3+3+3+3 = 20 over 7; 20/7 x 9 = 25.714 -> 26, "Severe"
    high = score(ins.PHQ9, [2, 3, 3, 3, None, 3, 3, None, 3])
    assert (high.total, high.band) == (26, "Severe")


def test_phq9_prorated_without_item_9_says_to_ask_it() -> None:
    # 1+0+2+1+0+0+1+0 = 5 over 8; 5/8 x 9 = 5.625 -> 6
    result = score(ins.PHQ9, [1, 0, 2, 1, 0, 0, 1, 0, None])
    assert (result.total, result.prorated, result.alerts) == (6, True, ())
    assert result.details["risk_items_unanswered"] == [9]
    assert "Item 9 (a risk item) was not answered: ask about it directly." in result.note


def test_phq9_with_three_missing_answers_is_not_scored_and_says_why() -> None:
    result = score(ins.PHQ9, [1, None, 1, 1, None, 1, None, 1, 2])
    assert result.valid is False and result.prorated is False
    assert result.total is None and result.band is None
    assert result.reason == (
        "Not answered: items 2, 5 and 7. PHQ-9 can be prorated with at most 2 items "
        "unanswered (NHS Data Dictionary, Patient Health Questionnaire-9), so with 3 it is "
        "not scored."
    )
    assert [a.kind for a in result.alerts] == ["phq9.item9"]  # risk answers still count


def test_an_instrument_without_a_published_rule_is_not_scored_with_one_missing() -> None:
    result = score(ins.GAD7, [1, 1, None, 1, 1, 1, 1])
    assert result.valid is False and result.total is None
    assert result.reason == (
        "Not answered: item 3. GAD-7 has no published rule for missing answers, so it is not "
        "scored."
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("٣", "uses digits other than 0-9"),  # Arabic-Indic three: int() reads it as 3
        ("２", "uses digits other than 0-9"),  # full-width two
        ("0_1", "contains an underscore"),  # int("0_1") == 1
        ("+1", "has a plus or minus sign"),
        ("-1", "has a plus or minus sign"),
        ("1.0", "is not a whole number"),
        ("1.5", "is not a whole number"),
        (" 1", "has spaces around it"),
        ("", "is empty"),
        ("x", "is not a number"),
    ],
)
def test_answers_as_text_must_be_ascii_whole_numbers(text, problem) -> None:
    answers: list[int | str | None] = ["1"] * 9
    answers[3] = text
    with pytest.raises(AnswerError) as info:
        score(ins.PHQ9, answers)
    assert str(info.value) == (
        f"answer to item 4 must be a whole number written with the digits 0-9, but {text!r} "
        f"{problem}"
    )


def test_answers_as_ascii_text_are_scored() -> None:
    assert score(ins.PHQ9, ["1", "0", "2", "1", "0", "0", "1", "0", "1"]).total == 6  # 6


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([], "PHQ-9 has 9 items but no answers were given"),
        ([1], "PHQ-9 has 9 items but 1 answer was given"),
        ([1, 1], "PHQ-9 has 9 items but 2 answers were given"),
    ],
)
def test_wrong_counts_are_said_grammatically(answers, message) -> None:
    with pytest.raises(AnswerError) as info:
        score(ins.PHQ9, answers)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([1, 1, 1, 1, 1, 1, 1, 1], "9 items but 8 answers"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "9 items but 10 answers"),
        ([1, 1, 1, 4, 1, 1, 1, 1, 1], "item 4 is 4, outside 0-3"),
        ([1, 1, 1, -1, 1, 1, 1, 1, 1], "item 4 is -1, outside 0-3"),
        ([1, 1, 1, 1.5, 1, 1, 1, 1, 1], "item 4 is not a whole number"),
        ([1, 1, 1, True, 1, 1, 1, 1, 1], "item 4 is not a whole number"),
    ],
)
def test_malformed_answers_are_refused_with_one_clear_line(answers, message) -> None:
    with pytest.raises(AnswerError, match=message) as info:
        score(ins.PHQ9, answers)
    assert "\n" not in str(info.value)


# --- GAD-7 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([1, 1, 1, 1, 0, 0, 0], 4, "Minimal"),  # 4
        ([1, 1, 1, 1, 1, 0, 0], 5, "Mild"),  # 5
        ([3, 3, 3, 0, 0, 0, 0], 9, "Mild"),  # 9
        ([3, 3, 3, 1, 0, 0, 0], 10, "Moderate"),  # 10
        ([3, 3, 3, 3, 2, 0, 0], 14, "Moderate"),  # 14
        ([3, 3, 3, 3, 3, 0, 0], 15, "Severe"),  # 15
        ([3, 3, 3, 3, 3, 3, 3], 21, "Severe"),  # 21 = maximum
    ],
)
def test_gad7_bands_at_their_exact_edges(answers, total, band) -> None:
    result = score(ins.GAD7, answers)
    assert (result.total, result.band, result.alerts) == (total, band, ())


# --- PSS-10 ---------------------------------------------------------------------------------


def test_pss10_reverse_scores_items_4_5_7_8() -> None:
    # All 0: items 1,2,3,6,9,10 give 0; items 4,5,7,8 reverse to 4-0 = 4 each: 4*4 = 16.
    assert score(ins.PSS10, [0] * 10).total == 16
    # All 4: six forward items 6*4 = 24; four reversed items 4-4 = 0: total 24.
    assert score(ins.PSS10, [4] * 10).total == 24
    # Forward items 2 each (6*2 = 12), reversed items answered 4 -> 0: total 12, "Low".
    result = score(ins.PSS10, [2, 2, 2, 4, 4, 2, 4, 4, 2, 2])
    assert (result.total, result.band) == (12, "Low")


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # forward items 1,2,3,6,9,10 | reversed 4,5,7,8 answered 4 -> 0
        ([3, 3, 3, 4, 4, 2, 4, 4, 1, 1], 13, "Low"),  # 3+3+3+2+1+1 = 13
        ([3, 3, 3, 4, 4, 3, 4, 4, 1, 1], 14, "Moderate"),  # 3+3+3+3+1+1 = 14
        ([4, 4, 4, 2, 4, 4, 4, 4, 4, 4], 26, "Moderate"),  # 6*4 = 24, item 4: 4-2 = 2 -> 26
        ([4, 4, 4, 1, 4, 4, 4, 4, 4, 4], 27, "High"),  # 24 + (4-1) = 27
        ([4, 4, 4, 0, 0, 4, 0, 0, 4, 4], 40, "High"),  # 24 + 4*4 = 40
    ],
)
def test_pss10_informal_bands_at_their_edges(answers, total, band) -> None:
    result = score(ins.PSS10, answers)
    assert (result.total, result.band) == (total, band)
    assert all(b.note == "informal band" for b in ins.PSS10.bands)


# --- PCL-5 ----------------------------------------------------------------------------------


def _pcl(**rated: int) -> list[int]:
    answers = [0] * 20
    for key, value in rated.items():
        answers[int(key[1:]) - 1] = value
    return answers


def test_pcl5_sums_items_and_clusters() -> None:
    answers = _pcl(i1=4, i2=3, i6=2, i8=1, i14=2, i15=3, i20=4)
    result = score(ins.PCL5, answers)
    # B = 4+3 = 7; C = 2; D = 1+2 = 3; E = 3+4 = 7; total = 7+2+3+7 = 19
    assert result.subscales == {"B": 7, "C": 2, "D": 3, "E": 7}
    assert result.total == 19
    assert result.band == "Below the provisional PTSD cut-off"


def test_pcl5_dsm5_rule_met_at_its_minimum() -> None:
    # one B (item 1), one C (item 6), two D (8, 9), two E (15, 17), each rated 2 = "moderately"
    result = score(ins.PCL5, _pcl(i1=2, i6=2, i8=2, i9=2, i15=2, i17=2))
    assert result.details["dsm5_endorsed"] == {"B": 1, "C": 1, "D": 2, "E": 2}
    assert result.details["dsm5_rule_met"] is True
    assert result.total == 12  # 6 items * 2; the rule can be met below the total cut-off


@pytest.mark.parametrize(
    "answers",
    [
        _pcl(i1=2, i6=2, i8=2, i9=1, i15=2, i17=2),  # only one D item >= 2
        _pcl(i1=2, i6=2, i8=2, i9=2, i15=2, i16=1),  # only one E item >= 2
        _pcl(i1=1, i6=2, i8=2, i9=2, i15=2, i17=2),  # B item rated 1 does not count
        _pcl(i1=2, i8=2, i9=2, i15=2, i17=2),  # no C item
        [1] * 20,  # everything rated 1 ("a little bit"): nothing endorsed
    ],
)
def test_pcl5_dsm5_rule_not_met_one_short(answers) -> None:
    assert score(ins.PCL5, answers).details["dsm5_rule_met"] is False


def test_pcl5_cutoff_33_at_its_edge() -> None:
    # twelve items at 2, eight at 1: 24 + 8 = 32 -> below
    below = score(ins.PCL5, [2] * 12 + [1] * 8)
    assert below.total == 32 and below.band == "Below the provisional PTSD cut-off"
    # thirteen at 2, seven at 1: 26 + 7 = 33 -> provisional PTSD
    at = score(ins.PCL5, [2] * 13 + [1] * 7)
    assert at.total == 33 and at.band.startswith("Provisional PTSD")
    assert score(ins.PCL5, [4] * 20).total == 80


def test_pcl5_item_16_at_two_is_a_lower_priority_alert() -> None:
    assert score(ins.PCL5, _pcl(i16=1)).alerts == ()
    alerts = score(ins.PCL5, _pcl(i16=2)).alerts
    assert [(a.kind, a.priority) for a in alerts] == [("pcl5.item16", "lower")]


# --- WHO-5 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "raw", "percent", "band"),
    [
        ([3, 3, 3, 3, 3], 15, 60, "At or above the screening cut-off (≥ 52 %)"),  # 15*4 = 60
        ([3, 3, 3, 2, 2], 13, 52, "At or above the screening cut-off (≥ 52 %)"),  # 13*4 = 52
        ([3, 3, 2, 2, 2], 12, 48, "Poor well-being (< 52 %) — screen for depression"),  # 48
        ([2, 2, 2, 1, 1], 8, 32, "Poor well-being (< 52 %) — screen for depression"),  # 32
        ([2, 2, 1, 1, 1], 7, 28, "Likely depression (≤ 28 %)"),  # 7*4 = 28
        ([5, 5, 5, 5, 5], 25, 100, "At or above the screening cut-off (≥ 52 %)"),
        ([0, 0, 0, 0, 0], 0, 0, "Likely depression (≤ 28 %)"),
    ],
)
def test_who5_raw_score_percentage_and_bands(answers, raw, percent, band) -> None:
    result = score(ins.WHO5, answers)
    assert result.total == raw
    assert result.subscales["percentage"] == percent
    assert result.band == band


def test_who5_lists_items_answered_0_or_1_for_follow_up() -> None:
    assert score(ins.WHO5, [4, 1, 3, 0, 5]).details["items_0_or_1"] == [2, 4]
    assert score(ins.WHO5, [4, 1, 3, 0, 6 - 1]).valid
    with pytest.raises(AnswerError):
        score(ins.WHO5, [4, 1, 3, 0, 6])


# --- MAIA-2 ---------------------------------------------------------------------------------


def test_maia2_reverse_items_and_subscale_means_all_fives() -> None:
    result = score(ins.MAIA2, [5] * 37)
    # Reversed items 5-12 and 15 become 5-5 = 0.
    assert result.total is None and result.band is None
    assert result.subscales == {
        "noticing": 5.0,  # items 1-4: 20/4
        "not_distracting": 0.0,  # items 5-10 all reversed: 0/6
        "not_worrying": 2.0,  # 11, 12, 15 reversed -> 0; 13, 14 = 5: 10/5
        "attention_regulation": 5.0,
        "emotional_awareness": 5.0,
        "self_regulation": 5.0,
        "body_listening": 5.0,
        "trusting": 5.0,
    }


def test_maia2_subscale_means_varied_answers() -> None:
    answers = [
        *[1, 2, 3, 4],  # noticing 1-4
        *[0, 1, 2, 3, 4, 5],  # not-distracting 5-10 (all reversed)
        *[1, 2, 3, 4, 5],  # not-worrying 11-15 (11, 12, 15 reversed)
        *[0, 0, 0, 0, 0, 0, 1],  # attention regulation 16-22
        *[5, 5, 5, 5, 4],  # emotional awareness 23-27
        *[1, 1, 1, 2],  # self-regulation 28-31
        *[0, 1, 1],  # body listening 32-34
        *[3, 3, 4],  # trusting 35-37
    ]
    subscales = score(ins.MAIA2, answers).subscales
    assert subscales["noticing"] == pytest.approx(10 / 4)  # (1+2+3+4)/4 = 2.5
    # reversed: 5,4,3,2,1,0 -> 15/6 = 2.5
    assert subscales["not_distracting"] == pytest.approx(2.5)
    # 11: 5-1 = 4; 12: 5-2 = 3; 13: 3; 14: 4; 15: 5-5 = 0 -> 14/5 = 2.8
    assert subscales["not_worrying"] == pytest.approx(2.8)
    assert subscales["attention_regulation"] == pytest.approx(1 / 7)
    assert subscales["emotional_awareness"] == pytest.approx(24 / 5)  # 4.8
    assert subscales["self_regulation"] == pytest.approx(5 / 4)  # 1.25
    assert subscales["body_listening"] == pytest.approx(2 / 3)
    assert subscales["trusting"] == pytest.approx(10 / 3)


def test_maia2_with_one_missing_answer_is_not_scored() -> None:
    answers: list[int | None] = [3] * 37
    answers[36] = None
    result = score(ins.MAIA2, answers)
    assert result.valid is False and result.subscales == {}
    assert "item 37" in result.reason


# --- SUDS -----------------------------------------------------------------------------------


def test_suds_is_a_single_rating_shown_as_a_trend() -> None:
    result = score(ins.SUDS, [7])
    assert result.total == 7 and result.band is None
    assert ins.SUDS.trend_only and ins.SUDS.change is None
    with pytest.raises(AnswerError, match="outside 0-10"):
        score(ins.SUDS, [11])
