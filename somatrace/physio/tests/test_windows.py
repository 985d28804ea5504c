"""windows.py: sliding windows, artefact-heavy windows, the shift summary and its words."""

import time

import numpy as np
import pytest

from somatrace.physio import artifacts, hrv, windows

from .helpers import synthetic_rr


def test_short_windows_equal_direct_computation():
    rr = synthetic_rr(600)
    flags = np.zeros(rr.size, dtype=bool)
    times = windows.beat_times(rr, -100.0)
    rows = windows.short_windows(rr, flags, times)
    row = next(r for r in rows if r["start_s"] == 0.0)
    inside = (times >= 0) & (times < 60)
    assert row["n_beats"] == int(inside.sum())
    assert row["rmssd_ms"] == pytest.approx(hrv.rmssd(rr[inside]), abs=0.01)
    assert row["hr_bpm"] == pytest.approx(hrv.mean_hr(rr[inside]), abs=0.01)


def test_a_window_that_is_mostly_artefact_is_not_reported_as_numbers():
    rr = np.full(300, 1000.0)
    flags = np.zeros(rr.size, dtype=bool)
    flags[60:100] = True  # beats 60-99 end at 61..100 s: window [60, 120) has 40 of 60 flagged
    rows = windows.short_windows(rr, flags, windows.beat_times(rr))
    row = next(r for r in rows if r["start_s"] == 60.0)
    assert row["hr_bpm"] is None and row["rmssd_ms"] is None
    assert row["reason"] == "not enough clean beats"
    assert row["n_corrected"] == 40  # 40 > 0.5 * 60


def test_frequency_windows_match_the_whole_series_method_on_one_window():
    rr = synthetic_rr(320)  # about 295 s at 65 bpm... extend to make one full window
    rr = np.concatenate([rr, synthetic_rr(40, seed=2)])
    times = windows.beat_times(rr)
    rows = windows.frequency_windows(rr, np.zeros(rr.size, bool), times - times[0])
    assert rows, "at least one 300 s window"
    first = rows[0]
    direct = hrv.frequency_domain(rr[: first["n_beats"] + 1])
    assert first["hf_ms2"] == pytest.approx(direct["hf_ms2"], rel=0.1)


def _settling(n_base=330, n_session=2000, n_after=330, seed=5):
    """Baseline at 72 bpm with small RSA, then a session settling to 66 bpm with RSA growing."""
    rng = np.random.default_rng(seed)
    n = n_base + n_session + n_after
    hr = np.concatenate(
        [np.full(n_base, 72.0), np.linspace(72, 66, n_session), np.full(n_after, 66.0)]
    )
    amp = np.concatenate(
        [np.full(n_base, 15.0), np.linspace(15, 35, n_session), np.full(n_after, 35.0)]
    )
    base = 60_000 / hr
    t = np.cumsum(base) / 1000
    rr = base + amp * np.sin(2 * np.pi * 0.25 * t) + rng.normal(0, 3, n)
    t0 = -float(np.sum(rr[:n_base])) / 1000
    session_s = float(np.sum(rr[n_base : n_base + n_session])) / 1000
    return rr, t0, session_s


def test_shift_summary_finds_a_settling_and_words_it_carefully():
    rr, t0, session_s = _settling()
    out = windows.analyze_windows(rr, np.zeros(rr.size, bool), t0, session_s)
    end = out["shift"]["end"]
    point, low, high = end["hr_bpm"]
    # 72 -> 66 bpm: the last 5 min average about 66.5-67 bpm, so about -5 to -6
    assert -7 < point < -4 and low < point < high < 0
    assert end["rmssd_ms"][1] > 0
    assert end["hf_ratio"][0] > 1.5
    sentence = out["shift"]["sentence"]
    assert "lower at the end of the session than before it" in sentence
    assert "does not show the session caused it" in sentence
    assert out["segments"]["baseline"]["mean_hr_bpm"] == pytest.approx(72, abs=0.5)
    assert out["segments"]["after"]["mean_hr_bpm"] == pytest.approx(66, abs=0.5)


def test_no_change_is_called_no_clear_change():
    rng = np.random.default_rng(1)
    rr = 900 + rng.normal(0, 20, 2000)
    out = windows.analyze_windows(rr, np.zeros(rr.size, bool), -400.0, 900.0)
    sentence = out["shift"]["sentence"]
    assert "about the same" in sentence
    assert "do not show a clear settling" in sentence


def test_without_a_baseline_no_shift_is_claimed():
    rr = np.full(1500, 900.0) + np.random.default_rng(2).normal(0, 10, 1500)
    out = windows.analyze_windows(rr, np.zeros(rr.size, bool), 0.0, 1000.0)
    assert out["shift"]["end"]["hr_bpm"] is None
    assert "no shift can be given" in out["shift"]["sentence"]
    assert out["segments"]["baseline"]["reason"] == "no recording"


def test_24_hours_of_beats_are_analysed_fast_and_linearly():
    rr = synthetic_rr(100_000)
    start = time.perf_counter()
    fixed = artifacts.correct(rr)
    hrv.all_metrics(fixed.rr_ms)
    windows.analyze_windows(fixed.rr_ms, fixed.flags, -300, float(rr.sum() / 1000) - 600)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0  # generous for a shared CI machine; bench/hrv.py measures < 1 s


def test_windows_over_poor_signal_show_no_numbers_and_say_why():
    rr = np.full(600, 1000.0) + 30 * np.sin(np.arange(600) * 2 * np.pi * 0.25)
    flags = np.zeros(600, dtype=bool)
    poor = np.zeros(600, dtype=bool)
    poor[120:150] = True  # 30 s of bridged beats: half of the 60 s window [120, 180)
    times = windows.beat_times(rr, 0.0)
    rows = {r["start_s"]: r for r in windows.short_windows(rr, flags, times, poor=poor)}
    assert rows[120.0]["reason"] == windows.POOR_SIGNAL and rows[120.0]["hr_bpm"] is None
    # [60, 120) ends where the poor stretch starts: reported, from its own beats
    assert rows[60.0]["hr_bpm"] == pytest.approx(60.0, abs=0.5)
    # a 300 s window with 30 s poor (10 %) is over the 5 % spectra allow
    freq = windows.frequency_windows(rr, flags, times, poor=poor)
    assert all(w["reason"] == windows.POOR_SIGNAL for w in freq if w["start_s"] < 150)


def test_a_constant_window_has_no_lf_hf():
    rr = np.full(900, 800.0)
    times = windows.beat_times(rr, 0.0)
    freq = windows.frequency_windows(rr, np.zeros(900, bool), times)
    assert freq and all(w["lf_hf"] is None for w in freq)


def test_the_kubios_method_reaches_the_windows():
    rr = np.full(900, 800.0) + 20 * np.sin(np.arange(900) * 2 * np.pi * 0.25 * 0.8)
    out = windows.analyze_windows(rr, np.zeros(900, bool), -300.0, 300.0, method="kubios")
    assert out["method"] == "kubios"
    assert any(w["hf_ms2"] for w in out["frequency"])
