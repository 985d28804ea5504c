"""The statistics core against hand-worked values and independent libraries."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from somatrace.measures import instruments
from somatrace.research import stats

GAD7 = instruments.get("GAD7")


def pairs(*scores: tuple[float, float]) -> list[stats.Pair]:
    return [stats.Pair(client=i, first=a, latest=b) for i, (a, b) in enumerate(scores)]


# GAD-7: reliable change >= 5.59 points, cut-off >= 10 (instruments.py).
# A 15->8 recovered, B 12->10 unchanged, C 18->11 improved (still >= 10), D 9->16 deteriorated,
# E 14->13 unchanged.
FIVE = pairs((15, 8), (12, 10), (18, 11), (9, 16), (14, 13))


def test_mean_change_and_its_t_interval_match_hand_worked_values() -> None:
    result = stats.effect(GAD7, FIVE, dropouts=0)
    # changes -7, -2, -7, +7, -1: mean -2; squared deviations 25+0+25+81+1 = 132, var 33.
    assert result.mean_change == pytest.approx(-2.0)
    half = 2.7764451051977987 * math.sqrt(33) / math.sqrt(5)  # t(.975, 4) from tables
    assert result.mean_change_ci95 == pytest.approx((-2 - half, -2 + half))
    assert result.mean_change_ci95 == pytest.approx((-9.13272, 5.13272), abs=1e-4)
    # SciPy independently
    low, high = sps.t.interval(0.95, 4, loc=-2, scale=sps.sem([-7, -2, -7, 7, -1]))
    assert result.mean_change_ci95 == pytest.approx((low, high))


def test_standardized_mean_change_uses_hedges_j_and_beckers_variance() -> None:
    result = stats.effect(GAD7, FIVE)
    # baseline 15,12,18,9,14: mean 13.6, sum of squares 45.2, var 11.3.
    d = -2 / math.sqrt(11.3)
    j = 1 - 3 / 15  # 1 - 3/(4(n-1)-1), n = 5
    g = j * d
    assert result.smc == pytest.approx(g)
    assert result.smc == pytest.approx(-0.47597, abs=1e-5)
    # latest 8,10,11,16,13: mean 11.6, SS 37.2; cross products sum -24.8.
    r = -24.8 / math.sqrt(45.2 * 37.2)
    var = 2 * (1 - r) / 5 + g**2 / 10
    assert result.smc_ci95 == pytest.approx(
        (g - 1.959964 * math.sqrt(var), g + 1.959964 * math.sqrt(var)), abs=1e-5
    )
    assert result.smc_ci95 == pytest.approx((-2.0738, 1.1218), abs=1e-3)


def test_reliable_change_shares_follow_jacobson_truax_with_wilson_intervals() -> None:
    result = stats.effect(GAD7, FIVE)
    assert result.improved is not None and result.improved.count == 2  # A (recovered) and C
    assert result.unchanged is not None and result.unchanged.count == 2
    assert result.deteriorated is not None and result.deteriorated.count == 1
    assert result.recovered is not None and result.recovered.count == 1
    for got, k in ((result.improved, 2), (result.unchanged, 2), (result.deteriorated, 1)):
        low, high = proportion_confint(k, 5, alpha=0.05, method="wilson")
        assert got.ci95 == pytest.approx((low, high))
        assert got.fraction == pytest.approx(k / 5)


@pytest.mark.parametrize("k,n", [(0, 1), (1, 1), (0, 7), (3, 7), (7, 7), (12, 40)])
def test_wilson_matches_statsmodels(k: int, n: int) -> None:
    assert stats.wilson(k, n) == pytest.approx(
        proportion_confint(k, n, alpha=0.05, method="wilson")
    )


def test_wilson_of_nobody_is_not_estimable() -> None:
    assert stats.wilson(0, 0) is None


def test_direction_comes_from_the_instrument_higher_is_better() -> None:
    who5 = instruments.get("WHO5")
    # WHO-5 raw 0-25, higher is better: a rise of 10 raw points is an improvement.
    result = stats.effect(who5, pairs((5, 15), (6, 16), (7, 17)), minimum=1)
    assert result.improved is not None and result.improved.count == 3
    assert result.mean_change == pytest.approx(10.0)


def test_dropouts_and_the_sensitivity_line_count_them_as_unchanged() -> None:
    rows = [
        ("a", date(2026, 1, 1), 15),
        ("a", date(2026, 3, 1), 8),
        ("b", date(2026, 1, 5), 12),  # baseline only: a dropout
        ("c", date(2026, 2, 1), 18),
        ("c", date(2026, 1, 1), 20),  # earlier: the baseline although listed later
        ("c", date(2026, 4, 1), 11),
    ]
    found, dropouts = stats.first_and_latest(rows)
    assert dropouts == ["b"]
    assert {(p.client, p.first, p.latest) for p in found} == {("a", 15, 8), ("c", 20, 11)}
    result = stats.effect(GAD7, found, dropouts=len(dropouts), minimum=1)
    assert result.improved is not None and result.improved.count == 2
    assert result.sensitivity_improved is not None
    assert result.sensitivity_improved.fraction == pytest.approx(2 / 3)
    assert result.sensitivity_improved.ci95 == pytest.approx(
        proportion_confint(2, 3, method="wilson")
    )


def test_nobody_gives_no_numbers() -> None:
    result = stats.effect(GAD7, [], dropouts=0)
    assert result.n == 0 and not result.suppressed
    assert result.mean_change is None and result.smc is None and result.improved is None


def test_a_single_client_has_a_change_but_no_interval() -> None:
    result = stats.effect(GAD7, pairs((15, 8)), minimum=1)
    assert result.mean_change == -7
    assert result.mean_change_ci95 is None
    assert result.smc is None and result.smc_ci95 is None
    assert result.improved is not None and result.improved.count == 1


def test_all_equal_baselines_leave_the_standardized_change_undefined() -> None:
    result = stats.effect(GAD7, pairs((10, 4), (10, 6), (10, 8)), minimum=1)
    assert result.smc is None and result.smc_ci95 is None
    assert result.mean_change == pytest.approx(-4)


def test_all_equal_scores_give_a_zero_width_mean_interval_and_no_smc() -> None:
    result = stats.effect(GAD7, pairs((10, 10), (10, 10), (10, 10)), minimum=1)
    assert result.mean_change == 0
    assert result.mean_change_ci95 == (0.0, 0.0)
    assert result.smc is None
    assert result.unchanged is not None and result.unchanged.count == 3


def test_a_group_below_the_minimum_is_suppressed() -> None:
    result = stats.effect(GAD7, FIVE[:4])  # default minimum 5
    assert result.suppressed and result.n == 4
    assert result.mean_change is None and result.improved is None and result.smc is None


def test_trend_only_instruments_have_no_reliable_change_shares() -> None:
    suds = instruments.get("SUDS")
    result = stats.effect(suds, pairs((8, 3), (7, 2), (9, 5)), minimum=1)
    assert result.mean_change == pytest.approx(-14 / 3)
    assert result.improved is None and result.deteriorated is None


def test_hedges_j_by_hand() -> None:
    assert stats.hedges_j(5) == pytest.approx(0.8)
    assert stats.hedges_j(11) == pytest.approx(1 - 3 / 39)


def test_dose_response_bands_and_suppression() -> None:
    data = [(2, -1.0)] * 5 + [(5, -3.0), (5, -5.0), (6, -4.0), (4, -4.0), (4, -4.0)] + [(8, -6.0)]
    rows = stats.dose_response(data)
    assert [r.sessions for r in rows] == ["1–3", "4–6", "7–12", "13+"]
    assert rows[0].n == 5 and rows[0].mean_change == -1.0 and rows[0].ci95 == (-1.0, -1.0)
    assert rows[1].mean_change == pytest.approx(-4.0)
    assert rows[2].suppressed and rows[2].mean_change is None
    assert rows[3].n == 0 and not rows[3].suppressed
    assert np.isclose(
        rows[1].ci95[1] - rows[1].ci95[0], 2 * sps.t.ppf(0.975, 4) * math.sqrt(0.5) / math.sqrt(5)
    )


def test_the_mixed_model_recovers_a_known_shift_and_trend() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for client in range(12):
        own = rng.normal(0, 1.0)  # the client's random intercept
        for session in range(1, 7):
            rows.append((client, session, -2.0 + 0.25 * (session - 1) + own + rng.normal(0, 0.5)))
    result = stats.mixed_shift(rows)
    assert result.estimable and result.n_clients == 12 and result.n_obs == 72
    assert result.intercept_ci95 is not None and result.slope_ci95 is not None
    assert result.intercept_ci95[0] < -2.0 < result.intercept_ci95[1]
    assert result.slope_ci95[0] < 0.25 < result.slope_ci95[1]
    assert result.slope == pytest.approx(0.25, abs=0.08)


def test_the_mixed_model_refuses_too_few_clients_and_one_session_each() -> None:
    few = stats.mixed_shift([(c, s, 1.0) for c in range(3) for s in (1, 2)])
    assert not few.estimable and "Fewer than 5" in few.message
    single = stats.mixed_shift([(c, 1, float(c)) for c in range(6)])
    assert not single.estimable and "more than one session" in single.message


def test_a_mixed_model_that_cannot_be_fitted_says_so() -> None:
    # Every shift identical: no variance at all to share between clients and sessions.
    result = stats.mixed_shift([(c, s, 1.0) for c in range(6) for s in (1, 2, 3)])
    assert not result.estimable
    assert "did not converge" in result.message
