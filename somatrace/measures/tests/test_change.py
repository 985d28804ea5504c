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


# --- WHO-5: reliable change is not Topp's 10 percentage points ---------------------------
# Schougaard et al. (2018), Health Qual Life Outcomes 16:175 (abstract): test-retest ICC .81,
# smallest detectable change 23.60 points on the 0-100 percentage scale, from the standard
# error of measurement: MDC95 = 1.96 x sqrt(2) x SEM, the Jacobson-Truax form 1.96 x S_diff.
#   raw threshold = 23.60 / 4 = 5.9 raw points; S_diff = 5.9 / 1.96 = 3.010204
#   (equivalently SEM = 23.60 / (1.96 x 1.414214) = 8.514 percentage points = 2.128 raw).
# Topp et al. (2015): 10 percentage points = 10 / 4 = 2.5 raw points is clinically relevant;
# that is a different figure and must not be used as the reliable change.


def test_who5_reliable_change_from_the_published_measurement_error() -> None:
    assert s_diff(ins.WHO5.change) == pytest.approx(5.9 / 1.96, abs=1e-9)  # 3.010204
    # 10 -> 16: +6 raw (24 %) >= 5.9; RC = 6 / 3.010204 = 1.993220
    # 10 < 13 (poor well-being) and 16 >= 13: recovered
    up = reliable_change(ins.WHO5, 10, 16)
    assert up.threshold == pytest.approx(5.9)
    assert up.rc == pytest.approx(1.993220, abs=1e-6)
    assert (up.reliable, up.direction, up.category) == (True, "improvement", "recovered")
    assert reliable_change(ins.WHO5, 15, 21).category == "improved"  # +6, never below 13
    down = reliable_change(ins.WHO5, 20, 14)  # -6 on a higher-is-better scale
    assert (down.direction, down.category) == ("deterioration", "deteriorated")
    assert ins.WHO5.change.verified is False  # read in the abstract only


@pytest.mark.parametrize("rise", [3, 4, 5])  # 12, 16 and 20 percentage points
def test_who5_changes_below_six_raw_points_are_not_reliable_but_may_be_clinically_relevant(
    rise,
) -> None:
    up = reliable_change(ins.WHO5, 10, 10 + rise)
    # RC = rise / 3.010204: 3 -> 0.996610, 4 -> 1.328814, 5 -> 1.661017, all < 1.96
    assert up.rc == pytest.approx(rise / 3.010204, abs=1e-6)
    assert (up.reliable, up.category) == (False, "unchanged")
    # rise >= 2.5 raw = 10 percentage points (Topp 2015): clinically relevant, shown apart
    assert (up.meaningful, up.meaningful_threshold) == (True, 2.5)


def test_who5_two_raw_points_reach_neither_threshold() -> None:
    change = reliable_change(ins.WHO5, 10, 12)  # +2 raw = 8 percentage points
    assert (change.reliable, change.meaningful) == (False, False)


# --- PCL-5: reliable change is not the National Center for PTSD's 10 points ---------------
# Marx et al. (2022), Psychol Assess 34:197-203 (abstract): Jacobson-Truax reliable change
# of >= 15 points (Sample 1, N = 198) and >= 18 (Sample 2, N = 102) in clinical samples of
# male veterans; 15 is used (unverified).  S_diff = 15 / 1.96 = 7.653061.
# National Center for PTSD: 10 points = clinically meaningful change (not an RCI).


def test_pcl5_reliable_change_is_15_points() -> None:
    assert s_diff(ins.PCL5.change) == pytest.approx(7.653061, abs=1e-6)
    # 45 -> 30: -15 >= 15, 45 >= 33 and 30 < 33: recovered; RC = -15 / 7.653061 = -1.96
    change = reliable_change(ins.PCL5, 45, 30)
    assert change.rc == pytest.approx(-1.96)
    assert change.threshold == pytest.approx(15)
    assert change.category == "recovered"
    assert reliable_change(ins.PCL5, 50, 35).category == "improved"  # -15, 35 still >= 33
    # +15: RC = 15 / 7.653061 = 1.96, reliable worsening
    assert reliable_change(ins.PCL5, 20, 35).category == "deteriorated"
    assert ins.PCL5.change.verified is False


@pytest.mark.parametrize("points", [10, 11, 12, 13, 14])
def test_pcl5_changes_of_10_to_14_points_are_clinically_meaningful_but_not_reliable(
    points,
) -> None:
    for before, after in ((30, 30 + points), (45, 45 - points)):
        change = reliable_change(ins.PCL5, before, after)
        # |RC| = points / 7.653061: 10 -> 1.306667 ... 14 -> 1.829333, all < 1.96
        assert abs(change.rc) == pytest.approx(points / 7.653061, abs=1e-6)
        assert (change.reliable, change.category) == (False, "unchanged")
        assert (change.meaningful, change.meaningful_threshold) == (True, 10)


def test_pcl5_nine_points_is_neither() -> None:
    change = reliable_change(ins.PCL5, 45, 36)
    assert (change.reliable, change.meaningful, change.category) == (False, False, "unchanged")


def test_reliable_and_meaningful_change_are_named_apart() -> None:
    for defn in (ins.PCL5, ins.WHO5):
        data = defn.change
        assert data.meaningful is not None
        assert data.meaningful.points != data.published_threshold
        assert "reliable" not in data.meaningful.name
    assert ins.PCL5.change.meaningful.name == "clinically meaningful change"
    assert "National Center for PTSD" in ins.PCL5.change.meaningful.source
    assert "Marx" in ins.PCL5.change.threshold_source
    assert "Topp" in ins.WHO5.change.meaningful.source
    assert "Schougaard" in ins.WHO5.change.threshold_source
    # PHQ-9: a 5-point drop reaches Löwe's MCID (5) but not the 6-point reliable change
    five = reliable_change(ins.PHQ9, 14, 9)
    assert (five.reliable, five.meaningful) == (False, True)


def test_gad7_reliability_is_labelled_as_what_it_is() -> None:
    data = ins.GAD7.change
    # .87 is Bischoff et al. (2020)'s test-retest Pearson r (14-28 days), the input of their
    # 5.59-point RCI; Spitzer et al. (2006) report alpha .92 and a test-retest ICC of .83.
    assert data.reliability == 0.87
    assert "Bischoff" in data.reliability_kind and "Pearson r" in data.reliability_kind
    assert "Spitzer" not in data.reliability_kind
    reported = " | ".join(data.reported_reliability)
    assert "α .92: internal consistency (Spitzer" in reported
    assert "test-retest ICC .83" in reported
    assert "test-retest r (Spitzer" not in data.source


def test_every_threshold_names_its_inputs_and_sources() -> None:
    for defn in ins.INSTRUMENTS.values():
        data = defn.change
        if data is None:
            continue
        if data.computed:
            assert data.sd_source and data.reliability_kind
            assert f"SD {data.sd:g}" in data.basis and f"{data.reliability:g}" in data.basis
        else:
            assert data.published_threshold is not None and data.threshold_source
            assert data.basis.startswith("Published: ")


@pytest.mark.parametrize(("before", "after"), [(12.5, 3), (3, 7.25), (True, 3)])
def test_fractional_totals_are_refused(before, after) -> None:
    with pytest.raises(ValueError, match="whole-number total"):
        reliable_change(ins.GAD7, before, after)


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
