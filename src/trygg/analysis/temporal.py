"""Time-of-week patterns and trend tests against earlier periods.

References
----------
* Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson series.
  Biometrika 31, 313–323 — the exact conditional test comparing two Poisson counts: given the total
  ``k + K``, the current count ``k`` is Binomial(k + K, t / (t + T)) under equal rates.
* Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437–442.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

WEEKDAYS = 7
HOURS = 24


def time_of_week(weekday, hour, weights=None) -> np.ndarray:
    """A 7 × 24 matrix of counts: rows Monday (0) … Sunday (6), columns hour 0 … 23 (local time)."""
    weekday = np.asarray(weekday, int)
    hour = np.asarray(hour, int)
    if weekday.size and (weekday.min() < 0 or weekday.max() > 6 or hour.min() < 0 or hour.max() > 23):
        raise ValueError("weekday must be 0–6 and hour 0–23")
    flat = weekday * HOURS + hour
    w = None if weights is None else np.asarray(weights, float)
    return np.bincount(flat, weights=w, minlength=WEEKDAYS * HOURS).reshape(WEEKDAYS, HOURS)


@dataclass(frozen=True)
class TrendTest:
    """The current count against the mean of ``periods`` earlier periods of the same length."""

    current: int
    previous_total: int
    periods: int
    previous_mean: float
    ratio: float | None  # current / previous mean
    ratio_low: float | None  # 95 % interval of the rate ratio
    ratio_high: float | None
    p_value: float  # two-sided exact conditional test
    direction: str  # "up", "down" or "no_change" (at the 5 % level)


def poisson_trend(current: int, previous: list[int] | np.ndarray, alpha: float = 0.05) -> TrendTest:
    """Is the current count different from the earlier periods' rate? Exact conditional binomial test.

    Under equal rates, ``current ~ Binomial(current + sum(previous), 1 / (1 + len(previous)))``. The rate
    ratio's interval comes from the Clopper–Pearson interval of that binomial proportion.
    """
    previous = np.asarray(previous, int)
    periods = int(previous.size)
    if periods == 0:
        raise ValueError("at least one earlier period is needed")
    if current < 0 or (previous < 0).any():
        raise ValueError("counts cannot be negative")
    total_prev = int(previous.sum())
    total = int(current) + total_prev
    mean = total_prev / periods
    if total == 0:
        return TrendTest(int(current), 0, periods, 0.0, None, None, None, 1.0, "no_change")
    result = stats.binomtest(int(current), total, 1.0 / (periods + 1))
    ci = result.proportion_ci(confidence_level=1 - alpha, method="exact")

    def to_ratio(p: float) -> float | None:
        return None if p >= 1 else float(p * periods / (1 - p))

    ratio = None if total_prev == 0 else float(current / mean)
    direction = "no_change"
    if result.pvalue < alpha:
        direction = "up" if ratio is None or ratio > 1 else "down"
    return TrendTest(
        current=int(current), previous_total=total_prev, periods=periods, previous_mean=float(mean), ratio=ratio,
        ratio_low=to_ratio(ci.low), ratio_high=to_ratio(ci.high), p_value=float(result.pvalue), direction=direction,
    )  # fmt: skip


def poisson_interval(count: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson mean given one observed count."""
    low = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low), float(high)


@dataclass(frozen=True)
class MannKendall:
    tau: float
    p_value: float
    trend: str  # "increasing", "decreasing" or "none"


def mann_kendall(series, alpha: float = 0.05) -> MannKendall:
    """Mann–Kendall monotonic trend test: Kendall's tau between the series and time, with the tie-corrected
    variance (Mann 1945; Kendall 1975), as computed by ``scipy.stats.kendalltau``."""
    values = np.asarray(series, float)
    if values.size < 3 or np.all(values == values[0]):
        return MannKendall(0.0, 1.0, "none")
    result = stats.kendalltau(np.arange(values.size), values)
    tau = float(result.statistic)
    p = float(result.pvalue)
    trend = "none"
    if p < alpha:
        trend = "increasing" if tau > 0 else "decreasing"
    return MannKendall(tau, p, trend)
