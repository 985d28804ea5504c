"""The computational core imports no Django: usable from a notebook, testable on its own."""

from __future__ import annotations

import subprocess
import sys

PURE_MODULES = [
    "somatrace.bodyregions",
    "somatrace.charts",
    "somatrace.clients.screening",
    "somatrace.therapy.guard",
    "somatrace.therapy.notes",
    "somatrace.therapy.timeline_chart",
    "somatrace.therapy.vocabulary",
    "somatrace.measures.instruments",
    "somatrace.measures.scoring",
    "somatrace.measures.change",
    "somatrace.bodymaps.atlas",
    "somatrace.bodymaps.raster",
    "somatrace.bodymaps.analysis",
    "somatrace.bodymaps.render",
    "somatrace.bodymaps.embody",
    "somatrace.bodymaps.payload",
    "somatrace.bodymaps.figures",
    "somatrace.bodymaps.summaries",
    "somatrace.bodymaps.charts",
    "somatrace.physio.formats",
    "somatrace.physio.peaks",
    "somatrace.physio.artifacts",
    "somatrace.physio.hrv",
    "somatrace.physio.windows",
    "somatrace.physio.pipeline",
    "somatrace.physio.charts",
]


def test_the_pure_core_loads_without_django() -> None:
    program = (
        "import importlib, sys\n"
        f"for name in {PURE_MODULES!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    # A fresh interpreter: this test process has Django loaded already.
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
