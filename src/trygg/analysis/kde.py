"""Kernel density surface on a grid, for the heat-map layer.

A Gaussian kernel applied to linearly binned points (each point shares its weight between the four nearest
cell centres), then a Gaussian filter: the standard binned approximation to the kernel density estimate
(Wand 1994). Edge correction renormalises each point's kernel to the part that falls inside the window (the
study area's cells, or the whole grid), as Diggle (1985) and Jones (1993) describe, so the surface keeps the
mass of the data: ``Σ density × cell area = number of points inside the window``. Output is a float surface
in events per km².

Bandwidth: the normal-reference rule for two dimensions, ``h = σ n^(−1/6)`` per axis (Silverman 1986,
eq. 4.14: ``h = A(K) σ n^(−1/(d+4))`` with ``A = (4/(d+2))^(1/(d+4)) = 1`` for the Gaussian kernel and
``d = 2``; Scott 1992, eq. 6.42, gives the same), with Silverman's robust spread ``σ = min(sd, IQR/1.349)``
averaged over the two axes, so that a few far-away points do not flatten the city centre.

References
----------
* Diggle, P. (1985). A kernel method for smoothing point process data. JRSS C 34(2), 138–147.
* Jones, M. C. (1993). Simple boundary correction for kernel density estimation. Statistics and Computing
  3, 135–146.
* Scott, D. W. (1992). Multivariate Density Estimation. Wiley.
* Silverman, B. W. (1986). Density Estimation for Statistics and Data Analysis. Chapman & Hall.
* Wand, M. P. (1994). Fast computation of multivariate kernel estimators. Journal of Computational and
  Graphical Statistics 3(4), 433–445.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from trygg.analysis.grid import Grid

TRUNCATE = 4.0  # kernel cut at 4 σ


def finite_points(x, y) -> tuple[np.ndarray, np.ndarray]:
    """``x, y`` as float arrays; a clear error naming the first point whose coordinate is not a number."""
    x = np.asarray(x, float).ravel()
    y = np.asarray(y, float).ravel()
    if x.size != y.size:
        raise ValueError(f"x has {x.size} values and y {y.size}; give one x and one y per point")
    bad = np.flatnonzero(~(np.isfinite(x) & np.isfinite(y)))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"point {i + 1} has a coordinate that is not a finite number (x={float(x[i])}, y={float(y[i])}); "
            f"{bad.size} point(s) in all"
        )
    return x, y


def linear_binning(grid: Grid, x, y, weights=None, window: np.ndarray | None = None) -> np.ndarray:
    """Weights of the points shared between the four nearest cell centres (bilinear), shape of the grid.

    Only points in a cell of the window (all cells when omitted) count; a share that would land on a cell
    outside the window or beyond the grid's edge goes to the point's own cell instead, so the binned total
    equals the weight of the points inside the window.
    """
    x, y = finite_points(x, y)
    w = np.ones(x.size) if weights is None else np.asarray(weights, float).ravel()
    inside_window = np.ones(grid.shape, dtype=bool) if window is None else np.asarray(window, dtype=bool)
    own_row, own_col, inside = grid.cell_of(x, y)
    own_row, own_col = own_row[inside], own_col[inside]
    keep = inside_window[own_row, own_col]
    own_row, own_col = own_row[keep], own_col[keep]
    u = (x[inside][keep] - grid.x0) / grid.cell - 0.5
    v = (y[inside][keep] - grid.y0) / grid.cell - 0.5
    w = w[inside][keep]
    c0 = np.floor(u).astype(np.int64)
    r0 = np.floor(v).astype(np.int64)
    fu = u - c0
    fv = v - r0
    out = np.zeros(grid.n)
    for dr, wr in ((0, 1 - fv), (1, fv)):
        for dc, wc in ((0, 1 - fu), (1, fu)):
            rows = r0 + dr
            cols = c0 + dc
            ok = (rows >= 0) & (rows < grid.nrows) & (cols >= 0) & (cols < grid.ncols)
            ok[ok] = inside_window[rows[ok], cols[ok]]
            rows = np.where(ok, rows, own_row)
            cols = np.where(ok, cols, own_col)
            np.add.at(out, rows * grid.ncols + cols, w * wr * wc)
    return out.reshape(grid.shape)


def kde_surface(grid: Grid, x, y, bandwidth_m: float, weights=None, mask: np.ndarray | None = None) -> np.ndarray:
    """Density (events per km², float) at every cell of ``grid``; ``bandwidth_m`` is the Gaussian σ in metres.

    ``mask`` (optional) is the window — the study area's cells; points binned outside it and density outside
    it are dropped. Mass-preserving: the surface times the cell area sums to the points inside the window.
    """
    if not np.isfinite(bandwidth_m) or bandwidth_m <= 0:
        raise ValueError(f"the bandwidth must be a positive number of metres, not {bandwidth_m!r}")
    window = np.ones(grid.shape) if mask is None else np.asarray(mask, float)
    if window.shape != grid.shape:
        raise ValueError(f"the mask has shape {window.shape}, the grid {grid.shape}")
    binned = linear_binning(grid, x, y, weights, window > 0)
    sigma = bandwidth_m / grid.cell
    inside_mass = ndimage.gaussian_filter(window, sigma=sigma, mode="constant", truncate=TRUNCATE)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(binned > 0, binned / inside_mass, 0.0)
    smoothed = ndimage.gaussian_filter(scaled, sigma=sigma, mode="constant", truncate=TRUNCATE) * window
    cell_km2 = (grid.cell / 1000.0) ** 2
    return smoothed / cell_km2


def robust_spread(values: np.ndarray) -> float:
    """Silverman's ``min(sd, IQR / 1.349)``; the sd alone when the IQR is zero."""
    sd = float(np.std(values, ddof=1))
    q75, q25 = np.percentile(values, [75, 25])
    iqr = float(q75 - q25) / 1.349
    return min(sd, iqr) if iqr > 0 else sd


def default_bandwidth(x, y, minimum_m: float = 50.0) -> float:
    """The 2-D normal-reference bandwidth ``σ n^(−1/6)`` (module docstring), at least ``minimum_m``."""
    x, y = finite_points(x, y)
    n = x.size
    if n < 2:
        return minimum_m
    spread = (robust_spread(x) + robust_spread(y)) / 2.0
    return float(max(minimum_m, spread * n ** (-1 / 6)))
