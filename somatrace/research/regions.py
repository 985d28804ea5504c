"""Body maps across a cohort: per-region change within a session, with FDR. No Django import.

Input: per person, the stored statistics of the maps before and after one session (their
latest with both; bodymaps/summaries.py reads a region's signed intensity, stronger − weaker,
−1..1). Per atlas region: the paired change after − before across people, a two-sided
one-sample t-test against 0 (scipy), Benjamini–Hochberg over the regions tested
(bodymaps/analysis.py, q = .05). Regions nobody changed are not tested. "Change together":
Pearson correlations of the per-person changes between the regions that changed most.
The pixel-level group map with FDR (activation and deactivation) is the group body map page.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from somatrace.bodymaps import analysis
from somatrace.bodymaps.atlas import VIEW_LABELS, VIEWS, regions_in
from somatrace.bodymaps.summaries import Stats, paired_deltas

TOGETHER = 6  # regions with the largest mean |change| whose correlations are shown


@dataclass(frozen=True)
class RegionTest:
    code: str
    name: str
    view: str
    n: int
    mean_change: float  # after − before of stronger − weaker, −2..2
    ci95: tuple[float, float] | None
    p: float | None
    p_adjusted: float | None
    significant: bool


def region_tests(
    pairs: Sequence[tuple[Stats, Stats]], q: float = analysis.FDR_Q
) -> list[RegionTest]:
    """Per region the paired test; sorted by p (untested last). Needs ≥ 2 people."""
    n = len(pairs)
    if n < 2:
        return []
    found: list[tuple[str, str, str, np.ndarray]] = []
    for view in VIEWS:
        for region in regions_in(view):
            deltas = np.array(paired_deltas(list(pairs), region.code), dtype=float)
            found.append((region.code, region.name, VIEW_LABELS[view], deltas))
    p = np.full(len(found), np.nan)
    cis: list[tuple[float, float] | None] = []
    for i, (_, _, _, d) in enumerate(found):
        if not np.any(d != 0):
            cis.append(None)
            continue
        sd = float(d.std(ddof=1))
        if sd == 0:  # everybody changed by the same amount: t is infinite
            p[i] = 0.0
            cis.append((float(d.mean()), float(d.mean())))
            continue
        p[i] = float(sps.ttest_1samp(d, 0.0).pvalue)
        half = float(sps.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        cis.append((float(d.mean()) - half, float(d.mean()) + half))
    significant, adjusted = analysis.benjamini_hochberg(p, q)
    tests = [
        RegionTest(
            code,
            name,
            view,
            int(d.size),
            float(d.mean()),
            cis[i],
            None if np.isnan(p[i]) else float(p[i]),
            None if np.isnan(adjusted[i]) else float(adjusted[i]),
            bool(significant[i]),
        )
        for i, (code, name, view, d) in enumerate(found)
    ]
    tests.sort(key=lambda t: (t.p is None, t.p if t.p is not None else 0.0, t.name))
    return tests


def together(
    pairs: Sequence[tuple[Stats, Stats]], tests: Sequence[RegionTest]
) -> list[tuple[str, str, float]]:
    """(region, region, Pearson r) among the TOGETHER regions that changed most, by |r|."""
    top = sorted((t for t in tests if t.p is not None), key=lambda t: -abs(t.mean_change))
    top = top[:TOGETHER]
    series = {f"{t.name} ({t.view})": np.array(paired_deltas(list(pairs), t.code)) for t in top}
    out = []
    for (a, x), (b, y) in itertools.combinations(series.items(), 2):
        if x.std() == 0 or y.std() == 0:
            continue
        out.append((a, b, float(np.corrcoef(x, y)[0, 1])))
    out.sort(key=lambda r: -abs(r[2]))
    return out
