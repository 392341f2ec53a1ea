"""Change over time: is a period's count out of the ordinary, given comparable earlier periods?

The question a coordinator asks of the category table is "more than usual?". Four things make a naive
answer cry wolf, and each is handled here:

* **Exposure.** Periods differ in length (February, a week cut at a year's edge); counts are compared as
  rates per day: the expected count is the baseline rate times the period's days.
* **Season.** Which earlier periods form the baseline is the caller's choice; the lägesbild takes the same
  period of earlier years and its neighbours (as the Farrington algorithm does for disease surveillance),
  so a summer month is compared with summers.
* **Overdispersion.** Incident counts vary more than Poisson from period to period (weather, events,
  reporting). The variance is modelled as ``φ μ`` (quasi-Poisson) with ``φ ≥ 1`` taken as the larger of the
  row's own Pearson estimate over its baseline periods and the negative-binomial estimate pooled over all
  rows of the table, ``φ = 1 + θ μ`` (method of moments for θ); the larger of the two keeps one bursty
  category from being flagged on the others' calm.
* **Multiplicity.** A table tests many categories at once; Benjamini–Hochberg controls the false discovery
  rate across its rows, and the intervals shown are the matching false-coverage-rate intervals (Benjamini &
  Yekutieli 2005): with ``R`` of ``m`` rows flagged, every interval is at level ``1 − α·max(R, 1)/m``.

The test and its interval are one method, so they always agree. Given the total, the current count is
binomial with share ``p₀ = t / (t + T)`` under an unchanged rate (Przyborowski & Wilenski 1940); with
overdispersion the counts are divided by ``φ`` (effective counts) and the binomial tails are the
regularised incomplete beta function, continuous in the counts. The p-value is twice the smaller tail and
the interval for the share is the Clopper–Pearson interval of the same tails, mapped to a rate ratio; the
interval excludes 1 exactly when ``p < α``. Rows with fewer than ``MIN_COUNT`` events both now and expected
are not tested: "för få händelser för att säga något".

References
----------
* Benjamini, Y. & Yekutieli, D. (2005). False discovery rate-adjusted multiple confidence intervals for
  selected parameters. JASA 100(469), 71–81.
* Farrington, C. P., Andrews, N. J., Beale, A. D. & Catchpole, M. A. (1996). A statistical algorithm for
  the early detection of outbreaks of infectious disease. JRSS A 159(3), 547–563.
* McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., §4.5 (quasi-likelihood,
  the Pearson estimate of dispersion).
* Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson series.
  Biometrika 31, 313–323.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

ALPHA = 0.05
MIN_COUNT = 5

UP, DOWN, NO_CHANGE, TOO_FEW, NO_DATA = "up", "down", "no_change", "too_few", "no_data"


@dataclass(frozen=True)
class Change:
    """One row: the period's count against its baseline."""

    count: int
    days: float
    expected: float | None  # baseline rate × days
    ratio: float | None  # rate now / baseline rate
    low: float | None  # interval of the rate ratio at ``confidence`` (None: unbounded or not tested)
    high: float | None
    confidence: float
    p_value: float | None
    q_value: float | None  # Benjamini–Hochberg adjusted p across the table's rows
    dispersion: float
    periods: int  # baseline periods
    direction: str  # up, down, no_change, too_few, no_data


def pearson_dispersion(counts: Sequence[int], days: Sequence[float]) -> float:
    """Quasi-Poisson dispersion ``X² / (K − 1)`` of counts with exposures around their common rate; 1 when
    it cannot be estimated (fewer than two periods or no events)."""
    y = np.asarray(counts, float)
    t = np.asarray(days, float)
    if y.size < 2 or y.sum() <= 0:
        return 1.0
    expected = y.sum() * t / t.sum()
    return float(np.sum((y - expected) ** 2 / expected) / (y.size - 1))


def pooled_theta(rows: Sequence[tuple[Sequence[int], Sequence[float]]]) -> float:
    """Method-of-moments estimate of the negative-binomial ``θ`` in ``Var = μ + θ μ²``, pooled over rows.

    Each row's baseline periods are compared with the row's own rate; ``θ = Σ((y − e)² − e·(1 − w)) / Σ e²``
    with ``w = t / T`` removing the part of the variance used up by estimating the row's rate. Not negative.
    """
    top = 0.0
    bottom = 0.0
    for counts, days in rows:
        y = np.asarray(counts, float)
        t = np.asarray(days, float)
        if y.size < 2 or y.sum() <= 0:
            continue
        w = t / t.sum()
        e = y.sum() * w
        top += float(np.sum((y - e) ** 2 - e * (1 - w)))
        bottom += float(np.sum(e**2))
    return max(0.0, top / bottom) if bottom > 0 else 0.0


def _upper_tail(k: float, n: float, p: float) -> float:
    """``P(X ≥ k)`` for X ~ Binomial(n, p), continuous in k and n (``I_p(k, n − k + 1)``)."""
    if k <= 0:
        return 1.0
    return float(special.betainc(k, n - k + 1, p))


def _lower_tail(k: float, n: float, p: float) -> float:
    """``P(X ≤ k)`` for X ~ Binomial(n, p), continuous (``1 − I_p(k + 1, n − k)``)."""
    if k >= n:
        return 1.0
    return float(1.0 - special.betainc(k + 1, n - k, p))


def ratio_test(count: int, days: float, base_count: float, base_days: float, phi: float, confidence: float):
    """Rate ratio ``(count/days) / (base_count/base_days)`` with p-value and interval from the same tails.

    Returns ``(ratio, low, high, p)``; ``ratio`` is None when the baseline has no events, ``high`` None when
    the interval is unbounded.
    """
    alpha = 1.0 - confidence
    k = count / phi
    rest = base_count / phi
    n = k + rest
    p0 = days / (days + base_days)
    p = min(1.0, 2.0 * min(_upper_tail(k, n, p0), _lower_tail(k, n, p0)))
    low_share = 0.0 if k <= 0 else float(stats.beta.ppf(alpha / 2, k, rest + 1))
    high_share = 1.0 if rest <= 0 else float(stats.beta.ppf(1 - alpha / 2, k + 1, rest))
    scale = base_days / days

    def to_ratio(share: float) -> float | None:
        return None if share >= 1 else share / (1 - share) * scale

    ratio = None if base_count == 0 else (count / days) / (base_count / base_days)
    return ratio, to_ratio(low_share), to_ratio(high_share), p


@dataclass(frozen=True)
class Row:
    count: int
    baseline: Sequence[int]  # counts of the baseline periods, in the order of ``baseline_days``


def compare_table(
    rows: Mapping[str, Row], days: float, baseline_days: Sequence[float], alpha: float = ALPHA
) -> dict[str, Change]:
    """Test every row against its baseline, with BH across the tested rows and matching FCR intervals.

    ``days`` is the current period's length, ``baseline_days`` the lengths of the baseline periods (the same
    for every row). Rows are keyed by any label; the result has the same keys.
    """
    base_days = np.asarray(baseline_days, float)
    if days <= 0 or (base_days <= 0).any():
        raise ValueError("period lengths must be positive")
    for key, row in rows.items():
        if len(row.baseline) != base_days.size:
            raise ValueError(f"row {key!r} has {len(row.baseline)} baseline counts for {base_days.size} periods")
        if row.count < 0 or any(c < 0 for c in row.baseline):
            raise ValueError(f"row {key!r}: counts cannot be negative")
    periods = int(base_days.size)
    if periods == 0:
        return {
            key: Change(row.count, days, None, None, None, None, 1 - alpha, None, None, 1.0, 0, NO_DATA)
            for key, row in rows.items()
        }
    theta = pooled_theta([(row.baseline, base_days) for row in rows.values()])
    total_days = float(base_days.sum())
    prepared = {}
    for key, row in rows.items():
        base = float(sum(row.baseline))
        expected = base * days / total_days
        phi = max(1.0, pearson_dispersion(row.baseline, base_days), 1.0 + theta * expected)
        prepared[key] = (row, base, expected, phi)
    tested = [key for key, (row, _, expected, _) in prepared.items() if max(row.count, expected) >= MIN_COUNT]
    raw = {key: ratio_test(prepared[key][0].count, days, prepared[key][1], total_days, prepared[key][3], 0.95)[3]
           for key in tested}  # fmt: skip
    m = len(tested)
    q = (
        dict(zip(tested, stats.false_discovery_control([raw[k] for k in tested], method="bh"), strict=True))
        if m
        else {}
    )
    flagged = sum(1 for key in tested if q[key] <= alpha)
    level = 1.0 - alpha * max(flagged, 1) / max(m, 1)
    out = {}
    for key, (row, base, expected, phi) in prepared.items():
        if key not in tested:
            out[key] = Change(row.count, days, expected, None, None, None, level, None, None, phi, periods, TOO_FEW)
            continue
        ratio, low, high, p = ratio_test(row.count, days, base, total_days, phi, level)
        direction = NO_CHANGE
        if q[key] <= alpha:
            direction = UP if (ratio is None or ratio > 1) else DOWN
        out[key] = Change(row.count, days, expected, ratio, low, high, level, p, float(q[key]), phi, periods, direction)
    return out
