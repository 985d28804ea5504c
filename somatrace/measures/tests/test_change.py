"""Jacobson-Truax reliable change, checked against numbers computed by hand.

J&T (1991): SE = SD*sqrt(1-r); S_diff = sqrt(2*SE^2); RC = (x2-x1)/S_diff; reliable when
|RC| > 1.96. With a published smallest reliable change T: S_diff = T/1.96, reliable when
|x2-x1| >= T.
"""

from __future__ import annotations

import dataclasses

import pytest

from somatrace.measures import instruments as ins
from somatrace.measures.change import NoChangeData, criteria, reliable_change, s_diff


def test_pss10_s_diff_from_sd_and_alpha() -> None:
    # SE = 6.35 * sqrt(1 - .78) = 6.35 * 0.469042 = 2.978418
    # S_diff = sqrt(2) * 2.978418 = 4.212113; threshold = 1.96 * 4.212113 = 8.255742
    assert s_diff(ins.PSS10.change) == pytest.approx(4.212113, abs=1e-6)
    change = reliable_change(ins.PSS10, 25, 15)
    assert change.threshold == pytest.approx(8.255742, abs=1e-6)
    # RC = (15 - 25) / 4.212113 = -2.374104
    assert change.rc == pytest.approx(-2.374104, abs=1e-5)
    assert change.reliable and change.direction == "improvement"
    # no clinical cut-off exists for the PSS-10: improved, never "recovered"
    assert change.category == "improved"
    assert change.cutoff is None and change.cutoff_kind == ""


def test_pss10_change_below_threshold_is_unchanged_and_worsening_deteriorated() -> None:
    # 8 points < 8.2557: RC = -8 / 4.212113 = -1.899283
    small = reliable_change(ins.PSS10, 25, 17)
    assert small.rc == pytest.approx(-1.899283, abs=1e-5)
    assert (small.reliable, small.category) == (False, "unchanged")
    # +9 > 8.2557: RC = 9 / 4.212113 = 2.136694
    worse = reliable_change(ins.PSS10, 10, 19)
    assert worse.rc == pytest.approx(2.136694, abs=1e-5)
    assert (worse.direction, worse.category) == ("deterioration", "deteriorated")


def test_gad7_published_threshold_and_recovery() -> None:
    # S_diff = 5.59 / 1.96 = 2.852041; RC = -6 / 2.852041 = -2.103757
    change = reliable_change(ins.GAD7, 15, 9)
    assert change.rc == pytest.approx(-2.103757, abs=1e-5)
    assert change.threshold == pytest.approx(5.59)
    # 6 >= 5.59 reliable; 15 >= 10 (case) and 9 < 10 (not a case): recovered
    assert change.category == "recovered" and change.cutoff == 10
    assert change.cutoff_kind == "published"


@pytest.mark.parametrize(
    ("before", "after", "category"),
    [
        (15, 10, "unchanged"),  # -5 < 5.59
        (16, 10, "improved"),  # -6 reliable but 10 is still >= cut-off 10
        (9, 3, "improved"),  # -6 reliable but 9 was never a case
        (12, 5, "recovered"),  # -7 reliable, 12 -> 5 crosses 10
        (5, 11, "deteriorated"),  # +6 reliable worsening
        (5, 10, "unchanged"),  # +5
    ],
)
def test_gad7_categories(before, after, category) -> None:
    assert reliable_change(ins.GAD7, before, after).category == category


def test_phq9_six_points_is_reliable_five_is_not() -> None:
    # S_diff = 6 / 1.96 = 3.061224; RC = -6 / 3.061224 = -1.96 exactly
    at = reliable_change(ins.PHQ9, 14, 8)
    assert at.rc == pytest.approx(-1.96)
    assert at.reliable and at.category == "recovered"  # 14 >= 10, 8 < 10
    assert reliable_change(ins.PHQ9, 14, 9).category == "unchanged"  # -5
    assert reliable_change(ins.PHQ9, 20, 13).category == "improved"  # 13 still >= 10
    assert reliable_change(ins.PHQ9, 3, 9).category == "deteriorated"  # +6
    assert ins.PHQ9.change.verified is False  # the 6-point IAPT figure is unverified


def test_who5_higher_is_better() -> None:
    # threshold 10 percentage points = 2.5 raw; S_diff = 2.5 / 1.96 = 1.275510
    # 10 -> 13: RC = 3 / 1.275510 = 2.352000; 10 < 13 (poor) and 13 >= 13: recovered
    up = reliable_change(ins.WHO5, 10, 13)
    assert up.rc == pytest.approx(2.352, abs=1e-6)
    assert (up.direction, up.category) == ("improvement", "recovered")
    assert reliable_change(ins.WHO5, 10, 12).category == "unchanged"  # +2 < 2.5
    assert reliable_change(ins.WHO5, 15, 20).category == "improved"  # never below 13
    down = reliable_change(ins.WHO5, 20, 17)  # -3 on a higher-is-better scale
    assert (down.direction, down.category) == ("deterioration", "deteriorated")


def test_pcl5_ten_points_and_cutoff_33() -> None:
    # 45 -> 30: -15 >= 10, 45 >= 33 and 30 < 33: recovered; RC = -15 / (10/1.96) = -2.94
    change = reliable_change(ins.PCL5, 45, 30)
    assert change.rc == pytest.approx(-2.94)
    assert change.category == "recovered"
    assert reliable_change(ins.PCL5, 45, 36).category == "unchanged"  # -9
    assert reliable_change(ins.PCL5, 45, 35).category == "improved"  # -10, 35 >= 33


def test_no_change_at_all_has_direction_none() -> None:
    change = reliable_change(ins.GAD7, 8, 8)
    assert (change.rc, change.direction, change.category) == (0, "none", "unchanged")


def test_trend_only_instruments_have_no_rci() -> None:
    for defn in (ins.SUDS, ins.MAIA2):
        with pytest.raises(NoChangeData, match="trend only"):
            reliable_change(defn, 3, 5)


def test_criteria_a_b_c_lower_is_better() -> None:
    data = ins.ChangeData(
        direction="lower-is-better",
        reliability=0.9,
        reliability_kind="r",
        sd=5.0,
        functional_mean=6.0,
        functional_sd=3.0,
        dysfunctional_mean=20.0,
        dysfunctional_sd=5.0,
        cutoff_kind="c",
    )
    # a = 20 - 2*5 = 10; b = 6 + 2*3 = 12; c = (3*20 + 5*6) / (3+5) = 90/8 = 11.25
    assert criteria(data) == {"a": 10.0, "b": 12.0, "c": 11.25}
    defn = dataclasses.replace(ins.PSS10, change=data)
    # S_diff = sqrt(2) * 5 * sqrt(.1) = 5 * sqrt(.2) = 2.236068; threshold 4.382693
    change = reliable_change(defn, 16, 10)
    assert change.threshold == pytest.approx(4.382693, abs=1e-6)
    # RC = -6 / 2.236068 = -2.683282; 16 >= 11.25 and 10 < 11.25: recovered on criterion c
    assert change.rc == pytest.approx(-2.683282, abs=1e-6)
    assert (change.category, change.cutoff, change.cutoff_kind) == ("recovered", 11.25, "c")


def test_criteria_flip_for_higher_is_better() -> None:
    data = ins.ChangeData(
        direction="higher-is-better",
        reliability=0.8,
        reliability_kind="r",
        functional_mean=50.0,
        functional_sd=10.0,
        dysfunctional_mean=30.0,
        dysfunctional_sd=5.0,
    )
    # a = 30 + 2*5 = 40; b = 50 - 2*10 = 30; c = (10*30 + 5*50) / 15 = 550/15 = 36.6667
    result = criteria(data)
    assert result["a"] == 40.0 and result["b"] == 30.0
    assert result["c"] == pytest.approx(36.666667, abs=1e-6)
