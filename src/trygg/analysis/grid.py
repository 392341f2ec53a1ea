"""Square grids in a projected CRS, covering the full rectangle of a study area (empty cells included)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import Transformer

DEFAULT_CRS = "EPSG:3006"  # SWEREF 99 TM


@lru_cache(maxsize=32)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_projected(lon, lat, crs: str = DEFAULT_CRS) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (degrees) to x/y (metres) in ``crs``."""
    x, y = _transformer("EPSG:4326", crs).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


def to_lonlat(x, y, crs: str = DEFAULT_CRS) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _transformer(crs, "EPSG:4326").transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


@dataclass(frozen=True)
class Grid:
    """A rectangle of ``nrows × ncols`` square cells of ``cell`` metres; row 0 is the southernmost row.

    ``x0, y0`` is the south-west corner in the projected CRS.
    """

    x0: float
    y0: float
    cell: float
    nrows: int
    ncols: int
    crs: str = DEFAULT_CRS

    @property
    def n(self) -> int:
        return self.nrows * self.ncols

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nrows, self.ncols)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x0 + self.ncols * self.cell, self.y0 + self.nrows * self.cell)

    def cell_of(self, x, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row and column of each point, and a mask of the points inside the rectangle."""
        col = np.floor((np.asarray(x, float) - self.x0) / self.cell).astype(np.int64)
        row = np.floor((np.asarray(y, float) - self.y0) / self.cell).astype(np.int64)
        inside = (row >= 0) & (row < self.nrows) & (col >= 0) & (col < self.ncols)
        return row, col, inside

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Projected x/y of every cell centre, arrays of shape ``(nrows, ncols)``."""
        xs = self.x0 + (np.arange(self.ncols) + 0.5) * self.cell
        ys = self.y0 + (np.arange(self.nrows) + 0.5) * self.cell
        return np.meshgrid(xs, ys)

    def centres_lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.centres()
        lon, lat = to_lonlat(x.ravel(), y.ravel(), self.crs)
        return lon.reshape(self.shape), lat.reshape(self.shape)

    def cell_polygon_lonlat(self, row: int, col: int) -> list[list[float]]:
        """The cell's outline as a closed WGS84 ring ``[[lon, lat], …]`` (for GeoJSON)."""
        x = self.x0 + col * self.cell
        y = self.y0 + row * self.cell
        xs = np.array([x, x + self.cell, x + self.cell, x, x])
        ys = np.array([y, y, y + self.cell, y + self.cell, y])
        lon, lat = to_lonlat(xs, ys, self.crs)
        return [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]


def grid_covering(x, y, cell: float, crs: str = DEFAULT_CRS, margin_cells: int = 0, bounds=None) -> Grid:
    """The grid whose rectangle covers ``bounds`` (minx, miny, maxx, maxy) or else all points, aligned to
    multiples of ``cell`` so that the same area always gives the same cells."""
    if cell <= 0:
        raise ValueError("the cell size must be positive")
    if bounds is None:
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        if x.size == 0:
            raise ValueError("no points and no bounds: the study area is empty")
        bounds = (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
    minx, miny, maxx, maxy = bounds
    first_col, last_col = int(np.floor(minx / cell)), int(np.floor(maxx / cell))
    first_row, last_row = int(np.floor(miny / cell)), int(np.floor(maxy / cell))
    return Grid(
        x0=float((first_col - margin_cells) * cell),
        y0=float((first_row - margin_cells) * cell),
        cell=float(cell),
        nrows=last_row - first_row + 1 + 2 * margin_cells,
        ncols=last_col - first_col + 1 + 2 * margin_cells,
        crs=crs,
    )


def bin_counts(grid: Grid, x, y, weights=None) -> np.ndarray:
    """Counts (or summed weights) per cell, shape ``(nrows, ncols)``; points outside are ignored."""
    row, col, inside = grid.cell_of(x, y)
    flat = row[inside] * grid.ncols + col[inside]
    w = None if weights is None else np.asarray(weights, float)[inside]
    return np.bincount(flat, weights=w, minlength=grid.n).reshape(grid.shape)


@dataclass(frozen=True)
class PrecisionSplit:
    """Which points are located precisely enough for a grid of a given cell size."""

    usable: np.ndarray  # boolean mask
    excluded: int


def usable_for_cell(uncertainty_m, cell: float) -> PrecisionSplit:
    """Points whose location uncertainty (metres) is not coarser than the cell are usable.

    Municipality-centroid police events (uncertainty of tens of kilometres) never are; they are excluded
    from spatial statistics and reported as excluded.
    """
    radius = np.asarray(uncertainty_m, float)
    usable = radius <= cell
    return PrecisionSplit(usable=usable, excluded=int((~usable).sum()))
