"""The ratio of two municipalities' rates over one period, with an interval that counts overdispersion.

Two municipalities ``A`` and ``B`` with populations ``E_A``, ``E_B`` and (possibly weighted) counts ``a``, ``b`` in
the period. The rate ratio is ``R = (a / E_A) / (b / E_B)``, and on the log scale

    log R̂ ± t_{df, 1−α/2} · √(φ̂ (d_A / a + d_B / b)),

the quasi-Poisson log-linear model ``log μ = municipality + time unit`` (McCullagh & Nelder 1989, §4.5 and
ch. 6), where:

* **Weighted counts.** A count may be a sum of weights — an event the police published only for the county
  counts for a municipality with the municipality's share of the county's population. A weighted Poisson sum
  ``Σ wᵢ`` has variance ``Σ wᵢ²``, so its variance-to-mean ratio is ``d = Σ wᵢ² / Σ wᵢ`` (1 for plain counts,
  below 1 when part of the count is a fraction of events): the variance of ``log a`` is ``d / a``.
* **Overdispersion** ``φ̂``. Counts vary more than Poisson from week to week (weather, events, reporting, the
  police's publishing). What widens the ratio's interval is not the variation both municipalities share — a
  busy week everywhere cancels in the ratio, and the time-unit term of the model takes it up — but the
  variation of ``A``'s *share* of the events from one time unit to the next: the municipality × time
  interaction. With ``n_w = a_w + b_w`` in time unit ``w``, ``N = Σ n_w`` and the share ``p̂ = Σ a_w / N``,

      φ̂ = Σ (a_w − n_w p̂)² / (p̂ (1 − p̂) D (N − Σ n_w² / N)),   D = (1 − p̂) d_A + p̂ d_B,   df = units − 1

  over the time units with events (the denominator is the expectation of the numerator under weighted Poisson
  variation, so ``φ̂ ≈ 1`` without overdispersion; with plain counts it is the binomial moment estimate of
  :func:`trygg.analysis.effect.dispersion`). It estimates exactly the factor by which the variance of ``log R̂``
  exceeds its Poisson variance when the time units are independent and alike. Pearson's ``X² / df`` — a sum of
  ratios rather than a ratio of sums — weights busy units down and underestimates it when busy units also
  vary more (see :mod:`trygg.analysis.effect`). Few units make ``φ̂`` noisy, so it is guarded as in
  :func:`trygg.analysis.change.guarded_dispersion` (times ``df / (df − 2)``, 3 when ``df ≤ 2``) and never
  below 1; the reference is Student's t on ``df`` degrees of freedom.

The time units are the weeks (months for a year) of the period *and the year before*, so that a short period
still has enough units to estimate ``φ̂``; a difference between the municipalities that changed during that
time shows as variation of the share, and widens the interval rather than narrowing it. With fewer than
``MIN_DF + 1`` time units with events (fewer cannot show how much the units vary) ``φ̂`` is not estimated: the
interval is then the Poisson one (``φ = 1``, normal reference) and :attr:`RatioInterval.dispersion_checked` is
False, which the caller says. A ratio with no events on one side is undefined (None), never infinite.

References
----------
* McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall, §4.5
  (over-dispersion and its moment estimate, the t reference) and ch. 6 (log-linear models).
* Kish, L. (1965). Survey Sampling. Wiley, §11.7 (the effective number of a weighted sum, ``(Σw)² / Σw²``).
* Wedderburn, R. W. M. (1974). Quasi-likelihood functions, generalized linear models, and the Gauss–Newton
  method. Biometrika 61(3), 439–447.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from trygg.analysis.temporal import poisson_interval

MIN_DF = 4  # time units with events − 1 needed before the dispersion is estimated


@dataclass(frozen=True)
class Dispersion:
    phi: float  # guarded, at least 1
    df: int | None  # time units with events − 1; None when it could not be estimated (phi is then 1)
    raw: float | None  # the unguarded moment estimate

    @property
    def checked(self) -> bool:
        return self.df is not None


@dataclass(frozen=True)
class RatioInterval:
    ratio: float | None  # (a / E_A) / (b / E_B); None when a or b is 0
    low: float | None
    high: float | None
    dispersion: Dispersion

    @property
    def different(self) -> bool:
        """Whether the interval excludes 1 (a certain difference at the interval's level)."""
        return self.low is not None and (self.low > 1.0 or self.high < 1.0)

    @property
    def dispersion_checked(self) -> bool:
        return self.dispersion.checked


def variance_factor(weights: Sequence[float] | np.ndarray) -> float:
    """``d = Σ w² / Σ w`` of a weighted count (1 for a plain count; 1 when empty)."""
    w = np.asarray(weights, float)
    total = float(w.sum())
    return float((w**2).sum()) / total if total > 0 else 1.0


def dispersion(
    series_a: Sequence[float] | np.ndarray,
    series_b: Sequence[float] | np.ndarray,
    d_a: float = 1.0,
    d_b: float = 1.0,
    min_df: int = MIN_DF,
) -> Dispersion:
    """The guarded dispersion of ``A``'s share over the time units (module docstring); the series must cover the
    same time units in the same order."""
    a = np.asarray(series_a, float)
    b = np.asarray(series_b, float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"the two series must cover the same time units (got {a.shape} and {b.shape})")
    if (a < 0).any() or (b < 0).any():
        raise ValueError("counts cannot be negative")
    n = a + b
    keep = n > 0
    a, n = a[keep], n[keep]
    df = int(n.size) - 1
    total = float(n.sum())
    if df < max(min_df, 1) or a.sum() <= 0 or a.sum() >= total:
        return Dispersion(1.0, None, None)
    share = float(a.sum()) / total
    mix = (1.0 - share) * d_a + share * d_b
    expected = share * (1.0 - share) * mix * (total - float(np.sum(n**2)) / total)
    if expected <= 0:
        return Dispersion(1.0, None, None)
    raw = float(np.sum((a - n * share) ** 2)) / expected
    guard = df / (df - 2) if df > 2 else 3.0
    return Dispersion(max(1.0, raw * guard), df, raw)


def ratio_interval(
    count_a: float,
    exposure_a: float,
    count_b: float,
    exposure_b: float,
    disp: Dispersion | None = None,
    d_a: float = 1.0,
    d_b: float = 1.0,
    confidence: float = 0.95,
) -> RatioInterval:
    """The rate ratio A / B with its quasi-Poisson interval (module docstring); ``disp`` None is Poisson only."""
    if exposure_a <= 0 or exposure_b <= 0:
        raise ValueError("exposures must be positive")
    disp = disp or Dispersion(1.0, None, None)
    if count_a <= 0 or count_b <= 0:
        return RatioInterval(None, None, None, disp)
    log_ratio = math.log(count_a / exposure_a) - math.log(count_b / exposure_b)
    se = math.sqrt(disp.phi * (d_a / count_a + d_b / count_b))
    tail = 0.5 + confidence / 2.0
    q = float(stats.t.ppf(tail, disp.df)) if disp.df is not None else float(stats.norm.ppf(tail))
    return RatioInterval(math.exp(log_ratio), math.exp(log_ratio - q * se), math.exp(log_ratio + q * se), disp)


def compare_rates(
    count_a: float,
    exposure_a: float,
    count_b: float,
    exposure_b: float,
    series_a: Sequence[float] | np.ndarray,
    series_b: Sequence[float] | np.ndarray,
    d_a: float = 1.0,
    d_b: float = 1.0,
    confidence: float = 0.95,
) -> RatioInterval:
    """The ratio of A's and B's rates in a period with the dispersion estimated from their time-unit series."""
    disp = dispersion(series_a, series_b, d_a, d_b)
    return ratio_interval(count_a, exposure_a, count_b, exposure_b, disp, d_a, d_b, confidence)


def rate_interval(
    count: float, exposure: float, per: float = 10_000, d: float = 1.0, phi: float = 1.0, confidence: float = 0.95
) -> tuple[float, float, float]:
    """``(rate, low, high)`` per ``per`` residents: the exact (Garwood) Poisson interval of the effective count
    ``count / (d φ)`` (Kish 1965), scaled back; exact for a plain count with ``φ = 1``."""
    if exposure <= 0:
        raise ValueError("exposure must be positive")
    scale = per / exposure
    alpha = 1.0 - confidence
    inflation = max(d, 1e-12) * max(phi, 1.0)
    if count <= 0:
        return 0.0, 0.0, poisson_interval(0, alpha)[1] * inflation * scale
    effective = count / inflation
    low, high = poisson_interval(effective, alpha)
    factor = count / effective
    return count * scale, low * factor * scale, high * factor * scale
