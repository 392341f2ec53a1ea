"""The spatial part of a lägesbild: hot spots named after places, density, concentration, change, near repeats.

Every statistic is computed over the study area (:mod:`trygg.situation.study_area`); the arrays sent to the
maps are cut to a view window around the data so the report stays small. Methods live in
:mod:`trygg.analysis`; this module selects, names and arranges.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from trygg.analysis import concentration as conc
from trygg.analysis.emerging import MIN_SLICES, TooFewSlices, emerging_hotspots
from trygg.analysis.grid import Grid, bin_counts, to_lonlat, to_projected
from trygg.analysis.hotspots import DEFAULT_ALPHA, HotspotResult, hotspot_test, peaks
from trygg.analysis.kde import default_bandwidth, kde_surface
from trygg.analysis.nearrepeat import SAME_LOCATION_M, knox_test
from trygg.analysis.spacetime import MIN_WEEKS, space_time_scan
from trygg.situation import data as d
from trygg.situation.places import Namer, when_pattern
from trygg.situation.study_area import StudyArea

NEAR_REPEAT_MINIMUM = 30
SPACE_BANDS = [0, 100, 200, 400]
TIME_BANDS = [0, 7, 14, 28]
VIEW_MARGIN_CELLS = 3
HOTSPOTS_LISTED = 10
SCAN_WEEKS = 26  # history of the new-hot-spot scan, the current week included (half a year: enough to know a place)
SCAN_RADIUS_CELLS = 3  # circles up to three cells from their centre (300 m on the default grid)
SCAN_SIMULATIONS = 999


def rounded(value, digits: int = 4):
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else round(float(value), digits)
    return value


@dataclass
class Located:
    """The precise incidents of a frame with their projected position and study-area cell."""

    frame: d.Frame
    x: np.ndarray
    y: np.ndarray
    row: np.ndarray
    col: np.ndarray

    @classmethod
    def of(cls, frame: d.Frame, area: StudyArea) -> tuple[Located, int]:
        """The incidents in the study area, and how many precise ones fell outside it."""
        x, y = to_projected(frame.lon, frame.lat, area.grid.crs)
        row, col, in_area = area.locate(x, y)
        return cls(frame.subset(in_area), x[in_area], y[in_area], row[in_area], col[in_area]), int((~in_area).sum())

    def counts(self, grid: Grid) -> np.ndarray:
        return bin_counts(grid, self.x, self.y)


def _level(result: HotspotResult, r: int, c: int) -> int:
    cls = str(result.classes[r, c])
    return int(cls.split("_")[1]) if "_" in cls and cls != "not_significant" else 0


class SpatialSection:
    def __init__(
        self,
        area: StudyArea,
        namer: Namer,
        labels: dict[str, str],
        points_for: Callable[[dt.date, dt.date], d.Points],
        view_bounds_lonlat: tuple[float, float, float, float] | None,
        knox_simulations: int,
        seed: int,
        cold: bool = True,
    ):
        self.area = area
        self.grid = area.grid
        self.namer = namer
        self.labels = labels
        self.points_for = points_for
        self.view_bounds = view_bounds_lonlat
        self.knox_simulations = knox_simulations
        self.seed = seed
        self.cold = cold  # cold spots are tested only where the study area was not cut out by the data

    # -- the whole section ------------------------------------------------------------------------------
    def build(self, current: d.Frame, period, data_from: dt.date | None, progress) -> dict:
        located, outside = Located.of(current, self.area)
        counts = located.counts(self.grid)
        result = hotspot_test(counts, self.area.mask, cold=self.cold)
        progress(0.45)
        view = self.view_window(located, result)
        bandwidth = (
            max(self.grid.cell, default_bandwidth(located.x, located.y)) if len(located.frame) else self.grid.cell
        )
        density = kde_surface(self.grid, located.x, located.y, bandwidth, mask=self.area.mask)
        r0, r1, c0, c1 = view
        spatial = {
            "available": True,
            "study_area": {
                "name": self.area.name,
                "observed_radius_m": self.area.observed_radius_m,
                "cold_tested": self.cold,
                "cells": self.area.cells,
                "km2": rounded(self.area.km2, 1),
                "events": int(result.events),
                "outside": outside,
                "tests": result.tests,
                "alpha": DEFAULT_ALPHA,
            },
            "grid": {
                "x0": self.grid.x0 + c0 * self.grid.cell,
                "y0": self.grid.y0 + r0 * self.grid.cell,
                "cell": self.grid.cell,
                "nrows": r1 - r0,
                "ncols": c1 - c0,
                "crs": self.grid.crs,
            },
            "counts": counts[r0:r1, c0:c1].astype(int).tolist(),
            "hotspots": self.hotspots(result, located),
            "hot_cells": self.cells(result, result.hot(95), view),
            "cold_cells": self.cells(result, result.cold(95), view),
            "kde": {
                "bandwidth_m": rounded(bandwidth, 1),
                "per_km2": np.round(density[r0:r1, c0:c1], 3).tolist(),
                "max": rounded(float(density.max()), 2),
                "mass": rounded(float(density.sum() * (self.grid.cell / 1000.0) ** 2), 3),
            },
            "concentration": self.concentration(counts),
        }
        if period.kind == "week":
            spatial["new_hotspots"] = self.new_hotspots(period, data_from, view)
        else:
            spatial["emerging"] = self.emerging(period, located, view)
            progress(0.8)
            spatial["near_repeat"] = self.near_repeat(located)
        return spatial

    def view_window(self, located: Located, result: HotspotResult) -> tuple[int, int, int, int]:
        """Rows and columns ``[r0, r1) × [c0, c1)`` around the data of the last year and every significant
        cell, with a margin; the whole grid when there is nothing to centre on."""
        rows, cols = [], []
        if self.view_bounds is not None:
            west, south, east, north = self.view_bounds
            xs, ys = to_projected([west, east, west, east], [south, south, north, north], self.grid.crs)
            r, c, _ = self.grid.cell_of(xs, ys)
            rows += list(np.clip(r, 0, self.grid.nrows - 1))
            cols += list(np.clip(c, 0, self.grid.ncols - 1))
        rows += list(located.row)
        cols += list(located.col)
        significant = np.nonzero(result.hot(95) | result.cold(95))
        rows += list(significant[0])
        cols += list(significant[1])
        if not rows:
            return 0, self.grid.nrows, 0, self.grid.ncols
        m = VIEW_MARGIN_CELLS
        return (max(0, int(min(rows)) - m), min(self.grid.nrows, int(max(rows)) + m + 1),
                max(0, int(min(cols)) - m), min(self.grid.ncols, int(max(cols)) + m + 1))  # fmt: skip

    # -- hot spots ---------------------------------------------------------------------------------------
    def window_polygon(self, r: int, c: int) -> list[list[float]]:
        """The 3×3 window around cell (r, c) as a WGS84 ring."""
        g = self.grid
        x0, y0 = g.x0 + (c - 1) * g.cell, g.y0 + (r - 1) * g.cell
        xs = np.array([x0, x0 + 3 * g.cell, x0 + 3 * g.cell, x0, x0])
        ys = np.array([y0, y0, y0 + 3 * g.cell, y0 + 3 * g.cell, y0])
        lon, lat = to_lonlat(xs, ys, g.crs)
        return [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]

    def hotspots(self, result: HotspotResult, located: Located) -> list[dict]:
        """The non-overlapping hot windows, busiest first, named after the nearest place."""
        out = []
        named: set[str] = set()
        for r, c in peaks(result, 95, HOTSPOTS_LISTED):
            near = (np.abs(located.row - r) <= 1) & (np.abs(located.col - c) <= 1)
            events = located.frame.subset(near)
            x, y = float(located.x[near].mean()), float(located.y[near].mean())
            lon, lat = to_lonlat(np.array([x]), np.array([y]), self.grid.crs)
            categories = Counter(events.category.tolist()).most_common(3)
            where = self.namer.describe(x, y)
            if where["kind"] in ("at", "in") and where["place"] in named:
                where = self.namer.describe(x, y, relative=True)  # a second spot by the same place: say where
            named.add(where.get("place", ""))
            out.append(
                {
                    "where": where,
                    "count": int(result.window[r, c]),
                    "expected": rounded(float(result.expected[r, c]), 2),
                    "p": rounded(float(result.p_hot[r, c]), 8),
                    "q": rounded(float(result.q[r, c]), 6),
                    "level": _level(result, r, c),
                    "categories": [{"label": self.labels.get(k, k), "count": n} for k, n in categories],
                    "when": when_pattern(events.weekday, events.hour),
                    "generated": int(events.generated.sum()),
                    "lat": round(float(lat[0]), 6),
                    "lon": round(float(lon[0]), 6),
                    "polygon": self.window_polygon(r, c),
                }
            )
        return out

    def cells(self, result: HotspotResult, mask: np.ndarray, view) -> list[dict]:
        r0, _, c0, _ = view
        out = []
        for r, c in zip(*np.nonzero(mask), strict=True):
            out.append(
                {
                    "row": int(r - r0),
                    "col": int(c - c0),
                    "count": int(result.counts[r, c]),
                    "window": int(result.window[r, c]),
                    "z": rounded(result.z[r, c], 3),
                    "q": rounded(result.q[r, c], 6),
                    "class": str(result.classes[r, c]),
                    "polygon": self.grid.cell_polygon_lonlat(int(r), int(c)),
                }
            )
        return sorted(out, key=lambda cell: (-cell["window"], -(cell["z"] or 0)))

    # -- concentration -----------------------------------------------------------------------------------
    def concentration(self, counts: np.ndarray) -> dict:
        values = counts[self.area.mask]
        result = conc.concentration(values)
        step = max(1, len(result.lorenz_x) // 100)
        sparse = result.incidents < result.cells
        return {
            "top_1": rounded(result.top_shares[0.01]),
            "top_5": rounded(result.top_shares[0.05]),
            "top_10": rounded(result.top_shares[0.10]),
            "gini": rounded(result.gini),
            "gini_generalised": rounded(result.gini_generalised),
            "headline": "gini_generalised" if sparse else "gini",
            "cells": result.cells,
            "cells_with_events": int((values > 0).sum()),
            "incidents": int(result.incidents),
            "lorenz": [
                [rounded(a), rounded(b)] for a, b in zip(result.lorenz_x[::step], result.lorenz_y[::step], strict=True)
            ],
        }

    # -- new hot spots ----------------------------------------------------------------------------------
    def new_hotspots(self, period, data_from: dt.date | None, view) -> dict:
        """Places where the last one or two weeks hold more incidents than their own history and the map's recent
        volume predict: a prospective space–time permutation scan (:mod:`trygg.analysis.spacetime`) over up to
        ``SCAN_WEEKS`` weeks of precisely located incidents, the current week last."""
        first = period.end - dt.timedelta(weeks=SCAN_WEEKS)
        if data_from is not None and data_from > first:
            first = period.end - dt.timedelta(weeks=max(0, (period.end - data_from).days // 7))
        weeks = (period.end - first).days // 7
        out = {"from": first.isoformat(), "to": (period.end - dt.timedelta(days=1)).isoformat(), "weeks": weeks,
               "enough_history": False, "alpha": DEFAULT_ALPHA, "clusters": []}  # fmt: skip
        if weeks < MIN_WEEKS:
            return out
        data = self.points_for(first, period.end)
        x, y = to_projected(data.lon, data.lat, self.area.grid.crs)
        row, col, inside = self.area.locate(x, y)
        week = data.week_of(first, weeks)
        keep = inside & (week >= 0)
        data, x, y, row, col, week = data.subset(keep), x[keep], y[keep], row[keep], col[keep], week[keep]
        cube = np.zeros((weeks, self.grid.nrows, self.grid.ncols), dtype=np.int64)
        np.add.at(cube, (week, row, col), 1)
        result = space_time_scan(cube, self.area.mask, max_radius_cells=SCAN_RADIUS_CELLS, max_weeks=2,
                                 simulations=SCAN_SIMULATIONS, seed=self.seed)  # fmt: skip
        out["enough_history"] = result.enough_history
        out["events"] = result.events
        r0, _, c0, _ = view
        for cluster in result.clusters:
            if cluster.p_value > DEFAULT_ALPHA:
                continue
            cells = set(cluster.cells)
            member = np.array([(int(r), int(c)) in cells for r, c in zip(row, col, strict=True)], dtype=bool)
            recent = member & (week >= weeks - cluster.weeks)
            centre_x, centre_y = float(x[recent].mean()), float(y[recent].mean())
            categories, generated = d.kinds(data.ids[recent])
            out["clusters"].append(
                {
                    "where": self.namer.describe(centre_x, centre_y),
                    "observed": cluster.observed,
                    "expected": rounded(cluster.expected, 2),
                    "weeks": cluster.weeks,
                    "since": (period.end - dt.timedelta(weeks=cluster.weeks)).isoformat(),
                    "radius_m": int(cluster.radius_cells * self.grid.cell + self.grid.cell / 2),
                    "p_value": rounded(cluster.p_value, 4),
                    "categories": [{"label": self.labels.get(k, k), "count": n} for k, n in categories.most_common(3)],
                    "generated": generated,
                    "cells": [
                        {"row": r - r0, "col": c - c0, "polygon": self.grid.cell_polygon_lonlat(r, c)}
                        for r, c in cluster.cells
                    ],
                }
            )
        return out

    # -- emerging hot spots ------------------------------------------------------------------------------
    def emerging(self, period, located: Located, view) -> dict:
        slices = period.slices()
        if len(slices) < MIN_SLICES:
            return {"available": False, "reason": "too_few_slices", "slices": len(slices), "minimum": MIN_SLICES}
        days = np.array([t.date() for t in located.frame.occurred])
        cube = []
        for s in slices:
            chosen = (days >= s.start) & (days < s.end) if days.size else np.zeros(0, dtype=bool)
            cube.append(bin_counts(self.grid, located.x[chosen], located.y[chosen]))
        try:
            result = emerging_hotspots(np.stack(cube), self.area.mask, test_cold=self.cold)
        except TooFewSlices:
            return {"available": False, "reason": "too_few_slices", "slices": len(slices), "minimum": MIN_SLICES}
        r0, _, c0, _ = view
        cells = []
        for r, c in zip(*np.nonzero(result.categories != "none"), strict=True):
            cells.append(
                {
                    "row": int(r - r0),
                    "col": int(c - c0),
                    "category": str(result.categories[r, c]),
                    "tau": rounded(result.trend_tau[r, c], 3),
                    "p": rounded(result.trend_p[r, c], 4),
                    "where": self.namer.describe(*self.grid_centre(r, c)),
                    "polygon": self.grid.cell_polygon_lonlat(int(r), int(c)),
                }
            )
        places: dict[str, list[dict]] = {}
        for cell in cells:  # where each kind of pattern is: each place once, at most five
            seen = places.setdefault(cell["category"], [])
            if cell["where"] not in seen and len(seen) < 5:
                seen.append(cell["where"])
        return {
            "available": True,
            "slices": [s.label_sv for s in slices],
            "cells": cells,
            "counts": dict(Counter(cell["category"] for cell in cells).most_common()),
            "places": places,
        }

    def grid_centre(self, r: int, c: int) -> tuple[float, float]:
        return self.grid.x0 + (c + 0.5) * self.grid.cell, self.grid.y0 + (r + 0.5) * self.grid.cell

    # -- near repeats ------------------------------------------------------------------------------------
    def near_repeat(self, located: Located) -> dict:
        events = len(located.frame)
        if events < NEAR_REPEAT_MINIMUM or self.knox_simulations < 1:
            return {"available": False, "reason": "too_few_events", "events": events, "minimum": NEAR_REPEAT_MINIMUM}
        day = np.array([t.date().toordinal() for t in located.frame.occurred], dtype=np.int64)
        result = knox_test(located.x, located.y, day, SPACE_BANDS, TIME_BANDS,
                           simulations=self.knox_simulations, seed=self.seed)  # fmt: skip
        significant = result.significant()
        space = [{"same_location": True, "from": 0, "to": SAME_LOCATION_M}] + [
            {"same_location": False, "from": a + 1, "to": b} for a, b in itertools.pairwise(SPACE_BANDS)
        ]
        time = [{"from": a + (1 if i else 0), "to": b} for i, (a, b) in enumerate(itertools.pairwise(TIME_BANDS))]
        rows = [
            {
                "band": band,
                "cells": [
                    {
                        "observed": int(result.observed[i, j]),
                        "expected": rounded(float(result.expected[i, j]), 2),
                        "ratio": rounded(float(result.ratio[i, j]), 2),
                        "p": rounded(float(result.p_value[i, j]), 4),
                        "q": rounded(float(result.q_value[i, j]), 4),
                        "significant": bool(significant[i, j]),
                    }
                    for j in range(len(time))
                ],
            }
            for i, band in enumerate(space)
        ]
        return {
            "available": True,
            "space_bands": space,
            "time_bands": time,
            "rows": rows,
            "tests": result.tests,
            "significant": int(significant.sum()),
            "simulations": result.simulations,
            "events": result.events,
            "pairs": result.pairs,
        }
