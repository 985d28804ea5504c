"""Practice-based evidence: what changed across a caseload, with intervals. No Django import.

Every function takes plain numbers (NumPy arrays or sequences) and returns plain numbers;
an interval that cannot be estimated is ``None`` (shown as "not estimable"), never a guess.

Formulas and sources
--------------------
* Change per client: latest score minus first score (score points, the instrument's scale).
  Negative change means fewer symptoms where the instrument is lower-is-better.
* Mean change, 95 % CI: mean ± t(0.975, n − 1) · SD / √n (Student t; n ≥ 2).
* Standardized mean change (raw-score / baseline-SD standardization):
  d = mean change / SD(baseline); Hedges' small-sample correction
  J = 1 − 3 / (4(n − 1) − 1), g = J · d.
  Variance (Becker BJ. Synthesizing standardized mean-change measures. Br J Math Stat
  Psychol 1988;41:257-278; the "SMCR" measure of metafor's ``escalc``):
  var(g) = 2(1 − r) / n + g² / (2n), with r the Pearson correlation of baseline and latest
  scores; 95 % CI g ± 1.96 · √var(g). Needs n ≥ 3, SD(baseline) > 0 and a defined r.
* Reliable improvement / no reliable change / reliable deterioration: Jacobson & Truax (1991)
  through ``somatrace.measures.change.reliable_change`` (the same rule as on the client page;
  the direction comes from the instrument definition). "Recovered" counts as improved and is
  also reported alone where the instrument has a cut-off.
* Shares: Wilson score interval (Wilson EB. Probable inference, the law of succession, and
  statistical inference. J Am Stat Assoc 1927;22:209-212), z = 1.959964.
* Dropouts: clients with a baseline but no later score. The sensitivity line counts them as
  unchanged (denominator n + dropouts).
* Groups smaller than the practice minimum (default 5) are suppressed: no numbers at all.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy import stats as sps

from somatrace.measures.change import NoChangeData, reliable_change
from somatrace.measures.instruments import Instrument

Z95 = float(sps.norm.ppf(0.975))  # 1.959963984540054
DEFAULT_MINIMUM = 5  # smallest group shown or exported (practice setting; issue 15 default)

Interval = tuple[float, float]


@dataclass(frozen=True)
class Pair:
    """One client's first and latest score (score points) and how many scores they have."""

    client: Hashable
    first: float
    latest: float
    first_date: date | None = None
    latest_date: date | None = None
    n_scores: int = 2

    @property
    def change(self) -> float:
        return self.latest - self.first


def first_and_latest(
    rows: Iterable[tuple[Hashable, date, float]],
) -> tuple[list[Pair], list[Hashable]]:
    """(client, date, score) rows → pairs for clients with ≥ 2 scores, and dropouts.

    The first score is the earliest date, the latest the latest date; on equal dates the row
    order decides (later rows are later). Dropouts: clients with exactly one score.
    """
    by_client: dict[Hashable, list[tuple[date, int, float]]] = {}
    for index, (client, day, score) in enumerate(rows):
        by_client.setdefault(client, []).append((day, index, float(score)))
    pairs: list[Pair] = []
    dropouts: list[Hashable] = []
    for client, scores in by_client.items():
        scores.sort()
        if len(scores) < 2:
            dropouts.append(client)
            continue
        pairs.append(
            Pair(
                client=client,
                first=scores[0][2],
                latest=scores[-1][2],
                first_date=scores[0][0],
                latest_date=scores[-1][0],
                n_scores=len(scores),
            )
        )
    return pairs, dropouts


def mean_ci(values: Sequence[float] | np.ndarray) -> tuple[float | None, Interval | None]:
    """Mean and its 95 % Student-t interval; (None, None) for no values, CI None for n = 1."""
    x = np.asarray(values, dtype=float)
    n = x.size
    if n == 0:
        return None, None
    mean = float(x.mean())
    if n < 2:
        return mean, None
    half = float(sps.t.ppf(0.975, n - 1)) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, (mean - half, mean + half)


def hedges_j(n: int) -> float:
    """Hedges' small-sample correction for a standardized mean change on n pairs (n ≥ 3)."""
    return 1 - 3 / (4 * (n - 1) - 1)


def smc(
    baseline: Sequence[float] | np.ndarray, latest: Sequence[float] | np.ndarray
) -> tuple[float | None, Interval | None]:
    """Standardized mean change g (bias-corrected, baseline SD) and its 95 % CI (Becker 1988).

    baseline, latest: shape (n,), score points, paired by position. Returns (None, None)
    when n < 3 or the baseline SD is 0 (undefined); the CI is None when r is undefined
    (the latest scores are all equal).
    """
    pre = np.asarray(baseline, dtype=float)
    post = np.asarray(latest, dtype=float)
    n = pre.size
    if n < 3 or post.size != n:
        return None, None
    sd_pre = float(pre.std(ddof=1))
    if sd_pre == 0:
        return None, None
    g = hedges_j(n) * float((post - pre).mean()) / sd_pre
    if float(post.std(ddof=1)) == 0:
        return g, None
    r = float(np.corrcoef(pre, post)[0, 1])
    var = 2 * (1 - r) / n + g**2 / (2 * n)
    half = Z95 * math.sqrt(var)
    return g, (g - half, g + half)


def wilson(successes: int, n: int) -> Interval | None:
    """Wilson score 95 % interval for successes / n (fractions); None when n = 0."""
    if n <= 0:
        return None
    p = successes / n
    z2 = Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Share:
    count: int
    n: int
    ci95: Interval | None

    @property
    def fraction(self) -> float | None:
        return self.count / self.n if self.n else None


def share(count: int, n: int) -> Share:
    return Share(count, n, wilson(count, n))


@dataclass(frozen=True)
class Effect:
    """What changed on one instrument across a cohort.

    n: clients with a baseline and a later score. Changes in score points (latest − first).
    improved/unchanged/deteriorated/recovered: None when the instrument has no reliable-change
    data (trend-only instruments) or the group is suppressed; recovered also None without a
    cut-off. sensitivity_*: dropouts counted as unchanged.
    """

    instrument: str
    n: int
    dropouts: int
    suppressed: bool
    minimum: int
    mean_baseline: float | None = None
    mean_change: float | None = None
    mean_change_ci95: Interval | None = None
    smc: float | None = None
    smc_ci95: Interval | None = None
    improved: Share | None = None
    unchanged: Share | None = None
    deteriorated: Share | None = None
    recovered: Share | None = None
    sensitivity_improved: Share | None = None
    sensitivity_deteriorated: Share | None = None
    direction: str = ""
    pairs: tuple[Pair, ...] = field(default=(), repr=False)

    def as_json(self) -> dict[str, object]:
        """The keys of `somatrace research effect --json` (fractions; [lo, hi] or null)."""

        def interval(ci: Interval | None) -> list[float] | None:
            return None if ci is None else [ci[0], ci[1]]

        def frac(s: Share | None) -> float | None:
            return None if s is None else s.fraction

        def sci(s: Share | None) -> list[float] | None:
            return None if s is None else interval(s.ci95)

        return {
            "instrument": self.instrument,
            "n": self.n,
            "mean_change": self.mean_change,
            "mean_change_ci95": interval(self.mean_change_ci95),
            "smc": self.smc,
            "smc_ci95": interval(self.smc_ci95),
            "improved": frac(self.improved),
            "unchanged": frac(self.unchanged),
            "deteriorated": frac(self.deteriorated),
            "improved_ci95": sci(self.improved),
            "deteriorated_ci95": sci(self.deteriorated),
            "dropouts": self.dropouts,
        }


def effect(
    defn: Instrument,
    pairs: Sequence[Pair],
    dropouts: int = 0,
    minimum: int = DEFAULT_MINIMUM,
) -> Effect:
    """The cohort's change on ``defn`` from each client's first and latest score.

    With fewer than ``minimum`` clients (n) the result is suppressed: counts only, no numbers.
    """
    n = len(pairs)
    direction = (
        defn.change.direction
        if defn.change is not None
        else ("higher-is-better" if defn.higher_is_better else "lower-is-better")
    )
    base = {
        "instrument": defn.code,
        "n": n,
        "dropouts": dropouts,
        "minimum": minimum,
        "direction": direction,
    }
    if n == 0 or n < minimum:
        return Effect(suppressed=n > 0, **base)  # type: ignore[arg-type]
    pre = np.array([p.first for p in pairs])
    post = np.array([p.latest for p in pairs])
    mean_change, mean_change_ci = mean_ci(post - pre)
    g, g_ci = smc(pre, post)
    improved = unchanged = deteriorated = recovered = None
    sens_improved = sens_deteriorated = None
    try:
        categories = [reliable_change(defn, p.first, p.latest).category for p in pairs]
    except NoChangeData:
        categories = None
    if categories is not None:
        n_recovered = categories.count("recovered")
        n_improved = categories.count("improved") + n_recovered
        n_deteriorated = categories.count("deteriorated")
        improved = share(n_improved, n)
        unchanged = share(categories.count("unchanged"), n)
        deteriorated = share(n_deteriorated, n)
        assert defn.change is not None
        if defn.change.cutoff_kind:
            recovered = share(n_recovered, n)
        sens_improved = share(n_improved, n + dropouts)
        sens_deteriorated = share(n_deteriorated, n + dropouts)
    return Effect(
        suppressed=False,
        mean_baseline=float(pre.mean()),
        mean_change=mean_change,
        mean_change_ci95=mean_change_ci,
        smc=g,
        smc_ci95=g_ci,
        improved=improved,
        unchanged=unchanged,
        deteriorated=deteriorated,
        recovered=recovered,
        sensitivity_improved=sens_improved,
        sensitivity_deteriorated=sens_deteriorated,
        pairs=tuple(pairs),
        **base,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class DoseRow:
    """Clients whose pair spans ``sessions`` (a band label) and their mean change."""

    sessions: str
    n: int
    mean_change: float | None
    ci95: Interval | None
    suppressed: bool


def dose_response(
    changes_by_sessions: Sequence[tuple[int, float]],
    bands: Sequence[tuple[int, int | None]] = ((1, 3), (4, 6), (7, 12), (13, None)),
    minimum: int = DEFAULT_MINIMUM,
) -> list[DoseRow]:
    """Mean change (score points) per band of number of sessions; bands (low, high or None)."""
    rows: list[DoseRow] = []
    for low, high in bands:
        values = [c for s, c in changes_by_sessions if s >= low and (high is None or s <= high)]
        label = f"{low}–{high}" if high is not None else f"{low}+"
        if len(values) < minimum:
            rows.append(DoseRow(label, len(values), None, None, bool(values)))
            continue
        mean, ci = mean_ci(values)
        rows.append(DoseRow(label, len(values), mean, ci, False))
    return rows


@dataclass(frozen=True)
class MixedResult:
    """A linear mixed model: shift ~ 1 + (session number − 1), random intercept per client.

    intercept: the mean shift at a client's first session (outcome units); slope: how the
    shift changes per further session. CIs are Wald 95 % intervals from statsmodels. When the
    fit fails or does not converge, the estimates are None and ``message`` says why.
    """

    n_obs: int
    n_clients: int
    intercept: float | None = None
    intercept_ci95: Interval | None = None
    slope: float | None = None
    slope_ci95: Interval | None = None
    message: str = ""

    @property
    def estimable(self) -> bool:
        return self.intercept is not None


def mixed_shift(
    rows: Sequence[tuple[Hashable, int, float]], minimum: int = DEFAULT_MINIMUM
) -> MixedResult:
    """Within-session shifts across sessions: rows of (client, session number from 1, shift).

    Fitted with statsmodels' MixedLM (REML, clients as random intercepts). Fewer than
    ``minimum`` clients: suppressed. Convergence failure: a message, no numbers.
    """
    import warnings

    from statsmodels.regression.mixed_linear_model import MixedLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    clients = {c for c, _, _ in rows}
    n_obs, n_clients = len(rows), len(clients)
    if n_clients < max(minimum, 2):
        return MixedResult(n_obs, n_clients, message=f"Fewer than {max(minimum, 2)} clients.")
    if n_obs <= n_clients:
        return MixedResult(
            n_obs,
            n_clients,
            message="Each client needs more than one session to separate clients from sessions.",
        )
    y = np.array([float(v) for _, _, v in rows])
    x = np.column_stack([np.ones(n_obs), np.array([float(s - 1) for _, s, _ in rows])])
    groups = np.array([str(c) for c, _, _ in rows])
    failed = (
        "The mixed model did not converge for these data; no estimate is shown. "
        "More clients or sessions may help."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = MixedLM(y, x, groups=groups).fit(reml=True)
    except (ConvergenceWarning, np.linalg.LinAlgError, ValueError):
        return MixedResult(n_obs, n_clients, message=failed)
    if not fit.converged:
        return MixedResult(n_obs, n_clients, message=failed)
    params = np.asarray(fit.fe_params, dtype=float)
    ci = np.asarray(fit.conf_int(alpha=0.05), dtype=float)[:2]
    if not np.all(np.isfinite(ci)):
        return MixedResult(n_obs, n_clients, message=failed)
    return MixedResult(
        n_obs,
        n_clients,
        intercept=float(params[0]),
        intercept_ci95=(float(ci[0, 0]), float(ci[0, 1])),
        slope=float(params[1]),
        slope_ci95=(float(ci[1, 0]), float(ci[1, 1])),
    )
