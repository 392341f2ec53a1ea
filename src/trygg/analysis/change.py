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
  row's own Pearson estimate over its baseline periods (guarded against the optimism of few periods, see
  :func:`guarded_dispersion`) and the negative-binomial estimate pooled over all rows of the table,
  ``φ = 1 + θ μ`` (method of moments for θ); the larger of the two keeps one bursty category from being
  flagged on the others' calm.
* **Multiplicity.** A table tests many categories at once; Benjamini–Hochberg controls the false discovery
  rate across its rows, and the intervals shown are the matching false-coverage-rate intervals (Benjamini &
  Yekutieli 2005): with ``R`` of ``m`` rows flagged, every interval is at level ``1 − α·max(R, 1)/m``.

The test and its interval are one method, so they always agree. Given the total ``n``, the current count is
binomial with share ``p₀ = t / (t + T)`` under an unchanged rate (Przyborowski & Wilenski 1940). With
overdispersion it is beta-binomial: if each period's rate is the expected rate times a gamma factor whose
shape is proportional to the mean (the model whose variance is ``φ μ``), the current and baseline counts are
gamma–Poisson with a common scale, and given their total the current count is exactly
BetaBinomial(n, p₀ n/(φ−1), (1−p₀) n/(φ−1)); its tails are heavier than a binomial's, as the tails of
overdispersed counts are. The p-value is twice the smaller tail; the interval is the set of rate ratios the
same two-sided test does not reject (each tail solved for its bound), so the interval excludes 1 exactly
when ``p < α``. Rows with fewer than ``MIN_COUNT`` events both now and expected
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
from scipy import optimize, special, stats

ALPHA = 0.05
MIN_COUNT = 5
SHORT_DF = 4  # with at most this many baseline degrees of freedom the common part has a floor
SHORT_FLOOR = 0.15**2  # with two baseline periods: assume at least a ±15 % swing between periods
COMMON_FLOOR = 0.05**2  # a common swing of ±5 % from period to period, as periods of crime counts show at least

UP, DOWN, NO_CHANGE, TOO_FEW, NO_DATA = "up", "down", "no_change", "too_few", "no_data"
SHORT_HISTORY = "short_history"  # one earlier period: how much periods vary cannot be told


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


def guarded_dispersion(counts: Sequence[int], days: Sequence[float]) -> float:
    """The row's own dispersion as the test should use it: ``X² / (df − 2)`` instead of ``X² / df``.

    The test divides by φ, and with few baseline periods ``1/φ̂`` is biased upwards (for ``X² ~ φ χ²_df``,
    ``E[df / X²] = df/(df − 2) · 1/φ``): a row whose few periods happen to agree would get too narrow an
    interval. Dividing by ``df − 2`` makes ``1/φ̂`` unbiased; with one or two degrees of freedom, where that is
    undefined, the factor of three degrees of freedom is used.
    """
    y = np.asarray(counts, float)
    df = y.size - 1
    if df < 1 or y.sum() <= 0:
        return 1.0
    factor = df / (df - 2) if df > 2 else 3.0  # 3 = df/(df − 2) at df = 3
    return pearson_dispersion(counts, days) * factor


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


def _tails(count: int, n: int, share: float, phi: float) -> tuple[float, float]:
    """``P(X ≥ count)`` and ``P(X ≤ count)`` for the current count given the total ``n`` (module docstring):
    binomial when ``φ = 1``, else beta-binomial with shapes ``share·n/(φ−1)`` and ``(1−share)·n/(φ−1)``.

    The beta-binomial probabilities are summed over the shorter side of ``count`` only (the other tail is
    one minus it): a week's count against years of baseline sums a week's worth of terms, not the years'.
    """
    if n == 0:
        return 1.0, 1.0
    share = min(max(share, 1e-12), 1 - 1e-12)
    if phi <= 1.0 + 1e-9:
        upper = 1.0 if count <= 0 else float(stats.binom.sf(count - 1, n, share))
        lower = 1.0 if count >= n else float(stats.binom.cdf(count, n, share))
        return upper, lower
    a, b = share * n / (phi - 1.0), (1 - share) * n / (phi - 1.0)
    k = np.arange(0, count + 1) if count <= n - count else np.arange(count, n + 1)
    pmf = np.exp(
        special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
        + special.betaln(k + a, n - k + b) - special.betaln(a, b)
    )  # fmt: skip
    side = float(pmf.sum())
    at_count = float(pmf[-1] if count <= n - count else pmf[0])
    if count <= n - count:
        lower, upper = side, 1.0 - side + at_count
    else:
        upper, lower = side, 1.0 - side + at_count
    upper = 1.0 if count <= 0 else min(1.0, max(0.0, upper))
    lower = 1.0 if count >= n else min(1.0, max(0.0, lower))
    return upper, lower


def ratio_test(count: int, days: float, base_count: int, base_days: float, phi: float, confidence: float):
    """Rate ratio ``(count/days) / (base_count/base_days)`` with p-value and interval from the same tails.

    Returns ``(ratio, low, high, p)``; ``ratio`` is None when the baseline has no events, ``low`` None when
    it is 0, ``high`` None when the interval is unbounded. The interval is the set of rate ratios that the
    same two-sided test does not reject at ``1 − confidence``, found by root finding on each tail.
    """
    alpha = 1.0 - confidence
    n = int(count + base_count)
    p0 = days / (days + base_days)

    def share(ratio: float) -> float:
        return ratio * days / (ratio * days + base_days)

    upper, lower = _tails(int(count), n, p0, phi)
    p = min(1.0, 2.0 * min(upper, lower))
    ratio = None if base_count == 0 else (count / days) / (base_count / base_days)
    if n == 0:
        return ratio, None, None, p

    def solve(tail: int, target: float) -> float | None:
        """The rate ratio at which the tail equals ``target`` (log scale; None beyond the search range)."""

        def f(log_ratio: float) -> float:
            return _tails(int(count), n, share(float(np.exp(log_ratio))), phi)[tail] - target

        lo, hi = -15.0, 15.0
        if f(lo) * f(hi) > 0:
            return None
        return float(np.exp(optimize.brentq(f, lo, hi, xtol=1e-7)))

    low = None if count == 0 else solve(0, alpha / 2)  # P(X ≥ count) rises with the ratio
    high = None if base_count == 0 else solve(1, alpha / 2)  # P(X ≤ count) falls with the ratio
    return ratio, low, high, p


@dataclass(frozen=True)
class Row:
    count: int
    baseline: Sequence[int]  # counts of the baseline periods, in the order of ``baseline_days``


def compare_table_beta_binomial(
    rows: Mapping[str, Row], days: float, baseline_days: Sequence[float], alpha: float = ALPHA
) -> dict[str, Change]:
    """The method before issue 24 (kept for the calibration benchmark): the dispersion plugged in as if known,
    so with two or three baseline periods too many unchanged rows are flagged.

    Test every row against its baseline, with BH across the tested rows and matching FCR intervals.

    ``days`` is the current period's length, ``baseline_days`` the lengths of the baseline periods (the same
    for every row). Rows are keyed by any label; the result has the same keys.
    """
    base_days = _validate(rows, days, baseline_days)
    periods = int(base_days.size)
    if periods == 0:
        return _no_data(rows, days, alpha)
    theta = pooled_theta([(row.baseline, base_days) for row in rows.values()])
    total_days = float(base_days.sum())
    prepared = {}
    for key, row in rows.items():
        base = float(sum(row.baseline))
        expected = base * days / total_days
        phi = max(1.0, guarded_dispersion(row.baseline, base_days), 1.0 + theta * expected)
        prepared[key] = (row, base, expected, phi)
    tested = [key for key, (row, _, expected, _) in prepared.items() if max(row.count, expected) >= MIN_COUNT]
    raw = {key: ratio_test(prepared[key][0].count, days, prepared[key][1], total_days, prepared[key][3], 0.95)[3]
           for key in tested}  # fmt: skip
    q, level = _bh(tested, raw, alpha)
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


def _bh(tested: list[str], raw: dict[str, float], alpha: float) -> tuple[dict[str, float], float]:
    """Benjamini–Hochberg q-values of the tested rows and the matching false-coverage-rate interval level
    ``1 − α·max(R, 1)/m`` (Benjamini & Yekutieli 2005) for ``R`` of ``m`` rows flagged."""
    m = len(tested)
    adjusted = stats.false_discovery_control([raw[k] for k in tested], method="bh") if m else []
    q = dict(zip(tested, adjusted, strict=True))
    flagged = sum(1 for key in tested if q[key] <= alpha)
    return q, 1.0 - alpha * max(flagged, 1) / max(m, 1)


def _validate(rows: Mapping[str, Row], days: float, baseline_days: Sequence[float]) -> np.ndarray:
    base_days = np.asarray(baseline_days, float)
    if days <= 0 or (base_days <= 0).any():
        raise ValueError("period lengths must be positive")
    for key, row in rows.items():
        if len(row.baseline) != base_days.size:
            raise ValueError(f"row {key!r} has {len(row.baseline)} baseline counts for {base_days.size} periods")
        if row.count < 0 or any(c < 0 for c in row.baseline):
            raise ValueError(f"row {key!r}: counts cannot be negative")
    return base_days


def _no_data(rows: Mapping[str, Row], days: float, alpha: float) -> dict[str, Change]:
    return {
        key: Change(row.count, days, None, None, None, None, 1 - alpha, None, None, 1.0, 0, NO_DATA)
        for key, row in rows.items()
    }


def row_theta(counts: Sequence[int], days: Sequence[float]) -> float:
    """The row's own ``θ`` (``Var = μ + θ μ²``) from its baseline periods, with the df − 2 guard of
    :func:`guarded_dispersion` (0 when it cannot be estimated)."""
    y = np.asarray(counts, float)
    if y.size < 2 or y.sum() <= 0:
        return 0.0
    mean = y.sum() * np.asarray(days, float) / float(np.sum(days))
    return max(0.0, (guarded_dispersion(counts, days) - 1.0) / float(mean.mean()))


@dataclass(frozen=True)
class LogRatio:
    """The log rate ratio of one row with its variance split into the known Poisson part and the estimated
    extra-Poisson parts, and the Welch–Satterthwaite degrees of freedom of their sum."""

    estimate: float
    poisson: float
    extra: float
    df: float

    @property
    def se(self) -> float:
        return float(np.sqrt(self.poisson + self.extra))


def log_ratio(count: int, days: float, base: float, base_days: Sequence[float],
              parts: Sequence[tuple[float, float]]) -> LogRatio:  # fmt: skip
    """``log((y₀ + ½)/t₀) − log((B + ½)/T)`` with ``Var ≈ 1/μ₀ + 1/B + Σθ_k (1 + Σt_j²/T²)``.

    Under the negative binomial ``Var y = μ + θ μ²`` a count's log has variance ``1/μ + θ``; the baseline sum over
    periods of lengths ``t_j`` has ``1/B + θ Σt_j²/T²``. The Poisson part is known given the rate; each extra part
    ``(θ_k, df_k)`` is estimated from ``df_k`` degrees of freedom, so the reference is Student's t with
    Welch–Satterthwaite's ``ν = V² / Σ(V_k² / df_k)`` (normal when every ``θ_k = 0``). A part with a single degree
    of freedom (two baseline periods) is too often estimated near zero for Satterthwaite to be safe; then the
    extra variance is at least ``SHORT_FLOOR`` (a ±15 % swing from period to period, more than the yearly
    swing of the municipalities' totals) against the normal: a conservative bound, not an estimate. The halves
    keep an empty count finite.
    """
    t = np.asarray(base_days, float)
    total = float(t.sum())
    expected = max(base * days / total, 0.5)
    estimate = float(np.log((count + 0.5) / days) - np.log((base + 0.5) / total))
    poisson = 1.0 / expected + 1.0 / max(base, 0.5)
    factor = 1.0 + float(np.sum(t**2)) / total**2
    pieces = [(theta * factor, df) for theta, df in parts if theta > 0 and df > 0]
    extra = sum(v for v, _ in pieces)
    if any(df <= 1 for _, df in parts):
        # one degree of freedom cannot estimate a variance: assume the period-to-period swing is SHORT_FLOOR
        # or what was seen, whichever is larger, and judge against the normal
        extra = max(extra, SHORT_FLOOR * factor)
        nu = np.inf
    elif not pieces:
        nu = np.inf
    else:
        nu = (poisson + extra) ** 2 / sum(v * v / df for v, df in pieces)
    return LogRatio(estimate, poisson, extra, float(nu))


def burstier(counts: Sequence[int], days: Sequence[float], theta: float, level: float = 0.01) -> bool:
    """Whether a row's baseline varies more than the pooled ``θ`` allows: its Pearson statistic under
    ``Var = μ + θμ²`` beyond the ``1 − level`` quantile of χ² with ``K − 1`` degrees of freedom. Only such a row
    keeps its own (noisier) dispersion estimate; the others borrow the table's."""
    y = np.asarray(counts, float)
    if y.size < 2 or y.sum() <= 0:
        return False
    e = y.sum() * np.asarray(days, float) / float(np.sum(days))
    x2 = float(np.sum((y - e) ** 2 / (e * (1 + theta * e))))
    return x2 > float(stats.chi2.ppf(1 - level, y.size - 1))


def two_way_theta(rows: Sequence[Sequence[int]], days: Sequence[float]) -> tuple[float, float, int, int]:
    """Extra-Poisson variation of a table's baseline split in two (method of moments, ``Var = μ + θμ²``):

    * ``θ_common``: a factor every row shares in a period (the weather, the whole feed), from the period
      totals around the common rate, ``K − 1`` degrees of freedom;
    * ``θ_row``: each row's own variation around the row's rate times the period's common level, pooled
      over the rows, ``(R − 1)(K − 1)`` degrees of freedom.

    Returns ``(θ_row, θ_common, df_row, df_common)``.
    """
    y = np.asarray([r for r in rows if sum(r) > 0], float)
    t = np.asarray(days, float)
    if y.size == 0 or y.shape[1] < 2:
        return 0.0, 0.0, 0, 0
    rows_n, k = y.shape
    totals = y.sum(axis=0)
    grand = totals.sum()
    row_share = y.sum(axis=1) / grand
    level = totals / grand  # each period's share of all events
    fitted = grand * row_share[:, None] * level[None, :]  # row total × period share
    leverage = row_share[:, None] + level[None, :] - row_share[:, None] * level[None, :]
    df_row = (rows_n - 1) * (k - 1)
    # E[(y − f)²/f] ≈ (1 + θ f)(1 − h) with h the leverage of the two-way fit, summing to df_row + θ Σ f(1 − h)
    pearson = float(np.sum(np.where(fitted > 0, (y - fitted) ** 2 / np.where(fitted > 0, fitted, 1), 0.0)))
    weight = float(np.sum(fitted * (1 - leverage)))
    row_part = max(0.0, (pearson - df_row) / weight) if df_row > 0 and weight > 0 else 0.0
    # the period totals around the common rate: E(n_j − e_j)² ≈ (1 − w_j)(e_j + θ_row Σ_i f_ij² + θ_common e_j²)
    w = t / t.sum()
    e = grand * w
    own = row_part * np.sum(fitted**2, axis=0)
    top = float(np.sum((totals - e) ** 2 - (1 - w) * (e + own)))
    common = max(0.0, top / float(np.sum((1 - w) * e**2)))
    return row_part, common, df_row, k - 1


def _t_sf(x: float, df: float) -> float:
    return float(stats.norm.sf(x) if not np.isfinite(df) else stats.t.sf(x, df))


def _t_ppf(q: float, df: float) -> float:
    return float(stats.norm.ppf(q) if not np.isfinite(df) else stats.t.ppf(q, df))


def compare_table(
    rows: Mapping[str, Row],
    days: float,
    baseline_days: Sequence[float],
    alpha: float = ALPHA,
    not_pooled: Sequence[str] = (),
) -> dict[str, Change]:
    """Test every row against its baseline, borrowing strength across rows for the dispersion, with BH across
    the tested rows (a total row included: name it in ``not_pooled`` so it does not count twice in the pooled
    dispersion) and matching false-coverage-rate intervals.

    Short histories are the rule (an annual report has two or three earlier years), so the dispersion is not
    taken as known. The extra-Poisson variation (``Var = μ + θμ²``) is split into a part common to all rows and
    a part of each row's own (:func:`two_way_theta`): the common part has only ``K − 1`` degrees of freedom for
    ``K`` baseline periods, the rows' own part borrows strength across the rows; a row whose own history is
    burstier than the pooled estimate keeps its own (guarded) estimate with ``K − 1``. The uncertainty of the
    estimates enters through Student's t with Satterthwaite's degrees of freedom (:func:`log_ratio`). The log
    scale is poor for small counts (an empty month against five expected), so each row's p-value is the larger
    of that t test and the exact beta-binomial test with the same dispersion (:func:`ratio_test`), and its
    interval the wider of the two. With one baseline period no row is tested; with few, the common part has a
    floor (``COMMON_FLOOR``). Calibration (``benchmarks/calibration.py``): 2, 3 and 5 earlier years, weekly
    gamma effects of shape 1–4 common to all rows or per row, seasons ±30 %: ≤ 5 % of unchanged rows and
    ≤ 10 % of 15-row tables flagged.
    """
    base_days = _validate(rows, days, baseline_days)
    periods = int(base_days.size)
    if periods == 0:
        return _no_data(rows, days, alpha)
    skip = set(not_pooled)
    pooled = [row.baseline for key, row in rows.items() if key not in skip]
    theta_row, theta_common, df_row, df_common = two_way_theta(pooled, base_days)
    if df_common <= SHORT_DF:
        theta_common = max(theta_common, COMMON_FLOOR)  # too few periods to rule a common swing out: assume one
    total_days = float(base_days.sum())
    df = periods - 1
    sums = np.asarray([float(sum(b)) for b in pooled])
    row_share_sq = float(np.sum(sums**2) / sums.sum() ** 2) if sums.sum() > 0 else 1.0
    prepared = {}
    for key, row in rows.items():
        base = float(sum(row.baseline))
        expected = base * days / total_days
        own = row_theta(row.baseline, base_days)
        if len(pooled) < 2:
            parts = [(own, df)]  # a table of one row: only its own history
        elif key in skip:
            # a total row: the common swing plus its rows' own variation, which adds up over the rows as
            # Σ θ μ_i² / (Σ μ_i)² on the log scale — the pooled estimates, not the ×3 guard of one degree of freedom
            parts = [(theta_row * row_share_sq, df_row), (theta_common, df_common)]
        elif own - theta_common > theta_row and burstier(row.baseline, base_days, theta_row + theta_common):
            parts = [(own - theta_common, df), (theta_common, df_common)]  # a row burstier than the rest
        else:
            parts = [(theta_row, df_row), (theta_common, df_common)]
        row_t = sum(theta for theta, _ in parts)
        prepared[key] = (row, base, expected, row_t, log_ratio(row.count, days, base, base_days, parts))
    tested = [key for key, (row, _, expected, _, _) in prepared.items()
              if max(row.count, expected) >= MIN_COUNT and df >= 1]  # fmt: skip
    raw = {}
    for key in tested:
        row, base, expected, row_t, lr = prepared[key]
        small = ratio_test(row.count, days, base, total_days, 1.0 + row_t * expected, 0.95)[3]
        raw[key] = max(min(1.0, 2.0 * _t_sf(abs(lr.estimate) / lr.se, lr.df)), small)
    q, level = _bh(tested, raw, alpha)
    out = {}
    for key, (row, base, expected, row_t, lr) in prepared.items():
        phi = 1.0 + row_t * expected
        if key not in tested:
            why = SHORT_HISTORY if df < 1 and max(row.count, expected) >= MIN_COUNT else TOO_FEW
            out[key] = Change(row.count, days, expected, None, None, None, level, None, None, phi, periods, why)
            continue
        ratio, low_bb, high_bb, _ = ratio_test(row.count, days, base, total_days, phi, level)
        half = _t_ppf(0.5 + level / 2, lr.df) * lr.se
        low, high = float(np.exp(lr.estimate - half)), float(np.exp(lr.estimate + half))
        low = low if low_bb is None else min(low, low_bb)  # the wider of the two: the test is the larger p
        high = high if high_bb is None else max(high, high_bb)
        direction = NO_CHANGE
        if q[key] <= alpha:
            direction = UP if lr.estimate > 0 else DOWN
        out[key] = Change(row.count, days, expected, ratio, low, high, level, raw[key], float(q[key]), phi, periods,
                          direction)  # fmt: skip
    return out
