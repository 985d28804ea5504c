"""The WSGI entry point the app servers load (somatrace/wsgi.py)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_it_freezes_what_loading_the_app_made_so_full_collections_skip_it(tmp_path) -> None:
    # In a fresh interpreter: freezing this test process's objects would change the others.
    probe = (
        "import gc, time; import somatrace.wsgi; "
        "frozen = gc.get_freeze_count(); start = time.perf_counter(); gc.collect(); "
        "print(frozen, len(gc.get_objects()))"
    )
    env = {**os.environ, "SOMATRACE_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    frozen, tracked = map(int, done.stdout.split())
    # Django and every app's models are frozen (about 240,000 objects); what a full
    # collection still scans afterwards is a small fraction of that.
    assert frozen > 100_000
    assert tracked < frozen / 10
