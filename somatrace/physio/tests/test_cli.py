"""somatrace hrv analyze: the issue's JSON shape, and one clear line for a bad file."""

import json

import numpy as np
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


# --- the command as a whole process (somatrace.cli runs `hrv` without Django) ---------------


def _run(*args):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "somatrace.cli", "hrv", "analyze", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_decimal_comma_file_gives_its_heart_rate(tmp_path):
    path = tmp_path / "rr.txt"
    path.write_bytes(b"859,5\n870,25\n845\n880,5\n812,75\n")
    result = _run(path, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    # by hand: (859.5 + 870.25 + 845 + 880.5 + 812.75) / 5 = 853.6 ms -> 60000 / 853.6
    assert out["time"]["mean_hr_bpm"] == pytest.approx(70.2905, abs=1e-3)
    assert any("decimal comma" in note for note in out["notes"])


def test_a_file_over_the_size_limit_gives_one_line_and_a_failure(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: 51 MB of nothing, over the 50 MB limit
    result = _run(path, "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == ["CommandError: big.txt: the file is 51 MB, larger than the 50 MB limit"]


def test_white_noise_as_an_ecg_is_refused(tmp_path):
    noise = np.random.default_rng(7).normal(0.0, 1.0, 130 * 300)
    path = tmp_path / "noise.csv"
    path.write_text("# sampling_rate=130\necg\n" + "\n".join(f"{v:.4f}" for v in noise))
    result = _run(path, "--json")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "too poor to find heart beats" in result.stderr and "Traceback" not in result.stderr


def test_utf16_and_random_bytes_are_named(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_bytes("Dear diary\nI felt calm\n".encode("utf-16"))
    blob = tmp_path / "blob.bin"
    blob.write_bytes(np.random.default_rng(1).bytes(4000))
    assert "UTF-16" in _run(text).stderr
    assert "binary file" in _run(blob).stderr


def test_the_report_names_the_method(tmp_path):
    out = json.loads(_run(DATA / "nsrdb_rr_5min.txt", "--method", "kubios", "--json").stdout)
    assert out["method"] == "kubios" and "Kubios" in out["method_label"]
    assert "smoothness-priors" in out["frequency"]["method"]
    plain = _run(DATA / "nsrdb_rr_5min.txt", "--method", "kubios").stdout
    assert "(kubios)" in plain


def test_a_constant_series_prints_no_lf_hf(tmp_path):
    path = tmp_path / "flat.txt"
    path.write_text("800\n" * 400)
    out = json.loads(_run(path, "--json").stdout)
    assert out["frequency"]["lf_hf"] is None
    assert "LF/HF none" in _run(path).stdout


def test_a_truncated_edf_is_stated_in_the_report(tmp_path):
    from .test_formats_honest import _edf_of_208

    path = tmp_path / "night.edf"
    path.write_bytes(_edf_of_208(60)[:-1000])
    result = _run(path, "--json")
    assert result.returncode == 0 and result.stderr == ""  # no library warning
    notes = json.loads(result.stdout)["notes"]
    assert any("truncated" in n and "announces 60 data records" in n for n in notes)
    assert "note: the EDF file is truncated" in _run(path).stdout


def test_an_rr_file_is_analysed_without_loading_django_or_scipy(tmp_path):
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from somatrace import cli\n"
        f"sys.argv = ['somatrace', 'hrv', 'analyze', {str(DATA / 'nsrdb_rr_60min.txt')!r}, '--json']\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as stop:\n"
        "    code = stop.code\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'django', 'scipy'})\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.stderr.strip() == "0 []"
    assert json.loads(result.stdout)["n_beats"] > 4600
