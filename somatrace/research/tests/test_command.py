"""`somatrace research effect`: the JSON keys, values against hand-worked ones, clear errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from statsmodels.stats.proportion import proportion_confint

KEYS = {
    "instrument", "n", "mean_change", "mean_change_ci95", "smc", "smc_ci95", "improved",
    "unchanged", "deteriorated", "improved_ci95", "deteriorated_ci95", "dropouts",
}  # fmt: skip

# GAD-7 cohort of test_stats (A..E) plus F with a baseline only; rows out of date order.
CSV = """client,date,score
A,2026-03-01,8
A,2026-01-01,15
B,2026-01-02,12
B,2026-02-02,10
C,2026-01-03,18
C,2026-02-03,14
C,2026-04-03,11
D,2026-01-04,9
D,2026-03-04,16
E,2026-01-05,14
E,2026-03-05,13
F,2026-01-06,20
"""


def run(tmp_path: Path, text: str, *args: str) -> dict:
    path = tmp_path / "scores.csv"
    path.write_text(text)
    out = __import__("io").StringIO()
    call_command("research", "effect", "--input", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_exactly_the_documented_keys_with_hand_worked_values(tmp_path: Path) -> None:
    got = run(tmp_path, CSV, "--instrument", "gad-7", "--json")
    assert set(got) == KEYS
    assert got["instrument"] == "GAD7" and got["n"] == 5 and got["dropouts"] == 1
    assert got["mean_change"] == pytest.approx(-2.0)
    half = 2.7764451051977987 * math.sqrt(33 / 5)
    assert got["mean_change_ci95"] == pytest.approx([-2 - half, -2 + half])
    assert got["smc"] == pytest.approx(0.8 * -2 / math.sqrt(11.3))
    assert got["improved"] == pytest.approx(0.4)
    assert got["unchanged"] == pytest.approx(0.4)
    assert got["deteriorated"] == pytest.approx(0.2)
    assert got["improved_ci95"] == pytest.approx(list(proportion_confint(2, 5, method="wilson")))
    assert got["deteriorated_ci95"] == pytest.approx(
        list(proportion_confint(1, 5, method="wilson"))
    )


def test_a_single_client_gives_nulls_for_what_is_not_estimable(tmp_path: Path) -> None:
    got = run(tmp_path, "client,date,score\nA,2026-01-01,15\nA,2026-02-01,8\n",
              "--instrument", "GAD7", "--json")  # fmt: skip
    assert got["n"] == 1 and got["mean_change"] == -7
    assert got["mean_change_ci95"] is None and got["smc"] is None and got["smc_ci95"] is None


def test_a_group_below_the_minimum_is_suppressed(tmp_path: Path) -> None:
    got = run(tmp_path, CSV, "--instrument", "GAD7", "--json", "--minimum", "6")
    assert got["n"] == 5 and got["mean_change"] is None and got["improved"] is None


def test_the_plain_text_says_not_estimable_and_carries_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("client,date,score\nA,2026-01-01,15\nA,2026-02-01,8\n")
    out = __import__("io").StringIO()
    call_command("research", "effect", "--input", str(path), "--instrument", "GAD7", stdout=out)
    text = out.getvalue()
    assert "not estimable" in text and "regression to the mean" in text
    assert "SER works" not in text


@pytest.mark.parametrize(
    "text,instrument,message",
    [
        (CSV, "BDI", "unknown instrument"),
        ("name,when,value\nA,2026-01-01,3\n", "GAD7", "missing: client, date, score"),
        ("client,date,score\nA,01/02/2026,3\n", "GAD7", "Row 2: the date is not YYYY-MM-DD"),
        ("client,date,score\nA,2026-01-01,lots\n", "GAD7", "Row 2: the score is not a number"),
        ("client,date,score\n", "GAD7", "no scores"),
        ("client,date,score\nA,2026-01-01,3.5\nA,2026-02-01,2\n", "GAD7", "whole-number"),
    ],
)
def test_bad_input_gets_a_clear_message(
    tmp_path: Path, text: str, instrument: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(tmp_path, text, "--instrument", instrument, "--json")


def test_a_missing_file_is_a_message_and_a_nonzero_exit_without_a_traceback(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "somatrace.cli", "research", "effect", "--input",
         str(tmp_path / "nope.csv"), "--instrument", "GAD7", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "No such file" in done.stderr
    assert "Traceback" not in done.stderr
