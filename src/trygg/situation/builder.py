"""Building a lägesbild: every number of the report, as one JSON-ready dict.

The HTML page, the PDF and the JSON export all render this dict; nothing shown is computed elsewhere.
Statistics come from :mod:`trygg.analysis`; this module only selects the data and arranges the results.

Choices (documented in the report itself where they matter to a reader):

* Categories are compared with the mean of the previous periods of the same kind (4 weeks, 12 months,
  3 tertials, 2 years) with the exact conditional Poisson test. An earlier period that began before the
  first recorded incident of the municipality is only partly covered by data; it is left out of the
  comparison (and marked in the series) instead of pulling the mean down.
* Spatial statistics use only incidents located to a street or better on a square grid (default 100 m,
  SWEREF 99 TM). Police events, which are municipality centroids, are counted but excluded from the map
  statistics and reported as excluded. The study area is the named area, or else the rectangle around all
  precisely located incidents of the municipality in the 365 days before the period ends, so that the grid
  is the same from week to week.
* The weekly brief compares hot cells of the last four weeks with the four weeks before ("new",
  "persisting", "ended").
* Longer periods add emerging hotspots over time slices (weeks of a month or tertial, months of a year) and
  the Knox near-repeat test when at least 30 incidents are precisely located.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from trygg.analysis import concentration as conc
from trygg.analysis.emerging import emerging_hotspots
from trygg.analysis.grid import Grid, bin_counts, grid_covering, to_projected
from trygg.analysis.harm import DEFAULT_WEIGHTS, harm_weights
from trygg.analysis.hotspots import gi_star
from trygg.analysis.kde import default_bandwidth, kde_surface
from trygg.analysis.nearrepeat import knox_test
from trygg.analysis.rates import rate
from trygg.analysis.temporal import poisson_trend, time_of_week
from trygg.incidents.models import Category, Source
from trygg.orgs.models import Municipality, OfficialStatistic, Place
from trygg.situation import data as d
from trygg.situation.models import Narrative
from trygg.situation.periods import Period

SCHEMA = 2  # bumped when the report's shape changes; part of the cache fingerprint
COMPARE_WITH = {"week": 4, "month": 12, "tertial": 3, "year": 2}
SERIES_LENGTH = {"week": 12, "month": 12, "tertial": 6, "year": 4}
NEAR_REPEAT_MINIMUM = 30
SPACE_BANDS = [0, 100, 200, 400]
TIME_BANDS = [0, 7, 14, 28]
SOURCES = [
    "Polisens händelser (polisen.se, öppna data): plats anges som kommunens eller länets mittpunkt.",
    "Rapporter från samverkansparterna (EST) i Trygg.",
    "Befolkning: SCB 2024. Anmälda brott per 100 000 invånare: Kolada N07540 (Brå).",
    "Kommungränser: Lantmäteriet.",
]


@dataclass
class Options:
    cell: float = 100.0
    permutations: int = 9999
    knox_simulations: int = 999
    seed: int = 20140305
    harm_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    crs: str = "EPSG:3006"


def _round(value, digits: int = 4):
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else round(float(value), digits)
    return value


def _period_json(period: Period) -> dict:
    return {
        "key": period.key,
        "kind": period.kind,
        "label": period.label_sv,
        "start": period.start.isoformat(),
        "end": (period.end - dt.timedelta(days=1)).isoformat(),
    }


class ReportBuilder:
    def __init__(
        self,
        municipality: Municipality,
        period: Period,
        place: Place | None = None,
        scope=None,
        options: Options | None = None,
        progress: Callable[[float], None] | None = None,
    ):
        self.municipality = municipality
        self.period = period
        self.place = place
        self.scope = scope or d.Scope()
        self.options = options or Options()
        self.progress = progress or (lambda fraction: None)
        self.base = d.municipality_scope(self.scope.queryset(), municipality)
        self.labels = dict(Category.objects.current().values_list("code", "label_sv"))
        self.data_from = d.first_day(self.base)

    # -- data --------------------------------------------------------------------------------------------
    def frame_for(self, start: dt.date, end: dt.date) -> tuple[d.Frame, int]:
        data = d.frame(d.in_period(self.base, start, end))
        return d.in_area(data, self.place)

    def category_counts(self, period: Period) -> Counter:
        if self.place is None:
            return Counter(d.counts_by_category(d.in_period(self.base, period.start, period.end)))
        data, _ = self.frame_for(period.start, period.end)
        return Counter(data.category.tolist())

    def covered(self, period: Period) -> bool:
        """Whether the data reaches back to the start of ``period`` (see the module docstring)."""
        return self.data_from is not None and period.start >= self.data_from

    def coverage(self) -> dict:
        earlier = self.period.previous(COMPARE_WITH[self.period.kind])
        return {
            "data_from": self.data_from.isoformat() if self.data_from else None,
            "compared_with": [p.key for p in earlier if self.covered(p)],
            "left_out": [p.key for p in earlier if not self.covered(p)],
        }

    def fingerprint(self) -> str:
        lookback = self.period.start - dt.timedelta(days=400)
        qs = d.in_period(self.base, lookback, self.period.end)
        narrative = self.narrative_query().values_list("id", flat=True).first()
        return f"{d.fingerprint(qs)}:n{narrative}:s{SCHEMA}:from{self.data_from}"

    def narrative_query(self):
        return Narrative.objects.filter(
            municipality=self.municipality, period=self.period.key, area=self.place.name if self.place else ""
        )

    # -- the report --------------------------------------------------------------------------------------
    def build(self) -> dict:
        current, excluded_area = self.frame_for(self.period.start, self.period.end)
        self.progress(0.1)
        report = {
            "schema": SCHEMA,
            "municipality": {
                "code": self.municipality.code,
                "name": self.municipality.name,
                "county": self.municipality.county.name,
                "population": self.municipality.population,
                "population_year": self.municipality.population_year,
            },
            "area": {"name": self.place.name, "geometry": self.place.geometry} if self.place else None,
            "period": _period_json(self.period),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "scope": self.scope.description,
            "options": {
                "cell_m": self.options.cell,
                "crs": self.options.crs,
                "permutations": self.options.permutations,
                "knox_simulations": self.options.knox_simulations,
            },
            "totals": self.totals(current, excluded_area),
            "coverage": self.coverage(),
            "categories": self.categories(current),
            "series": self.series(),
            "by_source": dict(Counter(current.source.tolist())),
            "by_organisation": [
                {"name": name, "count": n}
                for name, n in Counter(o for o in current.organisation.tolist() if o).most_common()
            ],
            "time_of_week": time_of_week(current.weekday, current.hour).astype(int).tolist(),
            "harm": self.harm(current),
            "rate_per_10k": self.rate(len(current)),
            "official": self.official(),
            "measures": self.open_measures(),
            "narrative": self.narrative(),
            "landmarks": [
                {"name": p.name, "lat": _round(p.lat, 6), "lon": _round(p.lon, 6)}
                for p in Place.objects.filter(municipality=self.municipality)
                if not p.is_area
            ],
            "sources": SOURCES,
        }
        self.progress(0.3)
        report["spatial"] = self.spatial(current)
        self.progress(1.0)
        return report

    def totals(self, current: d.Frame, excluded_area: int) -> dict:
        precise = current.radius <= self.options.cell
        county_level = 0
        if self.place is None:
            county_level = d.in_period(
                self.scope.queryset().filter(municipality__isnull=True, county=self.municipality.county),
                self.period.start,
                self.period.end,
            ).count()
        return {
            "incidents": len(current),
            "precise": int(precise.sum()),
            "excluded_from_spatial": int((~precise).sum()),
            "excluded_outside_area": excluded_area,
            "police": int((current.source == Source.POLICE).sum()),
            "generated": int(current.generated.sum()),
            "county_level_police": county_level,
        }

    def categories(self, current: d.Frame) -> list[dict]:
        earlier = [p for p in self.period.previous(COMPARE_WITH[self.period.kind]) if self.covered(p)]
        previous = [self.category_counts(p) for p in earlier]
        now = Counter(current.category.tolist())
        codes = sorted(set(now) | set().union(*previous), key=lambda c: (-now.get(c, 0), c))
        rows = [
            self._comparison(code, self.labels.get(code, code), now.get(code, 0), [p.get(code, 0) for p in previous])
            for code in codes
        ]
        rows.append(self._comparison("_total", "Totalt", len(current), [sum(p.values()) for p in previous]))
        return rows

    @staticmethod
    def _comparison(code: str, label: str, count: int, previous: list[int]) -> dict:
        """One row of the category table; without a fully covered earlier period there is nothing to test."""
        row = {"code": code, "label": label, "count": count}
        if not previous:
            none = dict.fromkeys(("previous_mean", "ratio", "ratio_low", "ratio_high", "p_value"))
            return {**row, **none, "direction": "no_data"}
        test = poisson_trend(count, previous)
        return {
            **row,
            "previous_mean": _round(test.previous_mean, 2),
            "ratio": _round(test.ratio, 2),
            "ratio_low": _round(test.ratio_low, 2),
            "ratio_high": _round(test.ratio_high, 2),
            "p_value": _round(test.p_value),
            "direction": test.direction,
        }

    def series(self) -> dict:
        periods = [*self.period.previous(SERIES_LENGTH[self.period.kind] - 1), self.period]
        counts = [self.category_counts(p) for p in periods]
        top = [code for code, _ in sum(counts, Counter()).most_common(5)]
        return {
            "periods": [p.key for p in periods],
            "labels": [p.label_sv for p in periods],
            "covered": [self.covered(p) for p in periods],
            "total": [sum(c.values()) for c in counts],
            "by_category": {code: [c.get(code, 0) for c in counts] for code in top},
            "category_labels": {code: self.labels.get(code, code) for code in top},
        }

    def harm(self, current: d.Frame) -> dict:
        weights = harm_weights(current.category.tolist(), self.options.harm_weights)
        total = float(weights.sum())
        population = self.municipality.population
        return {
            "total": _round(total, 1),
            "rate_per_10k": _round(total * 10_000 / population, 2) if population and not self.place else None,
            "weights": self.options.harm_weights,
            "method": "Minsta straff i dagar enligt brottsbalken per kategori (jfr Swedish Crime Harm Index).",
        }

    def rate(self, count: int) -> dict | None:
        if self.place is not None or not self.municipality.population:
            return None
        r = rate(count, self.municipality.population)
        return {
            "rate": _round(r.rate, 3),
            "low": _round(r.low, 3),
            "high": _round(r.high, 3),
            "population": r.population,
        }

    def open_measures(self) -> dict:
        from trygg.measures.models import Measure

        qs = Measure.objects.filter(municipality=self.municipality, status__in=["planned", "ongoing"])
        if self.place is not None:
            qs = qs.filter(problem_place__name=self.place.name) | qs.filter(title__icontains=self.place.name)
        items = [
            {
                "title": m.title,
                "owner": m.owner.name,
                "status": m.get_status_display(),
                "due": (m.due or m.end).isoformat() if (m.due or m.end) else None,
            }
            for m in qs.select_related("owner").order_by("due", "end")[:30]
        ]
        return {"available": True, "items": items}

    def official(self) -> dict:
        stat = (
            OfficialStatistic.objects.filter(municipality=self.municipality, indicator="reported_crime_per_100k")
            .order_by("-year")
            .first()
        )
        if stat is None:
            return {}
        return {"reported_crime_per_100k": {"value": _round(stat.value, 1), "year": stat.year, "source": stat.source}}

    def narrative(self) -> dict | None:
        latest = self.narrative_query().select_related("author").first()
        if latest is None:
            return None
        return {
            "text": latest.text,
            "author": latest.author.get_full_name() if latest.author else "",
            "created_at": latest.created_at.isoformat(timespec="minutes"),
            "version": self.narrative_query().count(),
        }

    # -- spatial -----------------------------------------------------------------------------------------
    def study_grid(self) -> Grid | None:
        crs, cell = self.options.crs, self.options.cell
        if self.place is not None and self.place.is_area:
            west, south, east, north = self.place.shape.bounds
        else:
            lookback = d.in_period(self.base, self.period.end - dt.timedelta(days=365), self.period.end)
            bounds = d.precise_bounds_lonlat(lookback)
            if bounds is None:
                return None
            west, south, east, north = bounds
        xs, ys = to_projected([west, east, west, east], [south, south, north, north], crs)
        return grid_covering(None, None, cell, crs=crs, margin_cells=1, bounds=(xs.min(), ys.min(), xs.max(), ys.max()))

    def spatial(self, current: d.Frame) -> dict:
        grid = self.study_grid()
        precise = current.subset(current.radius <= self.options.cell)
        if grid is None or len(precise) == 0:
            return {"available": False, "reason": "Inga exakt placerade händelser under perioden."}
        if grid.n > 250_000:
            return {"available": False, "reason": f"Studieområdet är för stort för {self.options.cell:g} m rutor."}
        x, y = to_projected(precise.lon, precise.lat, grid.crs)
        counts = bin_counts(grid, x, y)
        result = gi_star(counts, self.options.permutations, self.options.seed)
        self.progress(0.5)
        bandwidth = max(self.options.cell, default_bandwidth(x, y))
        density = kde_surface(grid, x, y, bandwidth)
        concentration = conc.concentration(counts)
        step = max(1, len(concentration.lorenz_x) // 100)
        spatial = {
            "available": True,
            "grid": {
                "x0": grid.x0,
                "y0": grid.y0,
                "cell": grid.cell,
                "nrows": grid.nrows,
                "ncols": grid.ncols,
                "crs": grid.crs,
            },
            "counts": counts.astype(int).tolist(),
            "hot_cells": self.cells(grid, result, result.hot(90)),
            "cold_cells": self.cells(grid, result, result.cold(90)),
            "permutations": result.permutations,
            "kde": {
                "bandwidth_m": _round(bandwidth, 1),
                "per_km2": np.round(density, 2).tolist(),
                "max": _round(float(density.max()), 2),
            },
            "concentration": {
                "top_1": _round(concentration.top_shares[0.01]),
                "top_5": _round(concentration.top_shares[0.05]),
                "top_10": _round(concentration.top_shares[0.10]),
                "gini": _round(concentration.gini),
                "gini_generalised": _round(concentration.gini_generalised),
                "cells": concentration.cells,
                "lorenz": [
                    [_round(a), _round(b)]
                    for a, b in zip(concentration.lorenz_x[::step], concentration.lorenz_y[::step], strict=True)
                ],
            },
        }
        if self.period.kind == "week":
            spatial["weekly_change"] = self.weekly_change(grid)
        else:
            spatial["emerging"] = self.emerging(grid, precise)
            self.progress(0.8)
            spatial["near_repeat"] = self.near_repeat(precise, grid.crs)
        return spatial

    def cells(self, grid: Grid, result, mask: np.ndarray) -> list[dict]:
        out = []
        for r, c in zip(*np.nonzero(mask), strict=True):
            out.append(
                {
                    "row": int(r),
                    "col": int(c),
                    "count": int(result.counts[r, c]),
                    "z": _round(result.z[r, c], 3),
                    "q": _round(result.q[r, c], 5),
                    "class": str(result.classes[r, c]),
                    "polygon": grid.cell_polygon_lonlat(int(r), int(c)),
                }
            )
        return sorted(out, key=lambda cell: -cell["z"])

    def window_hot(self, grid: Grid, start: dt.date, end: dt.date) -> set[tuple[int, int]]:
        data, _ = self.frame_for(start, end)
        data = data.subset(data.radius <= self.options.cell)
        if len(data) == 0:
            return set()
        x, y = to_projected(data.lon, data.lat, grid.crs)
        result = gi_star(bin_counts(grid, x, y), self.options.permutations, self.options.seed)
        return {(int(r), int(c)) for r, c in zip(*np.nonzero(result.hot(90)), strict=True)}

    def weekly_change(self, grid: Grid) -> dict:
        a_start = self.period.start - dt.timedelta(weeks=3)
        b_start = a_start - dt.timedelta(weeks=4)
        now = self.window_hot(grid, a_start, self.period.end)
        before = self.window_hot(grid, b_start, a_start)

        def cells(keys):
            return [{"row": r, "col": c, "polygon": grid.cell_polygon_lonlat(r, c)} for r, c in sorted(keys)]

        # When the data begin inside the earlier window, every hot cell would look "new": no comparison then.
        covered = self.data_from is not None and b_start >= self.data_from
        return {
            "window_now": [a_start.isoformat(), (self.period.end - dt.timedelta(days=1)).isoformat()],
            "window_before": [b_start.isoformat(), (a_start - dt.timedelta(days=1)).isoformat()],
            "covered": covered,
            "new": cells(now - before) if covered else [],
            "persisting": cells(now & before) if covered else [],
            "ended": cells(before - now) if covered else [],
        }

    def emerging(self, grid: Grid, precise: d.Frame) -> dict:
        slices = self.period.slices()
        if len(slices) < 3:
            return {"available": False, "reason": "För få tidsperioder."}
        x, y = to_projected(precise.lon, precise.lat, grid.crs)
        days = np.array([t.date() for t in precise.occurred])
        cube = np.stack(
            [
                bin_counts(grid, x[(days >= s.start) & (days < s.end)], y[(days >= s.start) & (days < s.end)])
                for s in slices
            ]
        )
        permutations = self.options.permutations
        result = emerging_hotspots(cube, permutations=permutations, seed=self.options.seed)
        cells = []
        for r, c in zip(*np.nonzero(result.categories != "none"), strict=True):
            cells.append(
                {
                    "row": int(r),
                    "col": int(c),
                    "category": str(result.categories[r, c]),
                    "tau": _round(result.trend_tau[r, c], 3),
                    "p": _round(result.trend_p[r, c], 4),
                    "polygon": grid.cell_polygon_lonlat(int(r), int(c)),
                }
            )
        return {
            "available": True,
            "slices": [s.label_sv for s in slices],
            "permutations": permutations,
            "cells": cells,
            "counts": dict(Counter(cell["category"] for cell in cells)),
        }

    def near_repeat(self, precise: d.Frame, crs: str) -> dict:
        if len(precise) < NEAR_REPEAT_MINIMUM:
            return {
                "available": False,
                "reason": f"Färre än {NEAR_REPEAT_MINIMUM} exakt placerade händelser ({len(precise)}).",
            }
        x, y = to_projected(precise.lon, precise.lat, crs)
        origin = d.local_midnight(self.period.start)
        result = knox_test(
            x,
            y,
            precise.days_since(origin),
            SPACE_BANDS,
            TIME_BANDS,
            simulations=self.options.knox_simulations,
            seed=self.options.seed,
        )

        def table(values, digits=3):
            return [[_round(float(v), digits) for v in row] for row in values]

        space_labels = [f"{a}–{b} m" for a, b in itertools.pairwise(SPACE_BANDS)]
        rows = [
            {
                "label": label,
                "cells": [
                    {"ratio": _round(float(result.ratio[i, j]), 2), "p": _round(float(result.p_value[i, j]), 3)}
                    for j in range(len(TIME_BANDS) - 1)
                ],
            }
            for i, label in enumerate(space_labels)
        ]
        return {
            "available": True,
            "space_bands_m": SPACE_BANDS,
            "time_bands_days": TIME_BANDS,
            "time_labels": [f"{a}–{b} dagar" for a, b in itertools.pairwise(TIME_BANDS)],
            "rows": rows,
            "observed": result.observed.astype(int).tolist(),
            "expected": table(result.expected, 2),
            "ratio": table(result.ratio, 2),
            "p_value": table(result.p_value, 3),
            "simulations": result.simulations,
            "events": result.events,
        }


def build_report(municipality, period, place=None, scope=None, options=None, progress=None) -> dict:
    return ReportBuilder(municipality, period, place, scope, options, progress).build()
