"""The computational core imports no Django: usable from a notebook, testable on its own.

The core is found by walking the package (test_structure.modules): every module whose name
is not a Django role (test_structure.DJANGO_ROLES) belongs to it, so a new module joins the
check the moment it exists.
"""

from __future__ import annotations

import subprocess
import sys

from somatrace.tests.test_structure import is_pure, modules

# Modules that must be in the core whatever else moves: if one of them turned into a
# Django module, the walk would quietly stop checking it.
ANCHORS = {
    "somatrace.therapy.guard",
    "somatrace.measures.scoring",
    "somatrace.bodymaps.raster",
    "somatrace.physio.hrv",
    "somatrace.clients.touch",
}


def pure_modules() -> list[str]:
    return [name for name, _, _ in modules() if is_pure(name) and name != "somatrace"]


def test_the_walk_finds_the_core() -> None:
    found = set(pure_modules())
    assert found >= ANCHORS
    assert len(found) >= 25


def test_the_pure_core_loads_without_django() -> None:
    program = (
        "import importlib, sys\n"
        f"for name in {pure_modules()!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    # A fresh interpreter: this test process has Django loaded already.
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
