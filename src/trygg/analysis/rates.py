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
