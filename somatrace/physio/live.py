"""The running state of a live strap recording, updated batch by batch. No Django here.

A live recording grows by a batch of a few seconds of beats at a time, for as long as the
session lasts (up to formats.MAX_HOURS). Analysing the whole series after every batch would
make each batch cost more than the last, and the whole recording grow quadratically; the
display during the session needs only the recent past. So each batch updates a small state:

- n_beats, total_ms: beats and time (ms) so far, for the limit and the count shown;
- tail_ms: the RR intervals (ms) of the last WINDOW_S seconds: the latest beats whose
  intervals add up to at most WINDOW_S (at least the newest one; at most MAX_TAIL_BEATS);
- hr_bpm, rmssd_ms, window_beats, window_s: heart rate (60000 x beats / their total ms) and
  RMSSD (root mean square of successive differences) of tail_ms, the beats as the strap
  sent them (artefacts are corrected only in the full analysis).

The work per batch is bounded by the batch and the tail (MAX_TAIL_BEATS + a batch), however
long the recording is. The artefact correction, the windows and the shift are computed once
over the whole series, when the recording is stopped (services.analyse_live).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

WINDOW_S = 300.0  # the last five minutes
MAX_TAIL_BEATS = 1500  # 300 s at 300 bpm: no heart beats faster for five minutes


def last_window(rr_ms: np.ndarray, window_s: float = WINDOW_S) -> np.ndarray:
    """The latest intervals whose sum is at most window_s seconds: at least the newest one,
    at most MAX_TAIL_BEATS. rr_ms: shape (n,), ms, positive. Shape (k,), k <= n."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    if rr.size == 0:
        return rr
    back = np.cumsum(rr[::-1]) / 1000.0  # back[j]: the last j + 1 intervals, s
    k = int(np.searchsorted(back, window_s, side="right"))
    k = min(max(k, 1), MAX_TAIL_BEATS)
    return rr[rr.size - k :]


def window_stats(rr_ms: np.ndarray) -> dict[str, Any]:
    """Heart rate (bpm), RMSSD (ms), beats and seconds of a stretch of RR intervals (ms).
    hr_bpm is None without beats, rmssd_ms None with fewer than two."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    total = float(rr.sum())
    return {
        "hr_bpm": round(60_000.0 * rr.size / total, 1) if rr.size else None,
        "rmssd_ms": round(float(np.sqrt(np.mean(np.diff(rr) ** 2))), 1) if rr.size > 1 else None,
        "window_beats": int(rr.size),
        "window_s": round(total / 1000.0, 1),
    }


def advance(state: Mapping[str, Any], rr_ms: Sequence[float]) -> dict[str, Any]:
    """The state after one more batch of RR intervals (ms), from the state before it ({} at
    the start). Costs O(len(rr_ms) + MAX_TAIL_BEATS), whatever state["n_beats"] is."""
    new = np.asarray(rr_ms, dtype=np.float64)
    tail = last_window(np.concatenate((np.asarray(state.get("tail_ms") or [], float), new)))
    return {
        "n_beats": int(state.get("n_beats", 0)) + int(new.size),
        "total_ms": round(float(state.get("total_ms", 0.0)) + float(new.sum()), 3),
        "tail_ms": [round(v, 2) for v in tail.tolist()],
        **window_stats(tail),
    }
