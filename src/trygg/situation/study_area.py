"""The study area of a lägesbild as grid cells: the municipality's (or a named area's) polygon on a grid.

Spatial statistics are computed over the cells whose centre lies inside the polygon — not over a rectangle
around the incidents, which would make hot spots and concentration depend on the shape of that rectangle.

For a whole municipality the study area is narrowed to where incidents are observed at all: the cells
within ``OBSERVED_RADIUS_M`` of a precisely located incident of the last twelve months (ESRI's "analysis
mask": leave out areas where points cannot occur). Partners report from the city centre, not from the
forests and lakes of the municipality; against an even spread over all of it, the whole centre would be one
trivial hot spot. Against the observed area, a hot spot stands out from the places where reporting happens.
A named area is always taken whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from scipy import ndimage

from trygg.analysis.grid import Grid, grid_covering, to_projected
from trygg.core import geo

MAX_CELLS = 1_500_000
OBSERVED_RADIUS_M = 500.0  # the rectangle around the polygon; Örebro kommun at 100 m is 0.37 million


class StudyAreaError(ValueError):
    pass


@dataclass(frozen=True)
class StudyArea:
    name: str
    grid: Grid
    mask: np.ndarray  # (nrows, ncols) booleans: cells inside the polygon
    observed_radius_m: float | None = None  # set when narrowed to the observed area

    @property
    def cells(self) -> int:
        return int(self.mask.sum())

    @property
    def km2(self) -> float:
        return self.cells * (self.grid.cell / 1000.0) ** 2

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and whether each projected point falls in a study-area cell."""
        row, col, inside = self.grid.cell_of(x, y)
        in_area = inside.copy()
        in_area[inside] = self.mask[row[inside], col[inside]]
        return row, col, in_area


@lru_cache(maxsize=24)
def _cached(name: str, geometry_json: str, cell: float, crs: str) -> StudyArea:
    polygon = geo.shape_from_geojson(json.loads(geometry_json))
    if polygon.geom_type not in {"Polygon", "MultiPolygon", "GeometryCollection"}:
        raise StudyAreaError(f"{name} has no area (a {polygon.geom_type}); a study area needs a polygon")
    projected = shapely.transform(polygon, lambda xy: np.column_stack(to_projected(xy[:, 0], xy[:, 1], crs)))
    grid = grid_covering(None, None, cell, crs=crs, bounds=projected.bounds)
    if grid.n > MAX_CELLS:
        raise StudyAreaError(
            f"{name} covers {grid.nrows}×{grid.ncols} cells of {cell:g} m, more than {MAX_CELLS:,}; choose larger cells"
        )
    xs, ys = grid.centres()
    shapely.prepare(projected)
    mask = shapely.contains_xy(projected, xs, ys)
    if not mask.any():  # an area smaller than one cell: its cell is the study area
        row, col, inside = grid.cell_of(np.array([projected.centroid.x]), np.array([projected.centroid.y]))
        if inside[0]:
            mask[row[0], col[0]] = True
    mask.setflags(write=False)
    return StudyArea(name=name, grid=grid, mask=mask)


def study_area(name: str, geometry: dict, cell: float, crs: str) -> StudyArea:
    """The cells of ``geometry`` (GeoJSON, WGS84) on an aligned grid of ``cell`` metres in ``crs`` (cached)."""
    if not geometry:
        raise StudyAreaError(f"{name} has no boundary to analyse")
    return _cached(name, json.dumps(geometry, sort_keys=True), float(cell), crs)


def observed(area: StudyArea, x, y, radius_m: float = OBSERVED_RADIUS_M) -> StudyArea:
    """The part of ``area`` within ``radius_m`` of the projected points ``x, y`` (see the module docstring)."""
    grid = area.grid
    row, col, inside = grid.cell_of(np.asarray(x, float), np.asarray(y, float))
    seen = np.zeros(grid.shape, dtype=bool)
    seen[row[inside], col[inside]] = True
    reach = int(np.ceil(radius_m / grid.cell))
    dr, dc = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    disk = np.hypot(dr, dc) * grid.cell <= radius_m
    mask = ndimage.binary_dilation(seen, structure=disk) & area.mask
    mask.setflags(write=False)
    return StudyArea(name=area.name, grid=grid, mask=mask, observed_radius_m=radius_m)


def including(area: StudyArea, x: np.ndarray, y: np.ndarray) -> StudyArea:
    """The study area with the cells of these projected points added: incidents known to lie inside the
    polygon (tested against its boundary) count even where their cell's centre falls just outside it — in a
    small area of a few cells, the centre rule alone would drop them."""
    row, col, inside = area.grid.cell_of(x, y)
    if not inside.any() or area.mask[row[inside], col[inside]].all():
        return area
    mask = area.mask.copy()
    mask[row[inside], col[inside]] = True
    mask.setflags(write=False)
    return StudyArea(name=area.name, grid=area.grid, mask=mask, observed_radius_m=area.observed_radius_m)
