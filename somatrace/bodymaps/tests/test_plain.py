"""A client's body maps in plain words, worked by hand from stored statistics."""

from __future__ import annotations

from datetime import date

from somatrace.bodymaps import plain
from somatrace.measures.tests.test_plain import CLAIMS


def _stats(front_stronger: float, back_stronger: float, weaker: float) -> dict[str, object]:
    def layers(stronger: float) -> dict[str, dict[str, float]]:
        return {
            "stronger": {"coverage": stronger, "mean": 0.0, "total": 0.0},
            "weaker": {"coverage": weaker, "mean": 0.0, "total": 0.0},
        }

    return {"views": {"front": layers(front_stronger), "back": layers(back_stronger)}}


def test_a_map_says_how_much_of_the_body_was_marked_on_each_layer() -> None:
    # Stronger: the mean of the views, (12% + 4%) / 2 = 8%; weaker 1% on both views.
    assert plain.map_sentence(_stats(0.12, 0.04, 0.01), nothing_felt=False) == (
        "You marked 8% of your body as stronger or more active and 1% as weaker or less."
    )
    assert plain.map_sentence(_stats(0.004, 0.0, 0.0), nothing_felt=False) == (
        "You marked less than 1% of your body as stronger or more active and 0% as weaker or less."
    )


def test_nothing_felt_and_an_empty_map_are_said_as_such() -> None:
    assert plain.map_sentence({}, nothing_felt=True) == (
        "You noted that you did not feel anything particular."
    )
    assert plain.map_sentence(_stats(0, 0, 0), nothing_felt=False) == (
        "Nothing was painted on this map."
    )


def test_first_and_latest_maps_are_compared_without_a_cause() -> None:
    text = plain.over_time_sentence(
        _stats(0.30, 0.10, 0), date(2026, 1, 5), _stats(0.06, 0.04, 0), date(2026, 3, 2)
    )
    # (30 + 10) / 2 = 20% first; (6 + 4) / 2 = 5% latest.
    assert text == (
        "The area you marked stronger or more active went from 20% to 5% of your body, from "
        "your first map (5 Jan 2026) to your latest (2 Mar 2026)."
    )
    same = plain.over_time_sentence(
        _stats(0.1, 0.1, 0), date(2026, 1, 5), _stats(0.1, 0.1, 0), date(2026, 3, 2)
    )
    assert same.startswith("The area you marked stronger or more active was about the same")
    for sentence in (text, same, plain.WHAT_IT_MEANS):
        assert not CLAIMS.search(sentence)
