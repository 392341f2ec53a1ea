"""Hot and cold spots on a regular lattice: exact window tests over the study area, with discrete FDR control.

What a hot spot means here. The study area is a set of grid cells (the municipality's or a named area's
cells; ``mask``). Under the null hypothesis the ``N`` events of the period are spread over the study area at
random, each cell equally likely (complete spatial randomness given ``N``). For each cell the statistic is
the number of events ``S_i`` in its 3×3 window (queen neighbours and the cell itself, the window of Getis–Ord
Gi*), counted over study-area cells only; under the null ``S_i ~ Binomial(N, c_i / n)`` where ``c_i`` is the
number of study-area cells in the window and ``n`` the number of study-area cells. A cell is *hot* when
``P(S ≥ S_i)`` is small and *cold* when ``P(S ≤ S_i)`` is small: exact tails, no normal approximation and no
Monte Carlo error.

Why this test. The classic use of Gi* — a normal p-value of z, or a permutation p-value, with
Benjamini–Hochberg (BH) over every cell of a bounding rectangle — fails on the sparse counts of a 100 m grid
of a municipality: the normal tail is far too liberal when most cells hold 0 or 1 event (half of pure-noise
maps show a hot spot), and a permutation p-value cannot go below ``1/(P+1)``, which no cell can survive after
BH over 10⁵ cells (a strong cluster is lost). The exact conditional tail is valid at any count and can be as
small as the data warrant. The benchmark ``benchmarks/calibration.py`` prints both properties.

Multiplicity. Hot and cold tests of all study-area cells form one family of one-sided hypotheses. Discrete
tests have a smallest attainable p-value (``π^N`` for hot, ``(1 − π)^N`` for cold); hypotheses that could
not reach significance even with the most extreme data are left out before the correction, as Tarone (1990)
proposed for Bonferroni and Gilbert (2005) for the false discovery rate: ``K`` is the smallest integer with
``m(K) ≤ K``, where ``m(K)`` counts hypotheses whose smallest attainable p-value is at most ``α/K``; BH at level
``α`` is then applied to those ``m(K)`` hypotheses. In practice this drops the cold tests of sparse maps (a
cell with no events is not surprising when events are rare), so cold spots are only claimed where the data
are dense enough to show them. Under the global null BH controls the chance of any false hot spot at ``α``.

A window needs at least ``MIN_HOT_EVENTS`` (3) incidents to be hot: below that its hot test never rejects
(its p-value is set to 1, which keeps the test valid and only makes it stricter). Without this rule Tarone's
step can, on a nearly empty map, keep only the four corner windows (whose smallest attainable p-value is the
smallest) and call a single incident in a corner a hot spot — true to the arithmetic, useless to a reader.

The Gi* z-score (Getis & Ord 1992; Ord & Getis 1995) is still computed as the effect size shown beside each
cell and as the intensity whose trend emerging-hot-spot analysis follows; over the full rectangle it equals
PySAL esda's ``G_Local(y, w, transform='B', star=True).Zs`` (``tests/analysis/test_hotspots.py``)::

    z_i = (S_i − c_i ȳ) / ( s · sqrt( c_i (n − c_i) / (n − 1) ) )

``gi_star_fdr`` keeps the classic normal/permutation + BH procedure for comparison in the calibration
benchmark; the product does not use it.

References
----------
* Getis, A. & Ord, J. K. (1992). The analysis of spatial association by use of distance statistics.
  Geographical Analysis 24(3), 189–206.
* Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional issues and an
  application. Geographical Analysis 27(4), 286–306.
* Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289–300.
* Tarone, R. E. (1990). A modified Bonferroni method for discrete data. Biometrics 46(2), 515–522.
* Gilbert, P. B. (2005). A modified false discovery rate multiple-comparisons procedure for discrete data,
  applied to human immunodeficiency virus genetics. JRSS C 54(1), 143–158.
* Anselin, L. (1995). Local indicators of spatial association — LISA. Geographical Analysis 27(2), 93–115
  (conditional randomisation, used by ``pseudo_p``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

DEFAULT_ALPHA = 0.05
MIN_HOT_EVENTS = 3  # a window with fewer incidents is never a hot spot, however empty its surroundings
LEVELS = ((0.01, 99), (0.05, 95))  # (α, confidence in %) of the hot/cold classes, strictest first
NOT_SIGNIFICANT = "not_significant"


# -- lattice basics ------------------------------------------------------------------------------------
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


def cardinality(shape: tuple[int, int], mask: np.ndarray | None = None) -> np.ndarray:
    """Study-area cells in each window (9 inside, 6 on edges, 4 in corners, fewer at the area's border)."""
    return window_sum(np.ones(shape) if mask is None else np.asarray(mask, float))


def _mask(shape: tuple[int, int], mask: np.ndarray | None) -> np.ndarray:
    if mask is None:
        return np.ones(shape, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != shape:
        raise ValueError(f"the study-area mask has shape {mask.shape}, the counts {shape}")
    return mask


def window_neighbours(mask: np.ndarray) -> dict[int, list[int]]:
    """The queen neighbours (without the cell itself) of every study-area cell, the cells numbered in row-major
    order of ``mask``: the neighbourhood of :func:`window_sum` as a dict for libpysal's ``W`` (comparisons)."""
    cells = [tuple(rc) for rc in np.argwhere(np.asarray(mask, dtype=bool))]
    index = {rc: i for i, rc in enumerate(cells)}
    return {
        i: [index[(r + dr, c + dc)] for dr in (-1, 0, 1) for dc in (-1, 0, 1)
            if (dr or dc) and (r + dr, c + dc) in index]
        for (r, c), i in index.items()
    }  # fmt: skip


def gi_star_z(counts: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Gi* z-scores over the study-area cells (``mask``; all cells when omitted). Zero outside the area and
    where the window has no variance (all cells equal, or the window covers the whole area)."""
    y = np.asarray(counts, float)
    inside = _mask(y.shape, mask)
    y = np.where(inside, y, 0.0)
    n = int(inside.sum())
    if n < 2:
        return np.zeros_like(y)
    values = y[inside]
    mean = values.mean()
    sd = np.sqrt(max((values * values).mean() - mean * mean, 0.0))
    c = cardinality(y.shape, inside)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (window_sum(y) - c * mean) / (sd * np.sqrt(c * (n - c) / (n - 1)))
    return np.where(inside & np.isfinite(z), z, 0.0)


def fdr(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), same shape as the input."""
    p = np.asarray(p_values, float)
    if p.size == 0:
        return p.copy()
    return stats.false_discovery_control(p.ravel(), method="bh").reshape(p.shape)


# -- discrete FDR (Tarone / Gilbert) -------------------------------------------------------------------
def tarone_family(log_min_p: np.ndarray, alpha: float) -> np.ndarray:
    """Which hypotheses can reach significance: Tarone's ``K`` from the log smallest attainable p-values.

    ``K`` is the smallest ``k ≥ 1`` with ``#{j : p*_j ≤ α/k} ≤ k``; the hypotheses with ``p*_j ≤ α/K`` form the
    family that is corrected. Returns a boolean mask of the same shape.
    """
    flat = np.asarray(log_min_p, float).ravel()
    m = flat.size
    if m == 0:
        return np.zeros(0, dtype=bool)
    ordered = np.sort(flat)
    k = np.arange(1, m + 1)
    testable = np.searchsorted(ordered, np.log(alpha) - np.log(k), side="right")  # m(k), non-increasing
    ok = np.flatnonzero(testable <= k)
    big_k = int(k[ok[0]]) if ok.size else m
    return (flat <= np.log(alpha) - np.log(big_k)).reshape(np.shape(log_min_p))


def discrete_bh(p: np.ndarray, log_min_p: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Gilbert's (2005) Tarone–BH procedure: returns (rejected mask, BH q-values within the family — NaN
    outside it — and the size of the family)."""
    p = np.asarray(p, float)
    family = tarone_family(log_min_p, alpha)
    q = np.full(p.shape, np.nan)
    if family.any():
        q[family] = fdr(p[family])
    rejected = np.where(family, q <= alpha, False)
    return rejected, q, int(family.sum())


# -- the product's hot-spot test -----------------------------------------------------------------------
@dataclass
class HotspotResult:
    """Per-cell results on the lattice; cells outside the study area are never hot or cold."""

    counts: np.ndarray
    mask: np.ndarray
    window: np.ndarray  # events in the 3×3 window (study-area cells only)
    expected: np.ndarray  # N · c_i / n
    z: np.ndarray  # Gi* z-score (effect size)
    p_hot: np.ndarray  # exact P(S ≥ s)
    p_cold: np.ndarray  # exact P(S ≤ s)
    q: np.ndarray  # BH q-value of the cell's direction within the family at the default level (NaN: not tested)
    classes: np.ndarray  # 'hot_99', 'hot_95', 'cold_99', 'cold_95' or 'not_significant'
    events: int
    cells: int  # study-area cells
    tests: int  # hypotheses in the corrected family at the default level

    def hot(self, min_level: int = 95) -> np.ndarray:
        return np.isin(self.classes, [f"hot_{level}" for _, level in LEVELS if level >= min_level])

    def cold(self, min_level: int = 95) -> np.ndarray:
        return np.isin(self.classes, [f"cold_{level}" for _, level in LEVELS if level >= min_level])

    def p_value(self) -> np.ndarray:
        """The p-value of each cell in its own direction (hot where z ≥ 0, else cold)."""
        return np.where(self.z >= 0, self.p_hot, self.p_cold)


def hotspot_test(counts: np.ndarray, mask: np.ndarray | None = None, cold: bool = True) -> HotspotResult:
    """Exact conditional window tests with Tarone–BH control (see the module docstring).

    ``counts`` is a 2-D array of event counts; ``mask`` the study-area cells (all when omitted). Events in
    cells outside the mask are ignored. Classes mark the 95 % (false discovery rate 5 %, the default level)
    and the 99 % level (1 %); ``q`` and ``tests`` belong to the default level. With ``cold=False`` only hot
    spots are tested (for a study area whose edges are sparse by construction, where a cold spot says
    nothing).
    """
    y = np.asarray(counts, float)
    if y.ndim != 2:
        raise ValueError("counts must be a 2-D lattice")
    if np.any(~np.isfinite(y)) or np.any(y < 0):
        raise ValueError("counts must be finite and not negative")
    inside = _mask(y.shape, mask)
    y = np.where(inside, y, 0.0)
    n = int(inside.sum())
    total = round(float(y.sum()))
    window = window_sum(y)
    share = np.where(inside, cardinality(y.shape, inside) / max(n, 1), 0.0)
    z = gi_star_z(y, inside)
    p_hot = np.ones(y.shape)
    p_cold = np.ones(y.shape)
    classes = np.full(y.shape, NOT_SIGNIFICANT, dtype=object)
    q = np.full(y.shape, np.nan)
    tests = 0
    if total > 0 and n > 1:
        idx = np.flatnonzero(inside.ravel())
        pi = np.clip(share.ravel()[idx], 0.0, 1.0)
        s = np.rint(window.ravel()[idx]).astype(np.int64)
        hot_p = np.ones(idx.size)
        some = s >= MIN_HOT_EVENTS  # below it the hot test does not reject: p = 1 (a valid, stricter test)
        hot_p[some] = stats.binom.sf(s[some] - 1, total, pi[some])
        cold_p = stats.binom.cdf(s, total, pi)
        p_hot.ravel()[idx] = hot_p
        p_cold.ravel()[idx] = cold_p
        with np.errstate(divide="ignore"):
            hot_min = total * np.log(pi) if total >= MIN_HOT_EVENTS else np.zeros(idx.size)
            log_min = np.concatenate([hot_min, total * np.log1p(-pi) if cold else np.zeros(idx.size)])
        if not cold:
            cold_p = np.ones(idx.size)  # never significant: p = 1 and a smallest attainable p of 1
        both = np.concatenate([hot_p, cold_p])
        positive = z.ravel()[idx] >= 0
        for level_alpha, level in sorted(LEVELS, key=lambda item: -item[0]):  # widest first; stricter overwrites
            rejected, q_level, size = discrete_bh(both, log_min, level_alpha)
            classes.ravel()[idx[rejected[: idx.size]]] = f"hot_{level}"
            classes.ravel()[idx[rejected[idx.size :]]] = f"cold_{level}"
            if level_alpha == DEFAULT_ALPHA:
                tests = size
                q.ravel()[idx] = np.where(positive, q_level[: idx.size], q_level[idx.size :])
    return HotspotResult(
        counts=y, mask=inside, window=window, expected=total * share, z=z, p_hot=p_hot, p_cold=p_cold, q=q,
        classes=classes, events=total, cells=n, tests=tests,
    )  # fmt: skip


def peaks(result: HotspotResult, min_level: int = 95, limit: int | None = None) -> list[tuple[int, int]]:
    """The hot spots to name: hot cells whose 3×3 windows do not overlap, the busiest window first.

    Greedy: take the hot cell with the most events in its window (ties: more events in the cell itself, so that a
    window is centred on the events rather than beside them when they all lie in one cell; then larger z),
    drop every hot cell within two cells of it (their windows would share cells), repeat. Each peak stands for
    its window's events.
    """
    hot = result.hot(min_level)
    rows, cols = np.nonzero(hot)
    order = sorted(zip(rows, cols, strict=True),
                   key=lambda rc: (-result.window[rc], -result.counts[rc], -result.z[rc], rc))  # fmt: skip
    taken: list[tuple[int, int]] = []
    blocked = np.zeros(hot.shape, dtype=bool)
    for r, c in order:
        if blocked[r, c]:
            continue
        taken.append((int(r), int(c)))
        blocked[max(0, r - 2) : r + 3, max(0, c - 2) : c + 3] = True
        if limit is not None and len(taken) >= limit:
            break
    return taken


# -- the classic procedure, kept for comparison ---------------------------------------------------------
def two_sided_p(z: np.ndarray) -> np.ndarray:
    return 2.0 * stats.norm.sf(np.abs(z))


def pseudo_p(counts: np.ndarray, permutations: int, seed: int | None = None) -> np.ndarray:
    """Two-sided conditional-randomisation pseudo p-values of the window sums over the full rectangle.

    The cell keeps its own value and its ``c_i − 1`` neighbours are drawn without replacement from the other
    ``n − 1`` cells; ``p = min(1, 2 (m + 1) / (P + 1))`` with ``m`` the permuted window sums at least as
    extreme as the observed one in the observed direction (esda reports the one-sided ``(m + 1)/(P + 1)``).
    Cells with the same window size and own value share one reference sample, which is what makes it fast.
    """
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


CLASSIC_LEVELS = ((0.01, 99), (0.05, 95), (0.10, 90))


def classify(z: np.ndarray, q: np.ndarray, levels=CLASSIC_LEVELS) -> np.ndarray:
    """'hot_99' … 'cold_90' or 'not_significant' per cell, from adjusted p-values and the sign of z."""
    out = np.full(np.shape(z), NOT_SIGNIFICANT, dtype=object)
    for alpha, level in sorted(levels, key=lambda item: -item[0]):  # strictest level written last wins
        significant = q <= alpha
        out[significant & (z > 0)] = f"hot_{level}"
        out[significant & (z < 0)] = f"cold_{level}"
    return out


@dataclass
class ClassicResult:
    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    classes: np.ndarray

    def hot(self, min_level: int = 95) -> np.ndarray:
        return np.isin(self.classes, [f"hot_{level}" for _, level in CLASSIC_LEVELS if level >= min_level])


def gi_star_fdr(counts: np.ndarray, permutations: int = 0, seed: int | None = None) -> ClassicResult:
    """The classic procedure (comparison only): Gi* over the full rectangle, normal or permutation p-values,
    BH over every cell. Not calibrated on sparse counts; see the module docstring."""
    y = np.asarray(counts, float)
    z = gi_star_z(y)
    p = pseudo_p(y, permutations, seed) if permutations > 0 else two_sided_p(z)
    q = fdr(p)
    return ClassicResult(z, p, q, classify(z, q))
