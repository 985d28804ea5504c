"""quality.py and the pipeline's use of it: noise is refused or flagged, never analysed."""

import neurokit2 as nk
import numpy as np
import pytest

from somatrace.physio import formats, peaks, pipeline, quality

from .helpers import DATA


def _ecg(seconds=180, fs=130, hr=70, seed=2):
    return nk.ecg_simulate(duration=seconds, sampling_rate=fs, heart_rate=hr, random_state=seed)


def _recording(ecg, fs=130.0):
    return formats.Recording("ecg", "ecg-csv", ecg=np.asarray(ecg, float), sampling_rate_hz=fs)


def _assess(ecg, fs):
    a = peaks.detect_r_peaks(ecg, fs)
    b = peaks.detect_r_peaks_energy(ecg, fs)
    return quality.assess(a, b, len(ecg), fs)


def test_matching_by_hand():
    # 1.05 is 0.05 from 1.0 (a match); 2.5 is 0.5 from 2.0 (none); 3.09 is 0.09 from 3.0.
    hit = quality.matched(np.array([1.0, 2.0, 3.0]), np.array([1.05, 2.5, 3.09]), 0.1)
    assert hit.tolist() == [True, False, True]
    # one partner for two candidates: the closer one gets it
    assert quality.matched(np.array([1.0, 1.08]), np.array([1.07]), 0.1).tolist() == [
        False,
        True,
    ]


def test_bsqi_is_twice_the_matches_over_all_beats():
    fs = 100.0
    a = np.arange(10) * 100 + 50  # ten beats in the first 10 s window, 1 s apart
    b = a.copy()
    b[[3, 7]] += 40  # two of them 0.4 s away: not matched
    q = quality.assess(a, b, 1000, fs)
    # 8 matched of 10 + 10 detections: 2 * 8 / 20 = 0.8, below 0.9
    assert q.sqi.tolist() == [pytest.approx(0.8)]
    assert q.good.tolist() == [False]


def test_white_noise_of_a_fixed_seed_is_refused_as_an_ecg():
    noise = np.random.default_rng(7).normal(0.0, 1.0, 130 * 300)
    q = _assess(noise, 130.0)
    assert q.poor_fraction > quality.MAX_POOR_RECORDING
    with pytest.raises(pipeline.PoorSignalError, match="too poor") as error:
        pipeline.summary(_recording(noise))
    assert "no numbers are given" in str(error.value)


@pytest.mark.parametrize("fs", [130, 250, 500])
def test_a_clean_simulated_ecg_is_good_in_every_window(fs):
    ecg = _ecg(120, fs)
    assert _assess(ecg, float(fs)).good.all()


def test_the_real_recordings_are_good():
    ecg = np.loadtxt(DATA / "mitbih208_ecg_360hz_5min.csv", skiprows=1)
    assert _assess(ecg, 360.0).good.all()


def test_a_noisy_stretch_is_flagged_bridged_and_left_out():
    fs = 130
    ecg = _ecg(180, fs, hr=70)
    ecg[30 * fs : 60 * fs] = np.random.default_rng(3).normal(0.0, 1.0, 30 * fs)
    q = _assess(ecg, float(fs))
    # the 10 s windows that hold the noise, and only those, are poor
    assert np.flatnonzero(~q.good).tolist() == [3, 4, 5]
    out = pipeline.summary(_recording(ecg))
    assert out["quality"]["poor_spans_s"] == [[30.0, 60.0]]
    assert any("poor ECG signal" in note for note in out["notes"])
    # 30 of 180 s (17 %) is poor: within the 20 % the time domain allows, not within the
    # 5 % a spectrum allows (Vest et al. 2018)
    assert out["time"]["mean_hr_bpm"] == pytest.approx(70, abs=1.5)
    assert out["frequency"]["hf_ms2"] is None and "poor ECG signal" in out["frequency"]["reason"]


def test_a_recording_mostly_poor_but_not_all_is_refused_whole():
    fs = 130
    ecg = _ecg(120, fs)
    ecg[: 80 * fs] = np.random.default_rng(4).normal(0.0, 1.0, 80 * fs)
    with pytest.raises(pipeline.PoorSignalError):
        pipeline.summary(_recording(ecg))


def test_an_rr_file_has_no_quality_check():
    rec = formats.read_recording(b"800\n810\n790\n805\n", "rr.txt")
    assert pipeline.summary(rec)["quality"] is None
