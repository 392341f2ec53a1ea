"""Time-of-week patterns, exact Poisson intervals and the Mann–Kendall trend test.

Comparing a period with earlier ones is :mod:`trygg.analysis.change`.

References
----------
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
