"""Test builders for the physio app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from somatrace.physio import services
from somatrace.physio.models import Recording

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()


def settling_rr(
    baseline_s: float = 300.0,
    session_s: float = 1800.0,
    after_s: float = 300.0,
    *,
    seed: int = 1,
    hr_start: float = 72.0,
    hr_end: float = 67.0,
    artefacts: int = 3,
) -> np.ndarray:
    """Plausible RR (ms): RSA at 0.25 Hz growing through the session, heart rate settling
    from hr_start to hr_end, a few injected artefacts (missed beats). Deterministic."""
    rng = np.random.default_rng(seed)
    total = baseline_s + session_s + after_s
    rr: list[float] = []
    t = 0.0
    while t < total:
        if t < baseline_s:
            frac = 0.0
        elif t < baseline_s + session_s:
            frac = (t - baseline_s) / session_s
        else:
            frac = 1.0
        hr = hr_start + (hr_end - hr_start) * frac
        amp = 12.0 + 20.0 * frac
        value = 60_000.0 / hr + amp * np.sin(2 * np.pi * 0.25 * t) + rng.normal(0, 4)
        rr.append(value)
        t += value / 1000.0
    out = np.asarray(rr)
    for k in range(artefacts):
        i = int((k + 1) * out.size / (artefacts + 1))
        out[i] = out[i] + out[i + 1]  # a missed beat
        out = np.delete(out, i + 1)
    return out


def rr_file(rr: np.ndarray) -> bytes:
    return ("\n".join(f"{v:.0f}" for v in rr) + "\n").encode()


def make_recording(client: Any, session: Any = None, *, before_s: float = 300.0) -> Any:
    """A processed recording that starts `before_s` before the session's clock."""
    recording = Recording(client=client, session=session, original_filename="rr.txt")
    if session is not None:
        recording.started_at = services.session_clock_start(session) - timedelta(seconds=before_s)
    session_s = float(session.duration_minutes * 60) if session is not None else 600.0
    data = rr_file(settling_rr(before_s, session_s, 300.0))
    services.process_bytes(recording, data, format_name="plain-rr", sampling_rate_hz=None)
    recording.save()
    return recording


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    recording = make_recording(client, session)
    return {"recording_id": recording.pk}
