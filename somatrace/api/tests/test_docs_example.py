"""The worked example in docs/api.md runs as printed, against a live server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from somatrace.api.testing import make_token
from somatrace.physio.models import Recording
from somatrace.physio.testing import rr_file, settling_rr

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def example_script() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    return blocks[0]


@pytest.mark.django_db(transaction=True)
def test_the_upload_example_prints_the_recordings_hrv(
    live_server, practitioner, client_record, tmp_path
) -> None:
    script = tmp_path / "upload_hrv.py"
    script.write_text(example_script(), encoding="utf-8")
    data = tmp_path / "rr.txt"
    data.write_bytes(rr_file(np.round(settling_rr(60.0, 240.0, 60.0, artefacts=0))))
    token = make_token(practitioner, ["recordings:read", "recordings:write"])
    env = {**os.environ, "SOMATRACE_URL": live_server.url, "SOMATRACE_TOKEN": token}
    done = subprocess.run(
        [sys.executable, str(script), str(client_record.pk), str(data)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    recording = Recording.objects.get()
    time_domain = recording.results["time"]
    assert done.stdout.splitlines() == [
        f"recording {recording.pk}: {recording.results['n_beats']} beats",
        f"mean heart rate {time_domain['mean_hr_bpm']:.1f} bpm",
        f"RMSSD {time_domain['rmssd_ms']:.1f} ms, SDNN {time_domain['sdnn_ms']:.1f} ms",
    ]
