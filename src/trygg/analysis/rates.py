"""Rates per population with exact Poisson intervals, for comparing municipalities fairly."""

from __future__ import annotations

from dataclasses import dataclass

from trygg.analysis.temporal import poisson_interval


@dataclass(frozen=True)
class Rate:
    count: float
    population: int
    per: int
    rate: float
    low: float
    high: float


def rate(count: int, population: int, per: int = 10_000, alpha: float = 0.05) -> Rate:
    """``count`` per ``per`` residents with a Garwood 95 % interval (exact for integer counts)."""
    if population <= 0:
        raise ValueError("population must be positive")
    low, high = poisson_interval(count, alpha)
    scale = per / population
    return Rate(count, population, per, count * scale, low * scale, high * scale)


@dataclass(frozen=True)
class RateRatio:
    ratio: float | None
    low: float | None
    high: float | None
    p_value: float


def rate_ratio(count_a: int, exposure_a: float, count_b: int, exposure_b: float, alpha: float = 0.05) -> RateRatio:
    """Ratio of two Poisson rates (A / B) with an exact conditional test and Clopper–Pearson based interval.

    Given ``count_a + count_b``, ``count_a`` is Binomial with p = exposure_a / (exposure_a + exposure_b) when the
    rates are equal (Przyborowski & Wilenski 1940).
    """
    from scipy import stats

    if exposure_a <= 0 or exposure_b <= 0:
        raise ValueError("exposures must be positive")
    total = count_a + count_b
    if total == 0:
        return RateRatio(None, None, None, 1.0)
    share = exposure_a / (exposure_a + exposure_b)
    test = stats.binomtest(count_a, total, share)
    ci = test.proportion_ci(confidence_level=1 - alpha, method="exact")
    scale = exposure_b / exposure_a

    def to_ratio(p: float) -> float | None:
        return None if p >= 1 else p / (1 - p) * scale

    ratio = None if count_b == 0 else (count_a / exposure_a) / (count_b / exposure_b)
    return RateRatio(ratio, to_ratio(ci.low), to_ratio(ci.high), float(test.pvalue))
