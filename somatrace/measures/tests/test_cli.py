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


def test_phq9_with_two_blank_answers_is_prorated_in_the_json() -> None:
    data = json.loads(run("score", "PHQ9", "--answers", "1,,2,1,0,,1,0,1", "--json").stdout)
    # NHS Data Dictionary: answered 1+2+1+0+1+0+1 = 6 over 7; 6/7 x 9 = 7.714 -> 8, "Mild"
    assert (data["valid"], data["prorated"], data["total"], data["band"]) == (
        True,
        True,
        8,
        "Mild",
    )
    assert data["details"]["missing_items"] == [2, 6]
    assert data["details"]["unrounded_total"] == pytest.approx(54 / 7)


def test_phq9_with_three_blank_answers_is_not_scored() -> None:
    data = json.loads(run("score", "PHQ9", "--answers", ",,,1,0,0,1,0,1", "--json").stdout)
    assert (data["valid"], data["prorated"], data["total"]) == (False, False, None)
    assert data["reason"].startswith("Not answered: items 1, 2 and 3.")


@pytest.mark.parametrize(
    "answers", ["1,0,2", "1,0,2,1,0,0,1,0,9", "1,0,x,1,0,0,1,0,1", "1,0,2,1,0,0,1,0,1,1"]
)
def test_bad_answers_exit_non_zero_with_one_line(answers: str) -> None:
    result = run("score", "PHQ9", "--answers", answers, "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("٣", "uses digits other than 0-9"),  # int() would read 3
        ("２", "uses digits other than 0-9"),  # int() would read 2
        ("0_1", "contains an underscore"),  # int() would read 1
        ("+1", "has a plus or minus sign"),
        ("1.0", "is not a whole number"),
    ],
)
def test_answers_must_be_ascii_whole_numbers(answer: str, problem: str) -> None:
    result = run("score", "PHQ9", "--answers", f"1,0,{answer},1,0,0,1,0,1", "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        "CommandError: answer to item 3 must be a whole number written with the digits 0-9, "
        f"but {answer!r} {problem}"
    )


def test_an_empty_answer_list_says_what_is_needed() -> None:
    result = run("score", "PHQ9", "--answers", "", "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        "CommandError: no answers given: PHQ-9 needs 9, separated by commas"
    )


def test_change_prints_the_documented_json() -> None:
    result = run("change", "GAD-7", "--before", "15", "--after", "9", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "rc",
        "threshold",
        "reliable",
        "direction",
        "category",
        "difference",
        "reliable_change",
        "clinically_meaningful",
    }
    assert data["rc"] == pytest.approx(-6 / (5.59 / 1.96))  # -2.1038
    assert (data["reliable"], data["direction"], data["category"]) == (
        True,
        "improvement",
        "recovered",
    )
    assert data["difference"] == -6
    assert "Bischoff" in data["reliable_change"]["basis"]
    assert data["clinically_meaningful"] is None  # none defined for the GAD-7 here


def test_pcl5_change_json_keeps_reliable_and_clinically_meaningful_change_apart() -> None:
    data = json.loads(run("change", "PCL5", "--before", "40", "--after", "52", "--json").stdout)
    # +12: S_diff = 15 / 1.96 = 7.653061, RC = 12 / 7.653061 = 1.568 < 1.96: not reliable
    assert data["rc"] == pytest.approx(1.568, abs=1e-6)
    assert (data["reliable"], data["category"], data["threshold"]) == (False, "unchanged", 15)
    assert data["reliable_change"]["verified"] is False
    assert "Marx" in data["reliable_change"]["basis"]
    # ...but 12 >= the National Center for PTSD's 10 points of clinically meaningful change
    meaningful = data["clinically_meaningful"]
    assert meaningful["name"] == "clinically meaningful change"
    assert (meaningful["threshold"], meaningful["met"]) == (10, True)
    assert "National Center for PTSD" in meaningful["source"]


def test_who5_change_json_names_topps_ten_percent_as_clinically_relevant() -> None:
    data = json.loads(run("change", "WHO5", "--before", "10", "--after", "13", "--json").stdout)
    # +3 raw: S_diff = 5.9 / 1.96 = 3.010204; RC = 3 / 3.010204 = 0.996610: not reliable
    assert data["rc"] == pytest.approx(0.996610, abs=1e-6)
    assert (data["reliable"], data["category"]) == (False, "unchanged")
    meaningful = data["clinically_meaningful"]
    assert (meaningful["name"], meaningful["threshold"], meaningful["met"]) == (
        "clinically relevant change",
        2.5,
        True,
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("12.5", "is not a whole number"),
        ("1e1", "is not a whole number"),
        ("٣", "uses digits other than 0-9"),
        ("２", "uses digits other than 0-9"),
        ("1_0", "contains an underscore"),
        ("+3", "has a plus or minus sign"),
    ],
)
def test_change_refuses_totals_that_are_not_ascii_whole_numbers(value: str, problem: str) -> None:
    result = run("change", "GAD7", "--before", value, "--after", "3", "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        f"CommandError: --before must be a whole number written with the digits 0-9, but "
        f"{value!r} {problem}"
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
    # -15 / (15 / 1.96) = -1.96; reliable at 15 points (Marx 2022, unverified); 45 -> 30
    # crosses the cut-off of 33: recovered. -15 also reaches the 10-point NCPTSD figure.
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "PCL-5 45 -> 30: RC -1.96 (reliable at 15.00 points, unverified): recovered"
    assert lines[1].startswith("  Clinically meaningful change: 10 points (National Center")
    assert lines[1].endswith("this change of -15 points reaches it")
