"""Kernel density surface on a grid, for the heat-map layer.

A Gaussian kernel applied to binned counts (linear binning onto the grid, then a Gaussian filter): the
standard binned approximation to the KDE (Wand, M. P. (1994). Fast computation of multivariate kernel
estimators. Journal of Computational and Graphical Statistics 3(4), 433–445). Output is in events per km².
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from trygg.analysis.grid import Grid, bin_counts


def kde_surface(grid: Grid, x, y, bandwidth_m: float, weights=None) -> np.ndarray:
    """Density (events per km²) at every cell of ``grid``; ``bandwidth_m`` is the Gaussian σ in metres."""
    if bandwidth_m <= 0:
        raise ValueError("the bandwidth must be positive")
    counts = bin_counts(grid, x, y, weights)
    sigma_cells = bandwidth_m / grid.cell
    smoothed = ndimage.gaussian_filter(counts, sigma=sigma_cells, mode="constant", truncate=4.0)
    cell_km2 = (grid.cell / 1000.0) ** 2
    return smoothed / cell_km2


def default_bandwidth(x, y, minimum_m: float = 50.0) -> float:
    """Silverman's rule of thumb on the standard distance (Silverman 1986, eq. 4.14), at least ``minimum_m``."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n = x.size
    if n < 2:
        return minimum_m
    spread = np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2.0)
    return float(max(minimum_m, 1.06 * spread * n ** (-1 / 5)))
