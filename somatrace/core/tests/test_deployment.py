"""docs/systemd/: the units docs/deployment.md gives are valid systemd units whose commands
exist (systemd-analyze verify, with the program path pointed at this installation)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
UNITS = REPO / "docs" / "systemd"
INSTALLED = "/opt/somatrace/.venv/bin/somatrace"
SOMATRACE = Path(sys.executable).with_name("somatrace")


def test_the_units_are_valid_and_their_commands_exist(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze not found: install Debian's systemd package", pytrace=False)
    units = sorted(UNITS.glob("somatrace-*"))
    assert [u.name for u in units] == [
        "somatrace-backup.service",
        "somatrace-backup.timer",
        "somatrace-web.service",
        "somatrace-worker.service",
    ]
    for unit in units:
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(SOMATRACE)))
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / u.name) for u in units)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = {
        match.group(1)
        for unit in units
        for match in re.finditer(re.escape(INSTALLED) + r" (\w[\w-]*)", unit.read_text())
    }
    assert commands == {"serve", "worker", "backup"}
    for command in sorted(commands):
        shown = subprocess.run(
            [SOMATRACE, "help", command], capture_output=True, text=True, timeout=120
        )
        assert shown.returncode == 0, shown.stderr


def test_the_deployment_guide_shows_the_units_the_test_checks() -> None:
    guide = (REPO / "docs" / "deployment.md").read_text()
    for unit in sorted(UNITS.glob("somatrace-*")):
        assert f"```ini\n{unit.read_text()}```\n" in guide, unit.name
