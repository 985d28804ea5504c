"""`somatrace measures score|change`, run as a real subprocess: the output a script reads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "somatrace.cli", "measures", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_score_prints_the_documented_json() -> None:
    result = run("score", "PHQ9", "--answers", "1,0,2,1,0,0,1,0,1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # 1+0+2+1+0+0+1+0+1 = 6 -> Mild; item 9 = 1 > 0 -> alert
    assert {
        k: data[k] for k in ("instrument", "total", "band", "subscales", "valid", "reason")
    } == {
        "instrument": "PHQ9",
        "total": 6,
        "band": "Mild",
        "subscales": {},
        "valid": True,
        "reason": "",
    }
    assert [a["kind"] for a in data["alerts"]] == ["phq9.item9"]


def test_score_maia2_has_no_total_and_eight_subscale_means() -> None:
    result = run("score", "maia-2", "--answers", ",".join(["5"] * 37), "--json")
    data = json.loads(result.stdout)
    assert data["total"] is None
    assert len(data["subscales"]) == 8
    assert data["subscales"]["not_worrying"] == 2.0  # (0+0+5+5+0)/5


def test_score_with_a_missing_answer_is_valid_json_with_a_reason() -> None:
    data = json.loads(run("score", "gad7", "--answers", "1,1,,1,1,1,1", "--json").stdout)
    assert data["valid"] is False and data["total"] is None and "item 3" in data["reason"]


@pytest.mark.parametrize(
    "answers", ["1,0,2", "1,0,2,1,0,0,1,0,9", "1,0,x,1,0,0,1,0,1", "1,0,2,1,0,0,1,0,1,1"]
)
def test_bad_answers_exit_non_zero_with_one_line(answers: str) -> None:
    result = run("score", "PHQ9", "--answers", answers, "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_change_prints_the_documented_json() -> None:
    result = run("change", "GAD-7", "--before", "15", "--after", "9", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"rc", "threshold", "reliable", "direction", "category"}
    assert data["rc"] == pytest.approx(-6 / (5.59 / 1.96))  # -2.1038
    assert (data["reliable"], data["direction"], data["category"]) == (
        True,
        "improvement",
        "recovered",
    )


def test_change_refuses_trend_only_and_unknown_instruments() -> None:
    for args in (
        ("change", "SUDS", "--before", "3", "--after", "5"),
        ("change", "TAS20", "--before", "1", "--after", "2"),
        ("change", "PHQ9", "--before", "30", "--after", "2"),
    ):
        result = run(*args)
        assert result.returncode != 0
        assert len(result.stderr.strip().splitlines()) == 1


def test_without_json_the_output_is_readable() -> None:
    result = run("score", "pss10", "--answers", "2,2,2,4,4,2,4,4,2,2")
    # forward items 6 x 2 = 12, reversed items answered 4 -> 0: total 12, Low
    assert result.returncode == 0 and result.stdout.strip() == "PSS-10: total 12 (Low)"
    result = run("change", "PCL5", "--before", "45", "--after", "30")
    assert "RC -2.94" in result.stdout and "recovered" in result.stdout
