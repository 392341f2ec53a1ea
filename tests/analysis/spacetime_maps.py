"""Simulated towns with a known answer for the space–time scan: a municipality-shaped mask, a clustered weekly
intensity and stationary (overdispersed, seasonal) weekly counts. Shared by ``tests/analysis/test_spacetime.py``
and ``benchmarks/calibration_spacetime.py`` so that the tests and the printed calibration draw the same maps."""

from __future__ import annotations

import numpy as np


def municipality_mask(shape=(200, 300)) -> np.ndarray:
    """An irregular study area of ~45 000 cells of 100 m: an ellipse with a lake cut out."""
    r, c = np.mgrid[: shape[0], : shape[1]]
    ellipse = ((r - shape[0] / 2) / (shape[0] / 2)) ** 2 + ((c - shape[1] / 2) / (shape[1] / 2)) ** 2 <= 1
    lake = ((r - shape[0] * 0.3) ** 2 + (c - shape[1] * 0.6) ** 2) <= (shape[0] / 8) ** 2
    return ellipse & ~lake


def intensity(mask: np.ndarray, rng, per_week: float = 60.0, busy: int = 300, centres: int = 6) -> np.ndarray:
    """Expected events a week per cell: 85 % in ~300 busy cells around a few town centres (gamma weights), 15 %
    spread over the whole area, so that most cells never see an event."""
    cells = np.flatnonzero(mask.ravel())
    lam = np.zeros(mask.size)
    lam[cells] = 0.15 / cells.size
    rows, cols = np.divmod(rng.choice(cells, centres), mask.shape[1])
    k = rng.integers(0, centres, busy)
    r = np.clip(np.rint(rows[k] + rng.normal(0, 6, busy)), 0, mask.shape[0] - 1).astype(int)
    c = np.clip(np.rint(cols[k] + rng.normal(0, 6, busy)), 0, mask.shape[1] - 1).astype(int)
    inside = mask[r, c]
    weight = rng.gamma(0.7, size=int(inside.sum()))
    np.add.at(lam, r[inside] * mask.shape[1] + c[inside], 0.85 * weight / weight.sum())
    return per_week * lam.reshape(mask.shape)


def stationary_cube(rng, lam: np.ndarray, weeks: int, last: float = 1.0) -> np.ndarray:
    """Poisson counts with a fixed spatial intensity times a week factor: gamma of shape 2 (overdispersed
    weekly volume) and a ±30 % season; ``last`` multiplies the final week everywhere."""
    t = np.arange(weeks)
    factor = rng.gamma(2.0, 0.5, weeks) * (1 + 0.3 * np.sin(2 * np.pi * (t / 52 + rng.uniform())))
    factor[-1] *= last
    totals = rng.poisson(lam.sum() * factor)
    cdf = np.cumsum(lam.ravel())
    cell = np.searchsorted(cdf / cdf[-1], rng.random(int(totals.sum())), side="right")
    week = np.repeat(t, totals)
    return np.bincount(week * lam.size + cell, minlength=weeks * lam.size).reshape(weeks, *lam.shape)


def venue_cell(rng, lam: np.ndarray) -> tuple[int, int]:
    """Where a new venue opens: a cell drawn from the background intensity (in town, among busy cells), not
    on the rectangle's edge."""
    r, c = divmod(int(rng.choice(lam.size, p=lam.ravel() / lam.sum())), lam.shape[1])
    return int(np.clip(r, 1, lam.shape[0] - 2)), int(np.clip(c, 1, lam.shape[1] - 2))
