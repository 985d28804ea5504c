"""Questionnaire scores in plain words for the client, worked by hand from the published
thresholds (PHQ-9: at least 6 points, cut-off 10; GAD-7: at least 5.59, so 6 whole points;
PSS-10: more than 1.96 x sqrt(2) x 6.35 x sqrt(1 - 0.78) = 8.26, so 9 whole points)."""

from __future__ import annotations

import re
from datetime import date

from somatrace.measures import plain
from somatrace.measures.summary import Point, series

# Claims of effect the client's portal never makes (checked on every text it shows).
CLAIMS = re.compile(
    r"\b(works?|worked|working|cured?|cures|heal(s|ed|ing)?|effective|success(ful)?|"
    r"thanks to|because of (the|your) (session|therapy|treatment))\b",
    re.IGNORECASE,
)


def _series(code: str, *totals: float | None) -> object:
    return series(code, [Point(date(2026, 1, 1 + i), t) for i, t in enumerate(totals)])


def test_a_reliable_improvement_past_the_cut_off_is_said_without_a_cause() -> None:
    text = plain.reading(_series("PHQ9", 15, 11, 8))
    assert text == (
        "Your PHQ-9 score went from 15 to 8. A change of 6 points or more is needed to be "
        "reliable. This is a reliable change, the better way on this questionnaire. The latest "
        "score is also on the other side of the questionnaire's usual cut-off."
    )


def test_a_change_within_measurement_error_is_said_to_be_possibly_chance() -> None:
    assert plain.reading(_series("PHQ9", 12, 9)) == (
        "Your PHQ-9 score went from 12 to 9. A change of 6 points or more is needed to be "
        "reliable. This change is within the questionnaire's measurement error, so it may be "
        "chance."
    )


def test_a_reliable_worsening_suggests_talking_to_the_practitioner() -> None:
    assert plain.reading(_series("PSS10", 20, 30)) == (
        "Your PSS-10 score went from 20 to 30. A change of 9 points or more is needed to be "
        "reliable. This is a reliable change, the harder way on this questionnaire. You may "
        "want to talk about this with your practitioner."
    )


def test_one_score_is_a_starting_point_and_maia_a_trend() -> None:
    assert plain.reading(_series("PHQ9", 11)) == (
        "One PHQ-9 score so far: 11. It is a starting point to compare later answers with."
    )
    assert plain.reading(_series("MAIA2", None, None)) == (
        "Your MAIA-2 answers are shown over time as a trend."
    )


def test_the_same_score_twice_is_no_change() -> None:
    assert plain.reading(_series("GAD7", 9, 9)).startswith(
        "Your GAD-7 score was 9 at first and 9 most recently. A change of 6 points"
    )


def test_no_reading_ever_claims_an_effect() -> None:
    texts = [plain.WHAT_IT_MEANS]
    for code, pairs in {
        "PHQ9": [(20, 2), (2, 20), (12, 10), (5,)],
        "GAD7": [(18, 3), (3, 18), (7, 7)],
        "PSS10": [(30, 10), (10, 30)],
        "WHO5": [(5, 20), (20, 5)],
        "PCL5": [(60, 20), (20, 60)],
        "MAIA2": [(None, None)],
    }.items():
        for totals in pairs:
            result = _series(code, *totals)
            texts += [plain.reading(result), plain.direction_words(result.defn)]  # type: ignore[attr-defined]
    for text in texts:
        assert not CLAIMS.search(text), text


def test_the_claims_check_catches_claims_and_spares_plain_words() -> None:
    for claim in ("The therapy worked.", "It works!", "You are cured", "healed", "Effective"):
        assert CLAIMS.search(claim), claim
    for plain_words in ("Patient Health Questionnaire", "homework", "network"):
        assert not CLAIMS.search(plain_words), plain_words
