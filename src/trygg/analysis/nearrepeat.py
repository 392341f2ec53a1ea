"""Near-repeat victimisation: the Knox test over space and time bands, with Monte Carlo p-values.

For every pair of events closer than the outermost space band, the pair is counted in its (space band, time
band) cell. Bands follow the Near Repeat Calculator (Ratcliffe 2009):

* a **same-location** band for pairs at the same place (closer than ``SAME_LOCATION_M``, one metre) —
  repeat victimisation of one address or venue, which would otherwise inflate the first distance band;
* distance bands ``(a, b]`` in metres above that, e.g. 1–100, 101–200, 201–400;
* time bands in whole days, inclusive: with edges ``[0, 7, 14, 28]`` the bands are 0–7, 8–14 and 15–28
  days apart (days counted between local dates, as the calculator does).

The null hypothesis — no space–time interaction — is simulated by permuting the event dates among the
events, which keeps the spatial pattern and the temporal pattern each intact. Each cell's p-value is
``(simulations with at least the observed count + 1) / (simulations + 1)`` and the Knox ratio is the
observed count over the mean simulated count. The table tests many cells at once, so a cell is marked
significant only when it survives Benjamini–Hochberg across all cells of the table (``significant``); the
raw p-values are kept.

References
----------
* Knox, E. G. (1964). The detection of space-time interactions. Journal of the Royal Statistical Society C
  13(1), 25–30.
* Johnson, S. D. et al. (2007). Space–time patterns of risk: a cross national assessment of residential
  burglary victimization. Journal of Quantitative Criminology 23, 201–219.
* Ratcliffe, J. H. (2009). Near Repeat Calculator (version 1.3). Temple University, Philadelphia.
* Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289–300.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.spatial import cKDTree

SAME_LOCATION_M = 1.0


@dataclass
class KnoxResult:
    observed: np.ndarray  # (space bands, time bands)
    expected: np.ndarray  # mean of the simulations
    ratio: np.ndarray  # observed / expected
    p_value: np.ndarray  # one-sided Monte Carlo p-value of an excess
    q_value: np.ndarray  # Benjamini–Hochberg across the table's cells
    simulations: int
    events: int
    pairs: int
    alpha: float = 0.05

    @property
    def tests(self) -> int:
        return int(self.p_value.size)

    def significant(self) -> np.ndarray:
        """Cells with more pairs than expected that survive the correction across the table."""
        return (self.q_value <= self.alpha) & (self.ratio > 1)


def _space_band(distance: np.ndarray, edges: np.ndarray, same_location: bool) -> np.ndarray:
    """Band index per distance (−1 beyond the last edge); bands are ``(edges[b], edges[b+1]]``, and with
    ``same_location`` band 0 holds distances below ``SAME_LOCATION_M``."""
    index = np.searchsorted(edges, distance, side="left") - 1
    index = np.where(distance == edges[0], 0, index)
    index[(distance > edges[-1]) | (distance < edges[0])] = -1
    if same_location:
        same = distance < SAME_LOCATION_M
        index = np.where(same, 0, np.where(index >= 0, index + 1, -1))
    return index


def _time_band(days_apart: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Inclusive whole-day bands: 0–e1, e1+1–e2, …; −1 beyond the last edge."""
    index = np.searchsorted(edges, days_apart, side="left") - 1
    index = np.where(days_apart == edges[0], 0, index)
    index[(days_apart > edges[-1]) | (days_apart < edges[0])] = -1
    return index


def knox_test(
    x,
    y,
    day,
    space_bands,
    time_bands,
    simulations: int = 999,
    seed: int | None = None,
    same_location: bool = True,
    alpha: float = 0.05,
) -> KnoxResult:
    """Knox test for events at projected ``x, y`` (metres) on whole days ``day`` (integers, any origin)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    days = np.asarray(day)
    if not (x.size == y.size == days.size):
        raise ValueError("x, y and day must have the same length")
    if days.size and not np.all(np.equal(np.mod(days, 1), 0)):
        raise ValueError("days must be whole numbers (dates), as in the Near Repeat Calculator")
    days = days.astype(np.int64)
    space = np.asarray(space_bands, float)
    time = np.asarray(time_bands, float)
    if space.size < 2 or time.size < 2 or np.any(np.diff(space) <= 0) or np.any(np.diff(time) <= 0):
        raise ValueError("band edges must be increasing, with at least two edges each")
    if space[0] < 0 or time[0] < 0:
        raise ValueError("band edges cannot be negative")
    tree = cKDTree(np.column_stack([x, y]))
    pairs = tree.query_pairs(r=space[-1], output_type="ndarray")
    if pairs.size == 0:
        pairs = np.empty((0, 2), dtype=np.int64)
    i, j = pairs[:, 0], pairs[:, 1]
    distance = np.hypot(x[i] - x[j], y[i] - y[j])
    s_band = _space_band(distance, space, same_location)
    keep = s_band >= 0
    i, j, s_band = i[keep], j[keep], s_band[keep]
    ns = space.size - 1 + int(same_location)
    nt = time.size - 1

    def table(times: np.ndarray) -> np.ndarray:
        t_band = _time_band(np.abs(times[i] - times[j]), time)
        ok = t_band >= 0
        return np.bincount(s_band[ok] * nt + t_band[ok], minlength=ns * nt).reshape(ns, nt)

    observed = table(days)
    rng = np.random.default_rng(seed)
    at_least = np.zeros((ns, nt))
    total = np.zeros((ns, nt))
    for _ in range(simulations):
        simulated = table(rng.permutation(days))
        total += simulated
        at_least += simulated >= observed
    expected = total / simulations if simulations else np.full((ns, nt), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    p = (at_least + 1) / (simulations + 1)
    q = stats.false_discovery_control(p.ravel(), method="bh").reshape(p.shape)
    return KnoxResult(observed, expected, ratio, p, q, simulations, int(x.size), int(i.size), alpha)
