"""A client's session ratings in plain words, worked by hand."""

from __future__ import annotations

from datetime import date

from somatrace.measures.tests.test_plain import CLAIMS
from somatrace.therapy import plain


def test_a_session_in_words_names_only_the_measures_rated_both_times() -> None:
    ratings = {"pre_suds": 6, "post_suds": 3, "pre_calm": 4, "post_calm": 7, "pre_tension": 5}
    assert plain.session_sentence(date(2026, 3, 3), ratings) == (
        "3 Mar 2026: distress 6 before, 3 after; calm 4 before, 7 after."
    )


def test_a_session_without_a_pair_says_nothing() -> None:
    assert plain.session_sentence(date(2026, 3, 3), {"pre_suds": 6}) is None


def test_across_sessions_it_counts_the_calmer_ends() -> None:
    sessions = [
        {"pre_suds": 6, "post_suds": 3, "pre_calm": 4, "post_calm": 7},
        {"pre_suds": 5, "post_suds": 5, "pre_calm": 5, "post_calm": 4},
        {"pre_suds": 7, "post_suds": 2},
        {"pre_tension": 8, "post_tension": 6},
    ]
    assert plain.overall_sentences(sessions) == [
        "In 2 of 3 sessions your distress was lower at the end than at the start.",
        "In 1 of 2 sessions your calm was higher at the end than at the start.",
        "In 1 of 1 session your body tension was lower at the end than at the start.",
    ]


def test_the_words_never_claim_an_effect() -> None:
    sessions = [{"pre_suds": a, "post_suds": b} for a, b in ((9, 1), (1, 9))]
    for text in [plain.WHAT_IT_MEANS, *plain.overall_sentences(sessions)]:
        assert not CLAIMS.search(text), text
