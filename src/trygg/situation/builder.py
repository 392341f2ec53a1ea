"""Building a lägesbild: every number of the report, as one JSON-ready dict.

The HTML page, the PDF and the JSON export all render this dict; nothing shown is computed elsewhere.
Statistics come from :mod:`trygg.analysis`; this module only selects the data and arranges the results.

Choices (documented in the report itself where they matter to a reader):

* Categories are compared, as rates per day, with the same period of earlier years and its neighbours
  where the data reach back far enough (season), else with the periods just before
  (:mod:`trygg.situation.trends`); overdispersion is estimated from that history and the table's rows are
  corrected for multiplicity together (:mod:`trygg.analysis.change`). Earlier periods that began before
  the municipality's first recorded incident are only partly covered and are never used.
* Spatial statistics use only incidents located to a street or better, on a square grid (default 100 m,
  SWEREF 99 TM) over the study area: the named area, or else the municipality's own boundary
  (:mod:`trygg.situation.study_area`). Police events, which are municipality centroids, are counted but
  not placed on the map, and are reported as such.
* Hot spots: exact window tests with discrete false-discovery-rate control
  (:func:`trygg.analysis.hotspots.hotspot_test`); the listed hot spots are non-overlapping 300 × 300 m
  windows named after the nearest named place (:mod:`trygg.situation.spatial`).
* The weekly brief compares hot cells of the last four weeks with the four weeks before ("new",
  "persisting", "ended") and lists the week's incidents per place.
* Longer periods add emerging hot spots when they have at least ten time slices (a tertial's weeks, a
  year's months) and the Knox near-repeat test when at least 30 incidents are precisely located.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from django.db.models import Count, Max
from django.utils import timezone

from trygg.analysis import season
from trygg.analysis.change import NO_DATA, Row, compare_table
from trygg.analysis.grid import to_projected
from trygg.analysis.harm import DEFAULT_WEIGHTS, harm_weights
from trygg.analysis.rates import rate
from trygg.analysis.temporal import time_of_week
from trygg.core.periods import Period, reader_label
from trygg.incidents.models import Category, Incident, Precision, Source
from trygg.orgs.models import Municipality, OfficialStatistic, Place
from trygg.situation import data as d
from trygg.situation import plain, sections, source_check
from trygg.situation.models import Narrative
from trygg.situation.places import NamedPlace, Namer
from trygg.situation.spatial import SpatialSection, rounded
from trygg.situation.study_area import StudyAreaError, including, observed, study_area
from trygg.situation.trends import NONE, comparison_periods, exposure_days, years_earlier

SCHEMA = 11  # bumped when the report's shape or methods change; part of the cache fingerprint
SERIES_LENGTH = {"week": 12, "month": 12, "tertial": 6, "year": 4}
WEEK_PLACE_ITEMS = 40  # incidents listed per place in the weekly brief (all are counted)
SOURCES = [
    "Polisens händelser (polisen.se, öppna data): plats anges som kommunens eller länets mittpunkt. Sedan februari "
    "2026 anger polisen länet som plats och kommunen sist i rubriken; Trygg läser kommunen därifrån, och det som "
    "inte kan placeras i en kommun räknas för länet.",
    "Rapporter från samverkansparterna (EST) i Trygg.",
    "Befolkning: SCB 2024. Anmälda brott per 100 000 invånare: Kolada N07540 (Brå).",
    "Kommungränser: Lantmäteriet.",
]


DOMINANT_AT_MOST, DOMINANT_AMONG = 3, 10  # a harm-weighted figure made by so few of so many incidents is said
WIDE_SPAN = 4.0  # an interval whose ends differ more than this factor says too little to be "no clear difference"


def too_uncertain(low: float | None, high: float | None) -> bool:
    """Whether a row without a flag is "too uncertain to say" rather than "no clear difference": its interval
    allows anything from a halving to a doubling, or spans more than a factor of ``WIDE_SPAN`` (0,68–18,3 says as
    little as 0,4–2,5, though it does not reach a halving)."""
    if low is None or high is None or low <= 0:
        return True
    return (low < 0.5 and high > 2.0) or high / low > WIDE_SPAN


@dataclass
class Options:
    cell: float = 100.0
    knox_simulations: int = 999
    seed: int = 20140305
    harm_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    crs: str = "EPSG:3006"


_round = rounded


def _period_json(period: Period) -> dict:
    return {
        "key": period.key,
        "kind": period.kind,
        "label": reader_label(period),
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
        self.places = list(Place.objects.filter(municipality=municipality))
        self.today = timezone.localdate()
        self._namer: Namer | None = None
        self._days: d.DayCounts | None = None
        self._year: Callable[[], d.Points] = lambda: d.points(d.in_period(self.base, *self.year_read()))

    # -- data --------------------------------------------------------------------------------------------
    def frame_for(self, start: dt.date, end: dt.date) -> tuple[d.Frame, int]:
        data = d.frame(d.in_period(self.base, start, end))
        return d.in_area(data, self.place)

    def category_counts(
        self, period: Period, leave_out: source_check.Comparable | None = None, days: np.ndarray | None = None
    ) -> Counter:
        """Incidents per category in ``period`` (on the ``days`` of it only, if given), without the sources
        ``leave_out`` excludes if given: summed from the day counts read for the source check where they cover the
        period, else counted anew (then without ``days``: those are given only where the day counts are read)."""
        if self.place is None and self._days is not None and self._days.covers(period.start, period.end):
            keys = leave_out.excluded_keys() if leave_out is not None else frozenset()
            return self._days.categories(period.start, period.end, keys, days)
        where = leave_out.exclude_q() if leave_out is not None else None
        base = self.base if where is None else self.base.exclude(where)
        if self.place is None:
            return Counter(d.counts_by_category(d.in_period(base, period.start, period.end)))
        data, _ = in_area_of(base, period, self.place)
        return Counter(data.category.tolist())

    def sources(self, baseline: list[Period]) -> tuple[list[source_check.SourceStatus], dt.date, dt.date]:
        """Every source's gaps over the days the comparison and the series read (:mod:`.source_check`); the
        counts per day are kept for the category counts of the same days."""
        series = self.period.previous(SERIES_LENGTH[self.period.kind] - 1)
        first = min(p.start for p in [*baseline, *series, self.period])
        last = min(self.period.end, self.today + dt.timedelta(days=1))
        if last <= first:
            return [], first, last
        self._days = d.day_counts(self.base, first, self.period.end)
        earlier, later = d.has_events_before(self.base, first), d.has_events_after(self.base, last)
        return source_check.statuses_of(self._days, last, earlier, later), first, last

    def _has_data(self, period: Period) -> bool:
        """Whether any data reach into ``period`` (a period that ended before the first incident has none)."""
        return self.data_from is not None and period.end > self.data_from

    def covered(self, period: Period) -> bool:
        """Whether the data reach back to the start of ``period`` (see the module docstring)."""
        return self.data_from is not None and period.start >= self.data_from

    def coverage(self, baseline: list[Period], method: str) -> dict:
        return {
            "data_from": self.data_from.isoformat() if self.data_from else None,
            "method": method,
            "compared_with": [p.key for p in baseline],
            "compared_labels": [p.label_sv for p in baseline],
            "days": exposure_days(self.period, self.today),
            "period_days": self.period.days,
        }

    @property
    def namer(self) -> Namer:
        if self._namer is None:
            named = [NamedPlace(p.name, p.geometry) for p in self.places]
            self._namer = Namer(named, self.options.crs)
        return self._namer

    def earliest_day_used(self) -> dt.date:
        """The first day whose incidents the report reads: its baseline, its series, the year of data that
        outlines the observed study area, the weekly brief's eight weeks."""
        baseline, _ = comparison_periods(self.period, self.covered)
        series = self.period.previous(SERIES_LENGTH[self.period.kind] - 1)
        days = [self.period.start - dt.timedelta(weeks=7), self.period.end - dt.timedelta(days=365)]
        days += [p.start for p in baseline[:1] + series[:1]]
        return min(days)

    def fingerprint(self) -> str:
        """Changes whenever anything the report shows could change (see :func:`trygg.situation.data.fingerprint`);
        county-level police events, the category flags and the named places are included."""
        data = d.fingerprint(self.municipality, self.earliest_day_used(), self.period.end)
        county = 0
        if self.place is None:
            county = d.in_period(
                Incident.objects.filter(municipality__isnull=True, county=self.municipality.county),
                self.period.start,
                self.period.end,
            ).aggregate(n=Count("id"), last=Max("updated_at"))
        categories = list(Category.objects.current().filter(in_statistics=True).values_list("id", flat=True))
        places = hashlib.sha256(
            json.dumps([(p.pk, p.name, p.geometry) for p in self.places], sort_keys=True, default=str).encode()
        ).hexdigest()[:12]
        narrative = self.narrative_query().values_list("id", flat=True).first()
        return (
            f"{data}:c{county}:k{len(categories)}-{sum(categories)}:p{places}:n{narrative}:s{SCHEMA}"
            f":from{self.data_from}"
        )

    def narrative_query(self):
        return Narrative.objects.filter(
            municipality=self.municipality, period=self.period.key, area=self.place.name if self.place else ""
        )

    # -- the report --------------------------------------------------------------------------------------
    def build(self) -> dict:
        # the largest read, the last year's points for the map, goes beside the day counts of the source check
        self._year = d.read_beside(lambda: d.points(d.in_period(self.base, *self.year_read())))
        current, excluded_area = self.frame_for(self.period.start, self.period.end)
        baseline, method = comparison_periods(self.period, self.covered)
        found, first, last = self.sources(baseline)
        use = source_check.comparable(self.period, baseline, found, trim=self.place is None)
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
            "generated_at": timezone.localtime().isoformat(timespec="minutes"),
            "scope": self.scope.description_in(self.municipality),
            "options": {
                "cell_m": self.options.cell,
                "crs": self.options.crs,
                "knox_simulations": self.options.knox_simulations,
            },
            "totals": self.totals(current, excluded_area),
            "coverage": self.coverage(use.baseline, method if use.baseline else NONE),
            "sources_check": source_check.report_json(found, first, last, self.period, use),
            "categories": self.categories(current, use),
            "series": self.series(found),
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
        if self.period.kind == "week":
            report["week_places"] = self.week_places(current)
        self.progress(0.3)
        report["spatial"] = self.spatial(current)
        report["year_on_year"] = self.year_on_year(current, found)
        report["key_points"] = plain.key_points(report)
        self._year()  # the read beside is over before the report is (where the map did not need it)
        self.progress(1.0)
        return report

    def year_on_year(self, current: d.Frame, found: list[source_check.SourceStatus]) -> dict:
        """This period against the same days of the same period last year, in plain counts."""
        last = years_earlier(self.period, 1)
        days = exposure_days(self.period, self.today)
        # a whole period against the whole period last year (2024 has 366 days); one in progress, the same days
        complete = days >= self.period.days
        same_days = last if complete else Period(last.kind, last.year, last.number, last.start,
                                                 last.start + dt.timedelta(days=days))  # fmt: skip
        if days == 0 or not self.covered(same_days):
            return plain.year_on_year({}, None, self.labels)
        table = plain.year_on_year(Counter(current.category.tolist()), self.category_counts(same_days), self.labels)
        table["last_label"] = reader_label(last)
        table["partial_days"] = days if days < self.period.days else None
        table["sources_missing"] = sorted({s.label for s in found for p in (self.period, same_days) if s.missing_in(p)})
        return table

    def totals(self, current: d.Frame, excluded_area: int) -> dict:
        precise = current.radius <= self.options.cell
        county_level = unplaced = 0
        if self.place is not None:  # events with only the municipality as their place cannot fall in an area
            unplaced = d.in_period(
                self.base.filter(precision=Precision.MUNICIPALITY), self.period.start, self.period.end
            ).count()
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
            "unplaced_in_area": unplaced,
        }

    def categories(self, current: d.Frame, use: source_check.Comparable) -> list[dict]:
        """Each category's count against its baseline (rates per day; see :mod:`trygg.analysis.change`), over the
        sources complete both now and in the baseline (:func:`trygg.situation.source_check.comparable`)."""
        baseline = use.baseline
        leave_out = use if use.excluded else None
        previous = [self.category_counts(p, leave_out, use.trimmed.get(p.key)) for p in baseline]
        now = Counter(current.category.tolist()) if leave_out is None else self.category_counts(self.period, leave_out)
        codes = sorted(set(now) | set().union(*previous), key=lambda c: (-now.get(c, 0), c))
        days = exposure_days(self.period, self.today)
        if days == 0:
            baseline, previous = [], []
        base_days = self.exposures(baseline, use)
        rows = {code: Row(now.get(code, 0), [p.get(code, 0) for p in previous]) for code in codes}
        rows["_total"] = Row(sum(now.values()), [sum(p.values()) for p in previous])
        table = compare_table(rows, max(days, 1), base_days, not_pooled=["_total"])  # the total tested with the rows
        if not rows["_total"].count and not sum(rows["_total"].baseline):
            # nothing on either side (a source left out was all there was): nothing compared, not "too few" — the
            # period's own counts are still shown, every source counted, without a verdict
            everything = Counter(current.category.tolist())
            codes = sorted(everything, key=lambda c: (-everything[c], c))
            nothing = replace(table["_total"], direction=NO_DATA, expected=None, ratio=None, low=None, high=None)
            table = {code: replace(nothing, count=everything[code]) for code in codes}
            table["_total"] = replace(nothing, count=sum(everything.values()))
        out = [self._row(code, self.labels.get(code, code), table[code]) for code in codes]
        out.append(self._row("_total", "Totalt", table["_total"]))
        return out

    def exposures(self, baseline: list[Period], use: source_check.Comparable) -> list[float]:
        """Each baseline period's exposure in days: its days, or for one counted over part of its days, their weight
        by the season of its complete fellows (:mod:`trygg.analysis.season`)."""
        complete = [p for p in baseline if p.key not in use.trimmed]
        days = self._days
        if not complete or days is None or not all(days.covers(p.start, p.end) for p in baseline):
            return [float(use.days(p)) for p in baseline]
        months, daily = days.months(), days.total(use.excluded_keys())

        def part(p: Period) -> slice:
            return slice((p.start - days.first).days, (p.end - days.first).days)

        weights = season.month_weights(
            np.concatenate([months[part(p)] for p in complete]), np.concatenate([daily[part(p)] for p in complete])
        )
        return [
            season.exposure(months[part(p)], use.trimmed[p.key], weights) if p.key in use.trimmed else float(p.days)
            for p in baseline
        ]

    @staticmethod
    def _row(code: str, label: str, change) -> dict:
        return {
            "code": code,
            "label": label,
            "count": change.count,
            "expected": _round(change.expected, 2),
            "ratio": _round(change.ratio, 2),
            "low": _round(change.low, 2),
            "high": _round(change.high, 2),
            "confidence": _round(change.confidence, 4),
            "p_value": _round(change.p_value, 6),
            "q_value": _round(change.q_value, 6),
            "dispersion": _round(change.dispersion, 2),
            "direction": change.direction,
            "wide": change.direction == "no_change" and too_uncertain(change.low, change.high),
        }

    def series(self, found: list[source_check.SourceStatus]) -> dict:
        periods = [*self.period.previous(SERIES_LENGTH[self.period.kind] - 1), self.period]
        counts = [self.category_counts(p) for p in periods]
        top = [code for code, _ in sum(counts, Counter()).most_common(5)]
        incomplete = source_check.incomplete_periods(found, periods)
        return {
            "periods": [p.key for p in periods],
            "labels": [p.label_sv for p in periods],
            "axis_labels": [plain.axis_label(p) for p in periods],
            # a period not yet over is drawn hollow like one with a gap: its count so far is not comparable
            "covered": [
                self.covered(p) and not gap and p.end <= self.today + dt.timedelta(days=1)
                for p, gap in zip(periods, incomplete, strict=True)
            ],
            # a period that ended before the first data is no count at all (None), not a zero
            "total": [sum(c.values()) if self._has_data(p) else None for p, c in zip(periods, counts, strict=True)],
            "by_category": {
                code: [c.get(code, 0) if self._has_data(p) else None for p, c in zip(periods, counts, strict=True)]
                for code in top
            },
            "category_labels": {code: self.labels.get(code, code) for code in top},
        }

    def _dominant(self, weights: np.ndarray, categories: list[str], total: float) -> dict | None:
        """The fewest heaviest incidents that make up half of the harm-weighted figure or more, when they are few
        (at most ``DOMINANT_AT_MOST``) among many (at least ``DOMINANT_AMONG``): three shootings that are 97 % of it
        are said, two littering reports that are half of it are not."""
        if weights.size < DOMINANT_AMONG or total <= 0:
            return None
        order = np.argsort(-weights, kind="stable")
        shares = np.cumsum(weights[order]) / total
        k = int(np.searchsorted(shares, 0.5) + 1)
        k = int((weights >= weights[order[k - 1]]).sum())  # those as heavy as the last one taken: ties not cut
        if k > DOMINANT_AT_MOST:
            return None
        labels = sorted({self.labels.get(categories[i], categories[i]) for i in order[:k]})
        return {"n": k, "share": _round(float(shares[k - 1]), 3), "labels": labels}

    def harm(self, current: d.Frame) -> dict:
        weights = harm_weights(current.category.tolist(), self.options.harm_weights)
        total = float(weights.sum())
        population = self.municipality.population
        heaviest = int(weights.argmax()) if weights.size else None
        return {
            "total": _round(total, 1),
            "dominant": self._dominant(weights, current.category.tolist(), total),
            # one grave event can be most of the figure: say so where it is shown
            "largest_share": _round(float(weights[heaviest]) / total, 3) if heaviest is not None and total else None,
            "largest_label": self.labels.get(current.category[heaviest], "") if heaviest is not None else "",
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
        return sections.section(sections.OPEN_MEASURES, self.municipality, self.place, self.period)

    def official(self) -> dict:
        """The official reported-crime rate of the period's year, or the latest before it — never a later year's
        (an annual report of 2023 quoting 2025's figure, third outside read)."""
        stat = (
            OfficialStatistic.objects.filter(
                municipality=self.municipality,
                indicator="reported_crime_per_100k",
                year__lte=(self.period.end - dt.timedelta(days=1)).year,
            )
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

    # -- the week's incidents per place -------------------------------------------------------------------
    def week_places(self, current: d.Frame) -> list[dict]:
        """EST's weekly picture: the period's incidents grouped by the place they happened at."""
        groups: dict[tuple, list[dict]] = defaultdict(list)
        precise = current.radius <= 1000
        x, y = to_projected(current.lon, current.lat, self.options.crs) if len(current) else ([], [])
        for i in range(len(current)):
            if current.place[i]:
                where = {"kind": "at", "place": current.place[i]}
            elif precise[i]:
                where = self.namer.group_of(float(x[i]), float(y[i]))
            else:
                where = {"kind": "imprecise"}
            key = (where["kind"] if where["kind"] in ("near", "imprecise", "none") else "at", where.get("place", ""))
            when = current.occurred[i]
            groups[key].append(
                {
                    "when": when.isoformat(timespec="minutes"),
                    "weekday": when.weekday(),
                    "category": self.labels.get(current.category[i], current.category[i]),
                    "organisation": current.organisation[i],
                    "police": current.source[i] == Source.POLICE,
                    "generated": bool(current.generated[i]),
                }
            )
        out = [
            {"kind": kind, "place": place, "count": len(items),
             "incidents": sorted(items, key=lambda e: e["when"])[:WEEK_PLACE_ITEMS]}
            for (kind, place), items in groups.items()
        ]  # fmt: skip
        order = {"at": 0, "near": 1, "none": 2, "imprecise": 3}
        return sorted(out, key=lambda g: (order[g["kind"]], -g["count"], g["place"]))

    # -- spatial -----------------------------------------------------------------------------------------
    def year_read(self) -> tuple[dt.date, dt.date]:
        """The days of the points read for the map: the period and the year before its end."""
        return min(self.period.start, self.period.end - dt.timedelta(days=365)), self.period.end

    def spatial(self, current: d.Frame) -> dict:
        try:
            if self.place is not None and self.place.is_area:
                area = study_area(self.place.name, self.place.geometry, self.options.cell, self.options.crs)
                inside = current.subset(current.radius <= self.options.cell)  # in the polygon: see frame_for
                area = including(area, *to_projected(inside.lon, inside.lat, area.grid.crs))
            else:
                area = study_area(self.municipality.name, self.municipality.boundary, self.options.cell,
                                  self.options.crs)  # fmt: skip
        except StudyAreaError as exc:
            return {"available": False, "reason": "no_study_area", "detail": str(exc)}
        precise = current.subset(current.radius <= self.options.cell)
        if len(precise) == 0:
            return {"available": False, "reason": "no_precise"}
        since, _ = self.year_read()
        year = self._year()  # read once: the observed area and the scan's weeks (within the year)
        if self.place is None:
            area = observed(area, *to_projected(year.lon, year.lat, area.grid.crs))

        def points_for(start: dt.date, end: dt.date) -> d.Points:
            if start >= since and end <= self.period.end:
                return year.between(start, end)
            return d.points(d.in_period(self.base, start, end))

        section = SpatialSection(
            area=area,
            namer=self.namer,
            labels=self.labels,
            points_for=points_for,
            view_bounds_lonlat=year.bounds_lonlat() if self.place is None else None,
            knox_simulations=self.options.knox_simulations,
            seed=self.options.seed,
            cold=self.place is not None,  # the observed area's edges are sparse by construction
        )
        return section.build(precise, self.period, self.data_from, self.progress)


def in_area_of(base, period: Period, place: Place) -> tuple[d.Frame, int]:
    return d.in_area(d.frame(d.in_period(base, period.start, period.end)), place)


def build_report(municipality, period, place=None, scope=None, options=None, progress=None) -> dict:
    return ReportBuilder(municipality, period, place, scope, options, progress).build()
