"""Shared helpers for the physio tests: fixture files and synthetic RR series."""

from __future__ import annotations

from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


def data_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


def nsrdb(minutes: int) -> np.ndarray:
    return np.loadtxt(DATA / f"nsrdb_rr_{minutes}min.txt")


def synthetic_rr(n: int, seed: int = 7, hr: float = 65.0) -> np.ndarray:
    """Smooth, plausible RR (ms): mean 60000/hr, RSA at 0.25 Hz (30 ms), a 0.1 Hz Mayer wave
    (20 ms) and small AR(1) noise. Deterministic."""
    rng = np.random.default_rng(seed)
    base = 60_000.0 / hr
    t = np.arange(n) * base / 1000.0
    noise = np.zeros(n)
    e = rng.normal(0, 4.0, n)
    for i in range(1, n):
        noise[i] = 0.7 * noise[i - 1] + e[i]
    return base + 30 * np.sin(2 * np.pi * 0.25 * t) + 20 * np.sin(2 * np.pi * 0.1 * t) + noise


def inject(rr: np.ndarray, seed: int = 11, every: int = 120):
    """Inject ectopic, missed and extra beats at spaced positions.

    Returns (corrupted RR, list of (index in corrupted series, kind)). Ectopic: a premature
    beat 30 % early with a compensatory pause (two intervals changed, total kept); missed: two
    intervals merged; extra: one interval split 40/60.
    """
    rng = np.random.default_rng(seed)
    out = list(rr)
    sites = []
    kinds = ["ectopic", "missed", "extra"]
    pos = every
    k = 0
    while pos < len(out) - every:
        kind = kinds[k % 3]
        pos += int(rng.integers(-10, 10))
        if kind == "ectopic":
            d = 0.3 * out[pos]
            out[pos] -= d
            out[pos + 1] += d
        elif kind == "missed":
            out[pos] = out[pos] + out[pos + 1]
            del out[pos + 1]
        else:
            a = out[pos]
            out[pos : pos + 1] = [0.4 * a, 0.6 * a]
        sites.append((pos, kind))
        pos += every
        k += 1
    return np.asarray(out), sites
