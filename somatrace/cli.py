"""The `somatrace` command: Django's management commands under the project's own name.

somatrace demo | serve | migrate | createpractice | worker | backup PATH | restore PATH
somatrace check --deploy | seed --scale N | reset-2fa EMAIL | help
somatrace hrv analyze FILE [--json]  (runs without Django: physio/report.py)
"""

from __future__ import annotations

import os
import sys
import tempfile

# `somatrace hrv ...` reads a file and prints numbers: it runs without Django, so it starts
# in a fraction of a second (the report module loads NumPy, and SciPy only for an ECG).
from somatrace.physio import report


def main() -> None:
    if sys.argv[1:2] == ["hrv"]:
        sys.exit(report.main(sys.argv[2:]))
    if sys.argv[1:2] in (["serve"], ["demo"]) and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Before prometheus_client is first imported: the server's gunicorn workers share
        # their metrics through files there (core/metrics.py), owner-only.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="somatrace-metrics-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somatrace.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["somatrace", *sys.argv[1:]])


if __name__ == "__main__":
    main()
