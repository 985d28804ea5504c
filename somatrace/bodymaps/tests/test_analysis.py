"""Statistics checked by hand and against SciPy called independently."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from somatrace.bodymaps import analysis


def test_coverage_mean_and_total_of_a_known_map() -> None:
    mask = np.zeros((4, 5), bool)
    mask[:, :4] = True  # 16 body pixels
    layer = np.zeros((4, 5), np.float32)
    layer[0, :4] = 1.0  # 4 pixels at 1
    layer[1, :2] = 0.5  # 2 pixels at 0.5
    layer[:, 4] = 1.0  # outside the mask: ignored
    assert analysis.coverage(layer, mask) == pytest.approx(6 / 16)
    assert analysis.total_intensity(layer, mask) == pytest.approx(4 + 1)  # 4*1 + 2*0.5
    assert analysis.mean_intensity(layer, mask) == pytest.approx(5 / 16)


def test_difference_of_two_maps_with_a_known_difference() -> None:
    before = np.zeros((3, 3), np.float32)
    after = np.zeros((3, 3), np.float32)
    before[0, 0] = 0.8  # tension at the top-left before
    after[0, 0] = 0.2
    after[2, 2] = 0.6  # new warmth at the bottom right after
    diff = analysis.difference_map(before, after)
    assert diff[0, 0] == pytest.approx(-0.6)
    assert diff[2, 2] == pytest.approx(0.6)
    assert np.count_nonzero(diff) == 2
    # Jaccard of painted areas: A = {(0,0)}, B = {(0,0),(2,2)} -> 1 / 2
    assert analysis.jaccard(before > 0.05, after > 0.05) == pytest.approx(0.5)


def test_signed_map_is_stronger_minus_weaker() -> None:
    s = np.array([[1.0, 0.0, 0.5]])
    w = np.array([[0.0, 1.0, 0.5]])
    assert analysis.signed_map(s, w).tolist() == [[1.0, -1.0, 0.0]]


def test_region_table_by_label_image() -> None:
    labels = np.array([[1, 1, 2, 2], [1, 1, 2, 0]])
    layer = np.array([[1.0, 0.0, 0.5, 0.5], [0.0, 0.0, 0.5, 1.0]])
    mean, cov = analysis.region_table(layer, labels, 3)
    # region 1: values 1, 0, 0, 0 -> mean 0.25, painted 1 of 4; region 2: 0.5 x 3 -> 0.5, 3/3
    assert mean.tolist() == pytest.approx([0.25, 0.5, 0.0])
    assert cov.tolist() == pytest.approx([0.25, 1.0, 0.0])


def test_frequency_map_counts_the_share_of_maps_painted() -> None:
    layers = np.zeros((4, 1, 2))
    layers[:3, 0, 0] = 1.0  # painted in 3 of 4 maps
    assert analysis.frequency_map(layers).tolist() == [[0.75, 0.0]]


def test_benjamini_hochberg_by_hand_and_against_scipy() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.20])
    # sorted 0.01, 0.03, 0.04, 0.20 -> p*m/rank = 0.04, 0.06, 0.0533, 0.20
    # step-up minimum from the top: 0.04, 0.0533, 0.0533, 0.20
    significant, adjusted = analysis.benjamini_hochberg(p, q=0.05)
    assert adjusted.tolist() == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert significant.tolist() == [True, False, False, False]
    assert np.allclose(adjusted, stats.false_discovery_control(p, method="bh"))
    rng = np.random.default_rng(3)
    many = np.concatenate([rng.uniform(0, 1, 500), rng.uniform(0, 0.001, 50)])
    _, adjusted = analysis.benjamini_hochberg(many)
    assert np.allclose(adjusted, stats.false_discovery_control(many, method="bh"))


@pytest.mark.filterwarnings("ignore:Precision loss")
def test_one_sample_t_on_a_tiny_group_matches_scipy() -> None:
    # 5 people, a 2 x 3 map; column 0 strongly positive, others noise; last pixel masked out.
    stack = np.array(
        [
            [[0.9, 0.1, -0.2], [0.8, 0.0, 0.3]],
            [[0.8, -0.1, 0.1], [0.9, 0.2, 0.3]],
            [[1.0, 0.0, 0.0], [0.7, -0.2, 0.3]],
            [[0.9, 0.2, -0.1], [0.8, 0.1, 0.3]],
            [[0.7, -0.3, 0.2], [0.9, 0.0, 0.3]],
        ]
    )
    mask = np.ones((2, 3), bool)
    mask[1, 2] = False
    result = analysis.one_sample_t(stack, mask)
    expected = stats.ttest_1samp(stack, 0.0, axis=0)
    assert np.allclose(result.t[mask], expected.statistic[mask])
    assert np.allclose(result.p[mask], expected.pvalue[mask])
    assert np.isnan(result.t[1, 2])
    # By hand for pixel (0,0): values 0.9 0.8 1.0 0.9 0.7, mean 0.86, sd 0.11402,
    # t = 0.86 / (0.11402 / sqrt 5) = 16.87
    assert result.t[0, 0] == pytest.approx(16.87, abs=0.01)
    bh = stats.false_discovery_control(expected.pvalue[mask], method="bh") <= 0.05
    assert result.significant[mask].tolist() == bh.tolist()
    assert result.significant[0, 0] and result.significant[1, 0]


def test_paired_t_is_a_one_sample_test_of_differences() -> None:
    rng = np.random.default_rng(5)
    before = rng.normal(0.5, 0.1, (8, 2, 2))
    after = before + rng.normal(-0.2, 0.05, (8, 2, 2))
    mask = np.ones((2, 2), bool)
    result = analysis.paired_t(before, after, mask)
    expected = stats.ttest_rel(after, before, axis=0)
    assert np.allclose(result.t, expected.statistic)
    assert np.allclose(result.p, expected.pvalue)


def test_a_t_test_needs_two_maps() -> None:
    with pytest.raises(ValueError):
        analysis.one_sample_t(np.zeros((1, 2, 2)), np.ones((2, 2), bool))


@pytest.mark.filterwarnings("ignore:Precision loss")
def test_streaming_moments_give_the_same_test_as_scipy() -> None:
    rng = np.random.default_rng(11)
    stack = rng.normal(0.1, 0.3, (40, 6, 5))
    stack[:, 0, 0] = 0.0  # never painted: not tested (NaN), as emBODY's 0/0
    stack[:, 0, 1] = 0.5  # everyone the same non-zero value: t = +Inf, p = 0, significant
    mask = np.ones((6, 5), bool)
    moments = analysis.Moments((6, 5))
    for m in stack:
        moments.add(m)
    result = moments.t_test(mask)
    expected = stats.ttest_1samp(stack, 0.0, axis=0)
    ok = mask.copy()
    ok[0, :2] = False
    assert np.allclose(result.t[ok], expected.statistic[ok])
    assert np.allclose(result.p[ok], expected.pvalue[ok])
    assert np.isnan(result.t[0, 0]) and np.isnan(result.p[0, 0]) and not result.significant[0, 0]
    assert result.t[0, 1] == np.inf and result.p[0, 1] == 0 and result.significant[0, 1]
    direct = analysis.one_sample_t(stack, mask)
    assert (direct.significant == result.significant).all()


@pytest.mark.filterwarnings("ignore:Precision loss")
def test_integer_moments_match_float_moments_and_scipy() -> None:
    rng = np.random.default_rng(12)
    levels = rng.integers(-255, 256, (30, 4, 4)).astype(np.int16)
    levels[:, 0, 0] = 0
    levels[:, 0, 1] = -17  # constant non-zero: exactly zero variance, t = -Inf
    mask = np.ones((4, 4), bool)
    exact = analysis.Moments((4, 4), integer=True, scale=255)
    for m in levels:
        exact.add(m)
    result = exact.t_test(mask)
    expected = stats.ttest_1samp(levels / 255, 0.0, axis=0)
    ok = mask.copy()
    ok[0, :2] = False
    assert np.allclose(result.t[ok], expected.statistic[ok])
    assert np.allclose(result.mean[ok], (levels / 255).mean(axis=0)[ok])
    assert np.isnan(result.p[0, 0]) and result.p[0, 1] == 0 and result.t[0, 1] == -np.inf


# --- emBODY's conventions and its pooled one-sided method ----------------------------------


@pytest.mark.filterwarnings("ignore:Precision loss")
def test_the_bh_family_leaves_out_pixels_nobody_painted() -> None:
    rng = np.random.default_rng(21)
    stack = np.zeros((6, 30, 40))
    stack[:, :5, :] = rng.normal(0.5, 0.3, (6, 5, 40))  # 200 painted pixels with spread
    mask = np.ones((30, 40), bool)
    result = analysis.one_sample_t(stack, mask)
    painted = np.zeros((30, 40), bool)
    painted[:5] = True
    assert np.isnan(result.p[~painted]).all() and not result.significant[~painted].any()
    # SciPy on the painted pixels only: the family emBODY uses.
    values = stack[:, painted]
    expected_p = stats.ttest_1samp(values, 0.0, axis=0).pvalue
    assert np.allclose(result.p[painted], expected_p)
    expected = stats.false_discovery_control(expected_p, method="bh") <= 0.05
    assert result.significant[painted].tolist() == expected.tolist()
    assert expected.any()


def test_a_unanimous_pixel_is_significant_as_emBODY_treats_it() -> None:
    # Three people; at pixel (0, 0) all painted 0.8 (zero variance); elsewhere noise.
    stack = np.array([[[0.8, 0.1, -0.2]], [[0.8, -0.3, 0.2]], [[0.8, 0.2, 0.0]]])
    mask = np.ones((1, 3), bool)
    two = analysis.one_sample_t(stack, mask)
    assert two.t[0, 0] == np.inf and two.p[0, 0] == 0 and two.significant[0, 0]
    # The other two pixels are the whole family (m = 2): SciPy and BH on them alone.
    p = stats.ttest_1samp(stack[:, 0, 1:], 0.0, axis=0).pvalue
    assert (
        two.significant[0, 1:].tolist()
        == (stats.false_discovery_control(p, method="bh") <= 0.05).tolist()
    )
    # emBODY's method: t = +Inf passes its t threshold; -Inf (all painted "weaker" alike)
    # is significant deactivation.
    down = -stack
    (up_result, down_result) = analysis.pooled_one_sided(
        [analysis.pixel_stats(stack, mask), analysis.pixel_stats(down, mask)]
    )
    assert up_result.significant[0, 0] and up_result.p[0, 0] == 0
    assert down_result.significant[0, 0] and down_result.t[0, 0] == -np.inf


@pytest.mark.filterwarnings("ignore:Precision loss")
def test_few_participants_no_longer_lose_every_significant_pixel() -> None:
    # Four people, a painted patch of 12 pixels with a clear effect (t around 10, df 3, p
    # around .002) on a body of 6000 pixels nobody painted.
    rng = np.random.default_rng(4)
    stack = np.zeros((4, 60, 100))
    stack[:, 0, :12] = 0.5 + rng.normal(0, 0.08, (4, 12))
    mask = np.ones((60, 100), bool)
    p = stats.ttest_1samp(stack[:, 0, :12], 0.0, axis=0).pvalue
    # The old family (never-painted pixels entered with p = 1, m = 6000) lost them all:
    padded = np.concatenate([p, np.ones(6000 - 12)])
    assert not (stats.false_discovery_control(padded, method="bh")[:12] <= 0.05).any()
    # emBODY's family (m = 12) keeps them, and so do both our methods.
    assert (stats.false_discovery_control(p, method="bh") <= 0.05).all()
    result = analysis.one_sample_t(stack, mask)
    assert result.significant[0, :12].all() and result.significant.sum() == 12
    (pooled,) = analysis.pooled_one_sided([analysis.pixel_stats(stack, mask)])
    assert pooled.significant[0, :12].all() and pooled.significant.sum() == 12


@pytest.mark.filterwarnings("ignore:Precision loss")
def test_the_pooled_one_sided_method_is_scipy_one_sided_tests_and_one_bh() -> None:
    # Three maps ("stimuli") of 8 people on 5 x 6 pixels: activation, deactivation, noise.
    rng = np.random.default_rng(7)
    mask = np.ones((5, 6), bool)
    mask[4, 5] = False
    maps = [
        rng.normal(0.25, 0.3, (8, 5, 6)),
        rng.normal(-0.25, 0.3, (8, 5, 6)),
        rng.normal(0.0, 0.3, (8, 5, 6)),
    ]
    results = analysis.group_tests([analysis.pixel_stats(m, mask) for m in maps], "embody")
    greater = [stats.ttest_1samp(m[:, mask], 0.0, axis=0, alternative="greater") for m in maps]
    less = [stats.ttest_1samp(m[:, mask], 0.0, axis=0, alternative="less") for m in maps]
    pooled = np.concatenate([g.pvalue for g in greater])
    adjusted = stats.false_discovery_control(pooled, method="bh")
    discoveries = adjusted <= 0.05
    critical = pooled[discoveries].max()
    assert results[0].threshold_p == pytest.approx(critical)
    k = mask.sum()
    for i, (result, g, lo) in enumerate(zip(results, greater, less, strict=True)):
        assert np.allclose(result.p[mask], g.pvalue)
        assert np.allclose(result.t[mask], g.statistic)
        up = discoveries[i * k : (i + 1) * k]
        # Above 0: exactly SciPy's one-sided tests with one BH over all maps.
        assert (result.significant[mask] & (result.t[mask] > 0)).tolist() == up.tolist()
        # Below 0: emBODY's mirrored threshold, lower-tail p <= the pooled critical p.
        below = result.significant[mask] & (result.t[mask] < 0)
        assert below.tolist() == (lo.pvalue <= critical).tolist()
    assert results[0].significant.any() and results[1].significant.any()
    # Pooling differs from correcting each map alone: the per-map family of the noise map.
    alone = stats.false_discovery_control(greater[2].pvalue, method="bh") <= 0.05
    assert results[2].method == "embody" and alone.sum() <= discoveries[2 * k :].sum() + k


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        analysis.group_tests([], "bonferroni")
