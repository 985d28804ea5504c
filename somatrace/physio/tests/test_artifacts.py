"""artifacts.py: Lipponen & Tarvainen (2019) on injected artefacts and against NeuroKit2."""

import warnings

import neurokit2 as nk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from somatrace.physio import artifacts, hrv

from .helpers import inject, synthetic_rr


def _matched(found_sites, injected, tol=2):
    """Injected sites with a flag within tol beats, and flags far from any injected site."""
    injected_pos = np.array([p for p, _ in injected])
    hits = {p for p, _ in injected if any(abs(f - p) <= tol for f in found_sites)}
    false = [f for f in found_sites if np.min(np.abs(injected_pos - f)) > tol]
    return hits, false


def _flagged_sites(correction):
    return sorted({i for kind in artifacts.KINDS for i in correction.indices[kind]})


@pytest.fixture(scope="module")
def series():
    clean = synthetic_rr(6000)
    dirty, sites = inject(clean)
    return clean, dirty, sites


def test_finds_at_least_95_percent_of_injected_artefacts_with_95_percent_precision(series):
    _, dirty, sites = series
    fixed = artifacts.correct(dirty)
    found = _flagged_sites(fixed)
    hits, false = _matched(found, sites)
    assert len(sites) >= 45
    assert len(hits) / len(sites) >= 0.95
    # precision over detected events: a flag near an injected site counts as right
    right = len(found) - len(false)
    assert right / len(found) >= 0.95


def test_classifies_missed_and_extra_beats_by_kind(series):
    _, dirty, sites = series
    fixed = artifacts.correct(dirty)
    for position, kind in sites:
        if kind in ("missed", "extra"):
            assert any(abs(i - position) <= 1 for i in fixed.indices[kind]), (position, kind)


def test_rmssd_after_correction_is_within_5_percent_of_the_clean_series(series):
    clean, dirty, _ = series
    fixed = artifacts.correct(dirty)
    assert hrv.rmssd(dirty) > 1.5 * hrv.rmssd(clean)  # the artefacts matter
    assert hrv.rmssd(fixed.rr_ms) == pytest.approx(hrv.rmssd(clean), rel=0.05)
    # missed and extra beats are undone: the beat count is the clean one
    assert fixed.rr_ms.size == clean.size


def test_counts_equal_neurokit2_kubios_single_pass_on_the_same_series(series):
    _, dirty, _ = series
    peaks = np.concatenate(([0], np.cumsum(dirty))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        info, _ = nk.signal_fixpeaks(peaks, sampling_rate=1000, iterative=False, method="Kubios")
    ours = artifacts.detect(peaks.astype(float))
    for kind in artifacts.KINDS:
        assert ours[kind] == list(info[kind]), kind


def test_repair_at_least_as_accurate_as_neurokit2_kubios(series):
    clean, dirty, _ = series
    peaks = np.concatenate(([0], np.cumsum(dirty))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, nk_peaks = nk.signal_fixpeaks(peaks, sampling_rate=1000, iterative=True, method="Kubios")
    nk_rmssd = hrv.rmssd(np.diff(nk_peaks).astype(float))
    ours = hrv.rmssd(artifacts.correct(dirty).rr_ms)
    truth = hrv.rmssd(clean)
    assert abs(ours - truth) <= abs(nk_rmssd - truth) + 0.5  # 0.5 ms: NeuroKit2 rounds to samples


def test_flags_mark_the_corrected_intervals(series):
    _, dirty, _ = series
    fixed = artifacts.correct(dirty)
    assert fixed.flags.shape == fixed.rr_ms.shape
    assert 0 < fixed.n_corrected < 0.1 * fixed.rr_ms.size
    assert fixed.corrected_fraction == pytest.approx(fixed.n_corrected / fixed.rr_ms.size)


def test_a_clean_regular_series_is_left_alone():
    rr = np.full(500, 800.0)
    fixed = artifacts.correct(rr)
    assert fixed.n_corrected == 0
    np.testing.assert_allclose(fixed.rr_ms, rr)


def test_rolling_quantiles_equal_pandas_centred_rolling():
    import pandas as pd

    x = np.random.default_rng(2).normal(size=400)
    ours = artifacts.rolling_quantiles(x, 91, (0.25, 0.75))
    s = pd.Series(x).rolling(91, center=True, min_periods=1)
    np.testing.assert_allclose(ours[0], s.quantile(0.25).to_numpy())
    np.testing.assert_allclose(ours[1], s.quantile(0.75).to_numpy())


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(0, 400), elements=st.floats(200, 3000)))
def test_any_positive_series_is_corrected_without_error_and_keeps_its_length_in_time(rr):
    fixed = artifacts.correct(rr)
    assert fixed.flags.shape == fixed.rr_ms.shape
    assert np.all(np.isfinite(fixed.rr_ms))
    if rr.size:
        # corrections move beats, never the first or the last: total time is kept
        assert fixed.rr_ms.sum() == pytest.approx(rr.sum(), rel=1e-9)
