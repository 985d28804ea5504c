"""somatrace hrv analyze: the issue's JSON shape, and one clear line for a bad file."""

import json

import pytest
from django.core.management import CommandError, call_command

from .helpers import DATA


def test_analyze_prints_the_json_shape_of_the_issue(capsys):
    call_command("hrv", "analyze", str(DATA / "nsrdb_rr_5min.txt"), "--json")
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "format",
        "format_label",
        "method",
        "method_label",
        "duration_s",
        "n_beats",
        "artifacts",
        "quality",
        "notes",
        "time",
        "frequency",
        "nonlinear",
    }
    assert out["method"] == "welch-300" and out["quality"] is None  # an RR file: no signal
    assert set(out["artifacts"]) == {
        "ectopic",
        "missed",
        "extra",
        "longshort",
        "corrected_fraction",
    }
    assert set(out["time"]) == {"mean_rr_ms", "mean_hr_bpm", "sdnn_ms", "rmssd_ms", "pnn50_pct"}
    assert set(out["frequency"]) == {"lf_ms2", "hf_ms2", "lf_hf", "method"}
    assert set(out["nonlinear"]) == {"sd1_ms", "sd2_ms", "dfa_alpha1"}
    assert out["format"] == "plain-rr"


def test_no_correct_keeps_the_recorded_beats(capsys):
    call_command("hrv", "analyze", str(DATA / "nsrdb_rr_60min.txt"), "--no-correct", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["n_beats"] == 4684
    assert out["time"]["sdnn_ms"] == pytest.approx(85.357, abs=0.01)  # the README's 85.4
    assert out["artifacts"]["corrected_fraction"] == 0


def test_ecg_with_a_sampling_rate(capsys):
    call_command(
        "hrv",
        "analyze",
        str(DATA / "mitbih208_ecg_360hz_5min.csv"),
        "--sampling-rate",
        "360",
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["format"] == "ecg-csv"
    # 502 R peaks by the detector consensus (test_peaks), a few more after the correction
    # splits pauses it reads as missed beats (as it does to the consensus beats: 508)
    assert 495 <= out["n_beats"] <= 520


def test_a_bad_file_fails_with_the_line_and_problem(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("800\n810\nabc\n")
    with pytest.raises(CommandError, match=r"bad.txt: line 3: 'abc' is not a number"):
        call_command("hrv", "analyze", str(bad), "--json")


def test_the_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.txt"
    bad.write_text("800\n810\nabc\n")
    result = subprocess.run(
        [sys.executable, "-m", "somatrace.cli", "hrv", "analyze", str(bad), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].endswith("line 3: 'abc' is not a number")


def test_plain_output_is_one_readable_line(capsys):
    call_command("hrv", "analyze", str(DATA / "bitalino_ecg_1000hz.txt"))
    out = capsys.readouterr().out.strip()
    assert out.startswith("opensignals: 28 beats") and "no HF/LF (shorter than 60 s)" in out
