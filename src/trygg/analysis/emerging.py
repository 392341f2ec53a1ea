"""Emerging hotspot analysis: Gi* in every time slice, and the Mann–Kendall trend of each cell's z-scores.

Follows the categories of ESRI's Emerging Hot Spot Analysis (Harris, N. L. et al. (2017). Using spatial
statistics to identify emerging hot spots of forest loss. Environmental Research Letters 12, 024012),
restricted to the ones a coordinator acts on:

* ``new`` — hot (90 % or more, FDR) in the final slice and never before;
* ``intensifying`` — hot in at least 90 % of the slices including the final one, z rising (Mann–Kendall);
* ``persistent`` — hot in at least 90 % of the slices, no significant trend;
* ``diminishing`` — hot in at least 90 % of the slices including the final one, z falling;
* ``consecutive`` — hot in an unbroken run of final slices (fewer than 90 % of all);
* ``sporadic`` — hot in the final slice and some earlier ones, on and off;
* ``historical`` — hot in at least 90 % of slices but not the final one;
* ``none`` — everything else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trygg.analysis.hotspots import gi_star
from trygg.analysis.temporal import mann_kendall

CATEGORIES = ("new", "intensifying", "persistent", "diminishing", "consecutive", "sporadic", "historical", "none")


@dataclass
class EmergingResult:
    categories: np.ndarray  # (nrows, ncols) of category names
    hot: np.ndarray  # (slices, nrows, ncols) booleans
    z: np.ndarray  # (slices, nrows, ncols)
    trend_tau: np.ndarray  # (nrows, ncols)
    trend_p: np.ndarray


def emerging_hotspots(
    cube: np.ndarray, permutations: int = 0, seed: int | None = None, progress=None
) -> EmergingResult:
    """``cube`` is (slices, nrows, ncols) counts; at least 3 slices.

    ``progress`` (optional) is called with a fraction 0…1 after each slice.
    """
    cube = np.asarray(cube, float)
    if cube.ndim != 3 or cube.shape[0] < 3:
        raise ValueError("need a (slices, rows, cols) cube with at least 3 time slices")
    slices = cube.shape[0]
    z = np.empty_like(cube)
    hot = np.zeros(cube.shape, dtype=bool)
    for t in range(slices):
        result = gi_star(cube[t], permutations=permutations, seed=None if seed is None else seed + t)
        z[t] = result.z
        hot[t] = result.hot(90)
        if progress:
            progress((t + 1) / (slices + 1))
    nrows, ncols = cube.shape[1:]
    tau = np.zeros((nrows, ncols))
    p = np.ones((nrows, ncols))
    categories = np.full((nrows, ncols), "none", dtype=object)
    ever_hot = hot.any(axis=0)
    for r, c in zip(*np.nonzero(ever_hot), strict=True):
        series = hot[:, r, c]
        mk = mann_kendall(z[:, r, c])
        tau[r, c], p[r, c] = mk.tau, mk.p_value
        categories[r, c] = _category(series, mk.trend)
    if progress:
        progress(1.0)
    return EmergingResult(categories=categories, hot=hot, z=z, trend_tau=tau, trend_p=p)


def _category(hot: np.ndarray, trend: str) -> str:
    n = hot.size
    final = bool(hot[-1])
    share = hot.mean()
    if final and hot.sum() == 1:
        return "new"
    if share >= 0.9:
        if not final:
            return "historical"
        if trend == "increasing":
            return "intensifying"
        if trend == "decreasing":
            return "diminishing"
        return "persistent"
    if final:
        run = n - int(np.flatnonzero(~hot)[-1]) - 1 if (~hot).any() else n
        earlier_hot = hot[: n - run].any()
        return "sporadic" if earlier_hot else "consecutive"
    return "none"
