"""Tables the body-map pages show (summaries.py), from small synthetic statistics with the
expected percentages worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from somatrace.bodymaps import summaries
from somatrace.bodymaps.atlas import REGIONS


def region(stronger: float = 0.0, weaker: float = 0.0, *, painted: bool = True) -> dict:
    """One region's stored values; coverage is a nominal 0.1 of a layer with intensity."""
    cov = 0.1 if painted else 0.0
    return {
        "stronger": stronger,
        "stronger_cov": cov if stronger else 0.0,
        "weaker": weaker,
        "weaker_cov": cov if weaker else 0.0,
    }


# --- one painting ---------------------------------------------------------------------------


def test_region_rows_show_painted_atlas_regions_in_whole_percent() -> None:
    stats = {
        "regions": {
            "z_jaw": {"stronger": 0.5, "stronger_cov": 0.25, "weaker": 0.0, "weaker_cov": 0.0},
            "f_chest_l": region(),  # nothing painted
            "nowhere": region(0.9),  # not an atlas region
        }
    }
    assert summaries.region_rows(stats) == [
        {
            "code": "z_jaw",
            "name": "Jaw",
            "view": "Front",
            "zone": True,
            "stronger": 50,
            "stronger_cov": 25,
            "weaker": 0,
            "weaker_cov": 0,
        }
    ]
    every = summaries.region_rows(stats, only_painted=False)
    assert [r["code"] for r in every] == ["z_jaw", "f_chest_l"]
    assert every[1]["zone"] is False


def test_region_rows_of_a_painting_without_stats_are_empty() -> None:
    assert summaries.region_rows({}) == []


def test_coverage_rows_give_each_view_and_layer_in_percent() -> None:
    stats = {
        "views": {
            "front": {
                "stronger": {"coverage": 0.1234, "mean": 0.05, "total": 812.6},
                "weaker": {"coverage": 0.0, "mean": 0.0, "total": 0.0},
            }
        }
    }
    assert summaries.coverage_rows(stats) == [
        {
            "view": "Front",
            "layer": "Stronger / more active",
            "coverage": 12.3,
            "mean": 5.0,
            "total": 813,
        },
        {"view": "Front", "layer": "Weaker / less", "coverage": 0.0, "mean": 0.0, "total": 0},
    ]


def test_emotion_rows_name_each_emotion_and_keep_unknown_codes() -> None:
    emotions = [{"code": "grief", "intensity": 4}, {"code": "made-up", "intensity": 2}]
    assert summaries.emotion_rows(emotions) == [
        {"label": "Grief", "intensity": 4},
        {"label": "made-up", "intensity": 2},
    ]


def test_layer_coverage_is_the_mean_of_the_views() -> None:
    stats = {
        "views": {
            "front": {"stronger": {"coverage": 0.1}, "weaker": {"coverage": 0.0}},
            "back": {"stronger": {"coverage": 0.3}, "weaker": {"coverage": 0.5}},
        }
    }
    assert summaries.layer_coverage(stats, "stronger") == pytest.approx(0.2)
    assert summaries.layer_coverage(stats, "weaker") == pytest.approx(0.25)
    assert summaries.layer_coverage({}, "stronger") == 0.0


# --- before and after -----------------------------------------------------------------------


def test_region_signed_is_stronger_minus_weaker_and_zero_when_absent() -> None:
    stats = {"regions": {"z_jaw": region(0.5, 0.2)}}
    assert summaries.region_signed(stats, "z_jaw") == pytest.approx(0.3)
    assert summaries.region_signed(stats, "f_chest_l") == 0.0
    assert summaries.region_signed({}, "z_jaw") == 0.0


def test_change_rows_list_regions_in_both_maps_largest_change_first() -> None:
    before = {
        "regions": {
            "b_upper_back_l": region(0.2),
            "z_jaw": region(0.6, 0.1),
            "f_chest_l": region(),
            "nowhere": region(0.1),
        }
    }
    after = {
        "regions": {
            "b_upper_back_l": region(0.5, 0.1),
            "z_jaw": region(0.2, 0.1),
            "f_chest_l": region(),  # empty before and after: left out
            "f_shoulder_r": region(0.3),  # not in the map before: left out
            "nowhere": region(0.5),  # not an atlas region: left out
        }
    }
    assert summaries.change_rows(before, after) == [
        # Jaw: 0.6 - 0.1 = 50 % before, 0.2 - 0.1 = 10 % after.
        {"name": "Jaw", "view": "Front", "before": 50, "after": 10, "change": -40},
        # Upper back: 20 % before, 0.5 - 0.1 = 40 % after.
        {"name": "Left upper back", "view": "Back", "before": 20, "after": 40, "change": 20},
    ]


def test_coverage_change_gives_each_layer_before_and_after_in_percent() -> None:
    def views(stronger: float, weaker: float) -> dict:
        layers = {"stronger": {"coverage": stronger}, "weaker": {"coverage": weaker}}
        return {"views": {"front": layers, "back": layers}}

    assert summaries.coverage_change(views(0.125, 0.0), views(0.05, 0.2)) == [
        {"layer": "Stronger / more active", "before": 12.5, "after": 5.0},
        {"layer": "Weaker / less", "before": 0.0, "after": 20.0},
    ]


def test_overlap_is_the_jaccard_index_of_the_painted_areas_per_layer() -> None:
    before = np.zeros((2, 2, 1, 3), dtype=np.float32)
    after = np.zeros((2, 2, 1, 3), dtype=np.float32)
    before[0, 0, 0] = [0.9, 0.9, 0.0]  # front, stronger: pixels 0 and 1
    after[0, 0, 0] = [0.0, 0.9, 0.9]  # pixels 1 and 2: one shared of three painted
    before[1, 1, 0] = [0.04, 0.0, 0.0]  # back, weaker: below the painted threshold
    assert summaries.overlap(before, after) == {"stronger": 33, "weaker": 100}


# --- over time ------------------------------------------------------------------------------

NEWEST_FIRST = [
    (date(2026, 3, 3), {"regions": {"z_jaw": region(0.5, 0.1), "f_chest_l": region(0, 0.2)}}),
    (date(2026, 3, 2), {"regions": {"z_jaw": region(0.3)}}),
    (
        date(2026, 3, 1),
        {"regions": {"z_jaw": region(painted=False), "b_upper_back_l": region(0.4)}},
    ),
]


def test_most_painted_counts_maps_with_paint_and_breaks_ties_by_first_appearance() -> None:
    maps = [stats for _, stats in NEWEST_FIRST]
    # Jaw painted in two maps; chest and upper back in one each, the chest seen first.
    assert summaries.most_painted(maps) == ["z_jaw", "f_chest_l", "b_upper_back_l"]
    assert summaries.most_painted(maps, limit=2) == ["z_jaw", "f_chest_l"]
    assert summaries.most_painted([{"regions": {"nowhere": region(0.5)}}]) == []


def test_region_series_runs_oldest_first_for_the_regions_painted_most() -> None:
    assert summaries.region_series(NEWEST_FIRST, limit=2) == [
        {"date": "2026-03-01", "region": "Jaw", "signed": 0},  # present, unpainted
        {"date": "2026-03-02", "region": "Jaw", "signed": 30},
        {"date": "2026-03-03", "region": "Jaw", "signed": 40},
        {"date": "2026-03-03", "region": "Left chest", "signed": -20},
    ]


def test_region_series_of_no_maps_is_empty() -> None:
    assert summaries.region_series([]) == []


def test_finding_counts_name_each_region_and_kind_most_frequent_first() -> None:
    findings = [
        ("z_jaw", "Held tension"),
        ("f_chest_l", "Heat"),
        ("z_jaw", "Held tension"),
        ("z_jaw", "Restriction"),
    ]
    assert summaries.finding_counts(findings) == [
        (("Jaw", "Held tension"), 2),
        (("Left chest", "Heat"), 1),
        (("Jaw", "Restriction"), 1),
    ]
    assert len(summaries.finding_counts(findings, limit=2)) == 2


def test_region_counts_count_only_the_kinds_asked_for() -> None:
    findings = [
        ("z_jaw", "held_tension"),
        ("z_jaw", "restriction"),
        ("f_chest_l", "heat"),
        ("b_upper_back_l", "restriction"),
    ]
    held = summaries.region_counts(findings, ("held_tension", "restriction"))
    assert held == {"z_jaw": 2, "b_upper_back_l": 1}
    assert summaries.region_counts([], ("held_tension",)) == {}


# --- research -------------------------------------------------------------------------------


def test_paired_deltas_are_after_minus_before_and_skip_people_without_a_before_map() -> None:
    pairs = [
        ({"regions": {"z_jaw": region(0.5)}}, {"regions": {"z_jaw": region(0.1)}}),
        (None, {"regions": {"z_jaw": region(0.9)}}),
        ({"regions": {}}, {"regions": {"z_jaw": region(0, 0.25)}}),
    ]
    assert summaries.paired_deltas(pairs, "z_jaw") == pytest.approx([-0.4, -0.25])


def test_research_rows_give_the_share_of_people_painting_each_region() -> None:
    group = [
        (None, {"regions": {"z_jaw": region(0.2)}}),
        (None, {"regions": {"z_jaw": region(0.1, 0.3)}}),
        (None, {"regions": {"f_chest_l": region(0, 0.5)}}),
        (None, {"regions": {}}),
    ]
    rows = summaries.research_rows(group, paired=False)
    assert len(rows) == len(REGIONS)  # every atlas region, even where nobody painted
    # Jaw: stronger in 2 of 4 people, weaker in 1 of 4; chest: weaker in 1 of 4.
    assert rows[0] == {"name": "Jaw", "view": "Front", "stronger": 50, "weaker": 25}
    assert rows[1] == {"name": "Left chest", "view": "Front", "stronger": 0, "weaker": 25}
    assert all(r["stronger"] == r["weaker"] == 0 for r in rows[2:])


def test_paired_research_rows_count_changes_of_more_than_five_points() -> None:
    group = [
        ({"regions": {"z_jaw": region(0.5)}}, {"regions": {"z_jaw": region(0.1)}}),  # -40
        ({"regions": {"z_jaw": region(0.2)}}, {"regions": {"z_jaw": region(0.3)}}),  # +10
        ({"regions": {"z_jaw": region(0.2)}}, {"regions": {"z_jaw": region(0.24)}}),  # +4
    ]
    rows = {r["name"]: r for r in summaries.research_rows(group, paired=True)}
    # One of three rose and one fell by more than 5 points: 33 % each.
    assert rows["Jaw"] == {"name": "Jaw", "view": "Front", "stronger": 33, "weaker": 33}
    assert rows["Left chest"]["stronger"] == rows["Left chest"]["weaker"] == 0


def test_research_rows_of_an_empty_group_are_empty() -> None:
    assert summaries.research_rows([], paired=False) == []
    assert summaries.research_rows([], paired=True) == []


# --- touch consent --------------------------------------------------------------------------


def test_not_welcome_names_list_atlas_regions_marked_not_welcome() -> None:
    marks = {
        "f_groin_l": "not_welcome",
        "f_groin_r": "welcome",
        "nowhere": "not_welcome",
        "z_jaw": "not_welcome",
    }
    assert summaries.not_welcome_names(marks) == ["Left groin and lower belly", "Jaw"]
    assert summaries.not_welcome_count(marks) == 3
    assert summaries.not_welcome_names({}) == [] and summaries.not_welcome_count({}) == 0
