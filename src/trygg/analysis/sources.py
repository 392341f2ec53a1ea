"""Is a source complete? Silent stretches and shortfalls of one source, judged by its own volume.

A lägesbild counts incidents from several sources — the police's events, each partner organisation's reports,
residents' tips. When one of them stops (a feed that changed format, a partner that stopped reporting, an
import that never ran) its absence looks exactly like fewer incidents. This module judges each source against
its own usual rate, never against a first date: a year missing two months is incomplete, however early it
began.

The model. On its active days the source reports at a rate ``λ`` per day; weeks vary more than Poisson, as a
gamma factor of shape ``k`` on each week's mean (the negative binomial, ``Var = m + m²/k`` for a week's count
``m``; ``k`` by the method of moments over the active weeks, ``k = ∞`` when the weeks vary no more than
Poisson). Two kinds of gap are found:

* **Silent stretch**: a run of days without a single event whose chance under the model is below
  ``alpha / W`` (``W`` weeks in the span, a Bonferroni bound for the places a run could start). The chance of
  ``g`` silent days is ``(1 + 7λ/k)^(−k g/7)`` (``exp(−λ g)`` when ``k = ∞``); runs expecting fewer than
  ``MIN_EXPECTED`` events are never called silent.
* **Shortfall**: a block (a calendar month, say) not touching a silent stretch, with at most half its
  expected count and a lower tail below ``alpha / B`` (``B`` blocks), the count being negative binomial with
  mean ``λ·days`` and shape ``k·days/7``.
* **Not yet begun, or stopped**: when the source had not begun before the span (``began_in_span``), the days
  before its first event are a gap whatever their chance, once they would hold ``MIN_EXPECTED`` events: a feed
  imported from a date, or a partner that joined, did not report before it — however bursty its weeks, which can
  make three silent weeks look possible (and a long silence itself makes the weeks look bursty). The same holds
  for the days after its last event when it has none after the span (``ended_in_span``): a feed that stopped.

``λ`` and ``k`` are estimated from the days outside the gaps found, and the search is repeated until the gaps
no longer change, so a long outage does not lower the rate that reveals it; a silent stretch is judged by the rate
and weekly variation of the days outside it, so that it does not hide itself.

References
----------
* Farrington, C. P. et al. (1996). A statistical algorithm for the early detection of outbreaks of infectious
  disease. JRSS A 159(3), 547–563 (quasi-Poisson baselines, reporting delays and gaps).
* Hilbe, J. M. (2011). Negative Binomial Regression, 2nd ed., §7 (the gamma–Poisson mixture; moments).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 1e-3
MIN_EXPECTED = 5.0  # events a stretch must be expected to hold before its silence means anything
SHORT_SHARE = 0.5  # a shortfall block holds at most this share of its expected count
SILENT, SHORT = "silent", "short"


@dataclass(frozen=True)
class Gap:
    """Days ``[start, end)`` (indices into the span) where the source is missing or far below its normal."""

    start: int
    end: int
    kind: str  # "silent" or "short"
    observed: int
    expected: float


@dataclass(frozen=True)
class Health:
    """One source over a span of days: its usual rate, how bursty its weeks are, and its gaps."""

    days: int
    events: int
    rate: float  # events per active day
    shape: float  # gamma shape k of the week-to-week variation (math.inf: Poisson)
    gaps: tuple[Gap, ...]

    def missing_share(self, start: int, end: int) -> float:
        """The share of ``[start, end)`` that lies in a gap (0 when the source is complete there)."""
        if end <= start:
            return 0.0
        covered = sum(max(0, min(end, g.end) - max(start, g.start)) for g in self.gaps)
        return covered / (end - start)


def _weekly(daily: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts and active days of each 7-day block from the span's first day (the last may be partial)."""
    if daily.size == 0:
        return np.zeros(0), np.zeros(0)
    starts = np.arange(0, daily.size, 7)
    return np.add.reduceat(np.where(active, daily, 0), starts), np.add.reduceat(active.astype(int), starts)


def rate_and_shape(daily: np.ndarray, active: np.ndarray) -> tuple[float, float]:
    """``λ`` per active day and the gamma shape ``k`` of whole active weeks (method of moments)."""
    days = int(active.sum())
    if days == 0:
        return 0.0, math.inf
    rate = float(daily[active].sum()) / days
    counts, week_days = _weekly(daily, active)
    full = week_days == 7
    if full.sum() < 3 or rate == 0:
        return rate, math.inf
    y = counts[full].astype(float)
    m = y.mean()
    excess = y.var(ddof=1) - m
    return rate, (m * m / excess if excess > 0 else math.inf)


def silent_probability(rate: float, shape: float, days: int) -> float:
    """The chance of ``days`` days without an event at ``rate`` per day with weekly gamma shape ``shape``."""
    if math.isinf(shape):
        return math.exp(-rate * days)
    return math.exp(-shape * days / 7 * math.log1p(7 * rate / shape))


def _zero_runs(daily: np.ndarray) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, value in enumerate(daily):
        if value == 0 and start is None:
            start = i
        elif value != 0 and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, daily.size))
    return runs


def check_source(
    daily: Sequence[int],
    blocks: Sequence[tuple[int, int]] = (),
    alpha: float = ALPHA,
    max_rounds: int = 6,
    began_in_span: bool = False,
    ended_in_span: bool = False,
) -> Health:
    """Gaps of a source given its daily counts over a span, and optional blocks (e.g. calendar months as day
    index pairs) checked for shortfalls; ``began_in_span``: the source had not begun before the span;
    ``ended_in_span``: it has no event after it. See the module docstring."""
    y = np.asarray(daily, dtype=int)
    if y.ndim != 1:
        raise ValueError("daily counts must be one sequence")
    if (y < 0).any():
        raise ValueError("daily counts cannot be negative")
    for a, b in blocks:
        if not 0 <= a < b <= y.size:
            raise ValueError(f"block ({a}, {b}) is not inside the span of {y.size} days")
    weeks = max(1.0, y.size / 7)
    runs = _zero_runs(y)
    before = runs[0][1] if began_in_span and runs and runs[0][0] == 0 and runs[0][1] < y.size else 0
    after = runs[-1][0] if ended_in_span and runs and runs[-1][1] == y.size and runs[-1][0] > 0 else y.size
    gaps: list[Gap] = []
    active = np.ones(y.size, dtype=bool)
    for _ in range(max_rounds):
        rate, shape = rate_and_shape(y, active)
        found: list[Gap] = []
        if rate > 0:
            for a, b in runs:
                if (a, b) in ((0, before), (after, y.size)):  # before the source began, after it stopped
                    if rate * (b - a) >= MIN_EXPECTED:  # judged at its rate over the span, silence included
                        found.append(Gap(a, b, SILENT, 0, rate * (b - a)))
                    continue
                if rate * (b - a) * active.sum() / max(1, active.sum() - (b - a)) < MIN_EXPECTED:
                    continue  # too short to hold MIN_EXPECTED even at the rate of the other days
                # the rate and weekly variation of the days outside this run: a long silence, counted in, would lower
                # the rate and make the weeks look bursty, hiding itself (and every other gap)
                outside = active.copy()
                outside[a:b] = False
                rate_out, shape_out = rate_and_shape(y, outside)
                expected = rate_out * (b - a)
                unlikely = silent_probability(rate_out, shape_out, b - a) < alpha / weeks
                if expected >= MIN_EXPECTED and unlikely:
                    found.append(Gap(a, b, SILENT, 0, expected))
            for a, b in blocks:
                if any(g.start < b and a < g.end for g in found):
                    continue  # a block touching a silent stretch adds nothing to it
                expected = rate * (b - a)
                observed = int(y[a:b].sum())
                if expected < MIN_EXPECTED or observed > SHORT_SHARE * expected:
                    continue
                if math.isinf(shape):
                    tail = float(stats.poisson.cdf(observed, expected))
                else:
                    size = shape * (b - a) / 7
                    tail = float(stats.nbinom.cdf(observed, size, size / (size + expected)))
                if tail < alpha / max(1, len(blocks)):
                    found.append(Gap(a, b, SHORT, observed, expected))
        found.sort(key=lambda g: (g.start, g.end))
        if found == gaps:
            break
        gaps = found
        active = np.ones(y.size, dtype=bool)
        for g in gaps:
            active[g.start : g.end] = False
    rate, shape = rate_and_shape(y, active)
    return Health(int(y.size), int(y.sum()), rate, shape, tuple(_merge(gaps)))


def _merge(gaps: list[Gap]) -> list[Gap]:
    """Overlapping or touching gaps as one (silent if every part was silent)."""
    out: list[Gap] = []
    for g in sorted(gaps, key=lambda g: g.start):
        if out and g.start <= out[-1].end:
            last = out[-1]
            if g.end <= last.end:
                continue
            kind = SILENT if last.kind == g.kind == SILENT else SHORT
            # the observed and expected counts of the overlap are not double-counted: take the later part only
            share = (g.end - last.end) / (g.end - g.start)
            out[-1] = Gap(last.start, g.end, kind, last.observed + round(g.observed * share),
                          last.expected + g.expected * share)  # fmt: skip
        else:
            out.append(g)
    return out
