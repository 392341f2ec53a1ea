"""Getis–Ord Gi* hotspots on a regular lattice, with permutation inference and FDR control.

References
----------
* Getis, A. & Ord, J. K. (1992). The analysis of spatial association by use of distance statistics.
  Geographical Analysis 24(3), 189–206.
* Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional issues and an
  application. Geographical Analysis 27(4), 286–306.
* Anselin, L. (1995). Local indicators of spatial association — LISA. Geographical Analysis 27(2), 93–115
  (conditional randomisation).
* Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289–300.

Weights are binary queen contiguity *including the cell itself* (Gi*): each cell's window is the 3×3 block
around it, cut at the edges of the rectangle. The analytic z-score is identical to PySAL esda's
``G_Local(y, w, transform='B', star=True).Zs`` (proved in ``tests/analysis/test_hotspots.py``)::

    z_i = (S_i − c_i ȳ) / ( s · sqrt( c_i (n − c_i) / (n − 1) ) )

with ``S_i`` the window sum, ``c_i`` the number of cells in the window, ``ȳ`` the mean and ``s`` the
population standard deviation of all ``n`` cells.

Inference. ``p_norm`` is the two-sided normal p-value of z. With permutations, ``p_sim`` is a two-sided
conditional-randomisation pseudo p-value: the cell keeps its own value and its ``c_i − 1`` neighbours are
replaced by values drawn without replacement from the other ``n − 1`` cells; ``p_sim = min(1, 2 (m + 1) /
(P + 1))`` where ``m`` counts the permuted window sums at least as extreme as the observed one in the
observed direction (esda reports the one-sided ``(m + 1)/(P + 1)``). Cells with the same window size and the
same own value have the same null distribution, so they share one reference sample of ``P`` draws; that is
what makes it fast, and each cell's pseudo p-value is exactly as valid as with a sample of its own.
``q_fdr`` are Benjamini–Hochberg adjusted p-values (of ``p_sim`` when permutations were run, else of
``p_norm``); a cell is hot or cold at 99/95/90 % when ``q_fdr`` ≤ 0.01/0.05/0.10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVELS = ((0.01, 99), (0.05, 95), (0.10, 90))
NOT_SIGNIFICANT = "not_significant"


def window_sum(values: np.ndarray) -> np.ndarray:
    """Sum over each cell's 3×3 queen window including itself (zero outside the rectangle)."""
    a = np.asarray(values, float)
    padded = np.pad(a, 1)
    out = np.zeros_like(a)
    rows, cols = a.shape
    for dr in range(3):
        for dc in range(3):
            out += padded[dr : dr + rows, dc : dc + cols]
    return out


def cardinality(shape: tuple[int, int]) -> np.ndarray:
    """Cells in each window (9 inside, 6 on edges, 4 in corners, fewer for one-row lattices)."""
    return window_sum(np.ones(shape))


def gi_star_z(counts: np.ndarray) -> np.ndarray:
    """Analytic Gi* z-scores for a 2-D array of counts (same shape). Zero when all cells are equal."""
    y = np.asarray(counts, float)
    n = y.size
    if n < 2:
        return np.zeros_like(y)
    mean = y.mean()
    sd = np.sqrt(max((y * y).mean() - mean * mean, 0.0))
    c = cardinality(y.shape)
    denominator = sd * np.sqrt(c * (n - c) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (window_sum(y) - c * mean) / denominator
    return np.where(np.isfinite(z), z, 0.0)


def two_sided_p(z: np.ndarray) -> np.ndarray:
    return 2.0 * stats.norm.sf(np.abs(z))


def pseudo_p(counts: np.ndarray, permutations: int, seed: int | None = None) -> np.ndarray:
    """Two-sided conditional-randomisation pseudo p-values of the window sums (see the module docstring)."""
    y = np.asarray(counts, float)
    shape = y.shape
    flat = y.ravel()
    n = flat.size
    observed = window_sum(y).ravel()
    k_all = cardinality(shape).ravel().astype(int) - 1  # neighbours, excluding the cell itself
    if n < 2 or permutations < 1:
        return np.ones(shape)
    kmax = int(min(k_all.max(), n - 1))
    rng = np.random.default_rng(seed)
    draws = np.empty((permutations, kmax), dtype=np.int64)
    for p in range(permutations):
        draws[p] = rng.choice(n - 1, size=kmax, replace=False)
    pool = np.sort(flat)
    p_values = np.ones(n)
    # Group the cells by (number of neighbours, own value): one reference sample per group.
    keys = np.stack([k_all, flat], axis=1)
    groups, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    for g, (k, own) in enumerate(groups):
        k = int(k)
        members = np.flatnonzero(inverse == g)
        if k == 0:
            continue
        skip = int(np.searchsorted(pool, own))  # drop one copy of the cell's own value from the pool
        idx = draws[:, :k]
        others = np.where(idx < skip, pool[np.minimum(idx, n - 1)], pool[np.minimum(idx + 1, n - 1)])
        null = np.sort(own + others.sum(axis=1))
        obs = observed[members]
        at_least = permutations - np.searchsorted(null, obs - 1e-9, side="left")
        at_most = np.searchsorted(null, obs + 1e-9, side="right")
        expected = own + k * (pool.sum() - own) / (n - 1)
        extreme = np.where(obs >= expected, at_least, at_most)
        p_values[members] = np.minimum(1.0, 2.0 * (extreme + 1) / (permutations + 1))
    return p_values.reshape(shape)


def fdr(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), same shape as the input."""
    p = np.asarray(p_values, float)
    if p.size == 0:
        return p.copy()
    return stats.false_discovery_control(p.ravel(), method="bh").reshape(p.shape)


def classify(z: np.ndarray, q: np.ndarray) -> np.ndarray:
    """'hot_99' … 'cold_90' or 'not_significant' per cell."""
    out = np.full(np.shape(z), NOT_SIGNIFICANT, dtype=object)
    for alpha, level in reversed(LEVELS):  # strictest level written last wins
        significant = q <= alpha
        out[significant & (z > 0)] = f"hot_{level}"
        out[significant & (z < 0)] = f"cold_{level}"
    return out


@dataclass
class HotspotResult:
    counts: np.ndarray
    z: np.ndarray
    p_norm: np.ndarray
    p_sim: np.ndarray | None
    q: np.ndarray
    classes: np.ndarray
    permutations: int

    def hot(self, min_level: int = 90) -> np.ndarray:
        return np.isin(self.classes, [f"hot_{level}" for _, level in LEVELS if level >= min_level])

    def cold(self, min_level: int = 90) -> np.ndarray:
        return np.isin(self.classes, [f"cold_{level}" for _, level in LEVELS if level >= min_level])


def gi_star(counts: np.ndarray, permutations: int = 0, seed: int | None = None) -> HotspotResult:
    """Gi* with FDR-controlled hot/cold classes on a 2-D count lattice."""
    y = np.asarray(counts, float)
    z = gi_star_z(y)
    p_norm = two_sided_p(z)
    p_sim = pseudo_p(y, permutations, seed) if permutations > 0 else None
    q = fdr(p_sim if p_sim is not None else p_norm)
    return HotspotResult(y, z, p_norm, p_sim, q, classify(z, q), permutations)
