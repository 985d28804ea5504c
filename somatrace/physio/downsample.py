"""Fewer points for a chart of a long series, keeping what the eye would see. No Django here.

A 24-hour recording has about 100,000 beats; a chart is at most a few thousand pixels wide,
so drawing every beat only makes the page large and slow. `envelope_indices` keeps, for each
run of consecutive points (a bucket, about one pixel column wide), its lowest and its highest
point, in time order: the line then covers the same vertical range in every column as the
full series does (the min/max envelope), so a spike, such as a missed beat, stays visible,
where taking every k-th point could drop it.
"""

from __future__ import annotations

import numpy as np


def envelope_indices(values: np.ndarray, max_points: int) -> np.ndarray:
    """Indices of the points to draw, increasing, at most max_points of them.

    values: shape (n,), finite. max_points: at least 2. When n <= max_points every index is
    kept. Otherwise the series is cut into buckets of ceil(n / (max_points // 2))
    consecutive points and each bucket gives the index of its lowest and of its highest
    value (the first of equal ones; one index when they coincide). Shape (k,), k <=
    max_points, int64.
    """
    y = np.asarray(values, dtype=np.float64)
    n = y.size
    if max_points < 2:
        raise ValueError("max_points must be at least 2")
    if n <= max_points:
        return np.arange(n, dtype=np.int64)
    size = -(-n // (max_points // 2))  # ceil
    buckets = -(-n // size)
    starts = np.arange(buckets, dtype=np.int64) * size
    padded_low = np.full(buckets * size, np.inf)
    padded_low[:n] = y
    padded_high = np.full(buckets * size, -np.inf)
    padded_high[:n] = y
    lows = starts + np.argmin(padded_low.reshape(buckets, size), axis=1)
    highs = starts + np.argmax(padded_high.reshape(buckets, size), axis=1)
    return np.unique(np.concatenate((lows, highs)))


def even_indices(n: int, max_points: int) -> np.ndarray:
    """At most max_points indices into n points, evenly spread, first and last included
    (for markers, where every one drawn is a point, not part of a line). Shape (k,)."""
    if n <= max_points:
        return np.arange(n, dtype=np.int64)
    return np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(np.int64))
