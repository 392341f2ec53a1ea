"""Comparing municipalities like for like: the police's events per 10 000 residents, partner reports apart.

* **Police events, with the county's events shared by population.** The police publish part of their events
  only for the county (``municipality`` empty, ``county`` set), and that part differs between counties. Counting
  only the events placed in a municipality would compare unequal shares, so an event published for the county
  counts for each of its municipalities with weight ``population(municipality) / population(county)`` (the
  county's population is the sum of its municipalities' in :class:`~trygg.orgs.models.Municipality`). Both rates
  are shown — events placed in the municipality, and with the county's events shared by population — and the
  headline ratio uses the second.
* **Partner reports apart.** EST reports, imported partner logs, residents' tips and the other sources that
  are not the police depend on how many organisations report in a municipality and how actively; they are
  shown as counts and rates with the number of organisations that reported, never in a ratio with the
  police's events and never with a claim of a difference: they are not a comparison of crime.
* **Intervals that count overdispersion.** The police ratio's interval is quasi-Poisson, its dispersion
  estimated from the two municipalities' weekly counts (monthly for a year) over the period and the year
  before (:mod:`trygg.analysis.ratio`); the county's shared events enter as weighted counts.
* **Sources with gaps are not compared.** Each municipality's sources are checked over the same days
  (:mod:`trygg.situation.source_check`); a source missing in the period is named at the top, and its figures
  are not compared for the period. Weeks in which the police's events are missing in either municipality are
  left out of the dispersion estimate.

There is no measure of concentration here: over a whole municipality's cells it says nothing that compares.
Every query goes through the user's :class:`~trygg.situation.data.Scope`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.analysis import ratio as ratio_stats
from trygg.analysis.harm import DEFAULT_WEIGHTS
from trygg.core.periods import Period
from trygg.incidents.models import Category, Source
from trygg.orgs.models import Municipality, OfficialStatistic
from trygg.situation import data as d
from trygg.situation import source_check

CONFIDENCE = 0.95
MIN_POLICE = 5.0  # police events (county events weighted) each municipality needs before a ratio is given
SHARES_DIFFER = 0.05  # county-level shares further apart than this are said to differ
PER = 10_000


def _round(value, digits: int = 4):
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if np.isfinite(value) else None


# -- time units ----------------------------------------------------------------------------------------
def time_units(period: Period) -> tuple[str, dt.date, int]:
    """``(unit, first day, units)`` of the series the dispersion is estimated from: the period and the year
    before, in weeks counted back from the period's start (months for a year)."""
    if period.kind == "year":
        return "month", dt.date(period.year - 1, 1, 1), 24
    first = period.start - dt.timedelta(weeks=52)
    return "week", first, -(-(period.end - first).days // 7)


def unit_of(unit: str, first: dt.date, day: dt.date) -> int:
    if unit == "month":
        return (day.year - first.year) * 12 + day.month - first.month
    return (day - first).days // 7


# -- per municipality ----------------------------------------------------------------------------------
def county_populations(municipalities) -> dict[str, int]:
    counties = {m.county_id for m in municipalities}
    rows = Municipality.objects.filter(county__in=counties).values("county").annotate(p=Sum("population"))
    return {row["county"]: int(row["p"] or 0) for row in rows}


def police_q(m: Municipality) -> Q:
    """The police's events of a municipality: placed there, or published only for its county."""
    return Q(municipality=m) | Q(municipality__isnull=True, county=m.county_id)


class _Police:
    """One municipality's police events over the series' days: placed and county-level, weighted."""

    def __init__(self, visible, m: Municipality, weight: float, period: Period, unit: str, first: dt.date, n: int):
        rows = d.in_period(visible.filter(police_q(m), source=Source.POLICE), first, period.end).values_list(
            "occurred_start", "municipality_id", "category__code"
        )
        start, end = d.local_midnight(period.start), d.local_midnight(period.end)
        self.series = np.zeros(n)
        self.placed = 0
        self.county = 0
        self.window_w = 0.0
        self.window_w2 = 0.0
        self.categories: Counter = Counter()
        for when, code, category in rows:
            w = 1.0 if code is not None else weight
            index = unit_of(unit, first, timezone.localtime(when, d.LOCAL).date())
            if 0 <= index < n:
                self.series[index] += w
            self.window_w += w
            self.window_w2 += w * w
            if start <= when < end:
                if code is not None:
                    self.placed += 1
                else:
                    self.county += 1
                self.categories[category] += w
        self.weight = weight
        self.apportioned = self.placed + weight * self.county
        self.d = (self.placed + weight**2 * self.county) / self.apportioned if self.apportioned else 1.0
        self.d_window = self.window_w2 / self.window_w if self.window_w else 1.0

    @property
    def county_share(self) -> float | None:
        """The share of the apportioned count that comes from the county's events."""
        return self.weight * self.county / self.apportioned if self.apportioned else None


SHOWN_CATEGORIES = 12


def _partners(visible, m: Municipality, period: Period) -> dict:
    """Everything that is not the police, in the municipality: counts, rate, organisations that reported."""
    rows = list(
        d.in_period(visible.filter(municipality=m).exclude(source=Source.POLICE), period.start, period.end)
        .values_list("source", "reporter_org_id", "is_generated")
        .order_by()
    )
    population = m.population or 0
    return {
        "count": len(rows),
        "rate": _round(len(rows) * PER / population, 2) if population else None,
        "organisations": len({org for _, org, _ in rows if org is not None}),
        "by_source": dict(Counter(source for source, _, _ in rows).most_common()),
        "generated": sum(1 for _, _, generated in rows if generated),
    }


# -- sources with gaps ---------------------------------------------------------------------------------
def _gaps(found: list[source_check.SourceStatus], period: Period) -> list[dict]:
    out = []
    for s in found:
        if not s.missing_in(period):
            continue
        days = [
            (s.first_day + dt.timedelta(days=g.start), s.first_day + dt.timedelta(days=g.end - 1))
            for g in s.health.gaps
            if s.first_day + dt.timedelta(days=g.start) < period.end
            and s.first_day + dt.timedelta(days=g.end) > period.start
        ]
        start = min((a for a, _ in days), default=period.start)
        end = max((b for _, b in days), default=period.end - dt.timedelta(days=1))
        out.append({"key": s.key, "label": s.label, "from": start.isoformat(), "to": end.isoformat()})
    return out


def _gap_units(found: list[source_check.SourceStatus], unit: str, first: dt.date, n: int) -> set[int]:
    """Time units touched by a gap in the police's events."""
    units: set[int] = set()
    for s in found:
        if s.key[0] != Source.POLICE:
            continue
        for g in s.health.gaps:
            a = unit_of(unit, first, s.first_day + dt.timedelta(days=g.start))
            b = unit_of(unit, first, s.first_day + dt.timedelta(days=g.end - 1))
            units.update(range(max(a, 0), min(b, n - 1) + 1))
    return units


# -- the comparison ------------------------------------------------------------------------------------
def compare(municipalities, period: Period, scope: d.Scope | None = None) -> dict:
    scope = scope or d.Scope()
    visible = scope.queryset()
    municipalities = list(municipalities)
    labels = dict(Category.objects.current().values_list("code", "label_sv"))
    unit, first, n = time_units(period)
    last = min(period.end, timezone.localdate() + dt.timedelta(days=1))
    county_pop = county_populations(municipalities)

    police: dict[str, _Police] = {}
    missing: list[dict] = []
    skip_units: set[int] = set()
    for m in municipalities:
        county_total = county_pop.get(m.county_id, 0)
        weight = (m.population or 0) / county_total if county_total else 0.0
        police[m.code] = _Police(visible, m, weight, period, unit, first, n)
        found = source_check.statuses(visible.filter(police_q(m)), first, last)
        skip_units |= _gap_units(found, unit, first, n)
        for gap in _gaps(found, period):
            what = "police" if gap["key"][0] == Source.POLICE else "partners"
            missing.append({"municipality": m.name, "source": gap["label"], "from": gap["from"], "to": gap["to"],
                            "what": what})  # fmt: skip
    # a municipality without a single police event in the days read, beside one with them: the feed is missing
    if any(p.window_w > 0 for p in police.values()) and period.start < last:
        for m in municipalities:
            if police[m.code].window_w == 0:
                missing.append({"municipality": m.name, "source": str(_("The police's events")),
                                "from": period.start.isoformat(), "to": (last - dt.timedelta(days=1)).isoformat(),
                                "what": "police"})  # fmt: skip
    police_compared = not any(g["what"] == "police" for g in missing)
    partners_compared = not any(g["what"] == "partners" for g in missing)

    # the dispersion's time units: from the first in which every municipality has police events, without gaps
    starts = [int(np.flatnonzero(p.series)[0]) for p in police.values() if p.series.any()]
    keep = np.ones(n, dtype=bool)
    keep[: max(starts, default=0)] = False
    keep[sorted(skip_units)] = False

    rows = []
    for m in municipalities:
        p = police[m.code]
        population = m.population or 0
        others = [police[o.code] for o in municipalities if o.code != m.code]
        rest = np.sum([o.series for o in others], axis=0) if others else np.zeros(n)
        rest_w, rest_w2 = sum(o.window_w for o in others), sum(o.window_w2 for o in others)
        disp = ratio_stats.dispersion(p.series[keep], rest[keep], p.d_window, rest_w2 / rest_w if rest_w else 1.0)
        row = {
            "code": m.code,
            "name": m.name,
            "population": population,
            "county": {
                "code": m.county_id,
                "name": m.county.name,
                "population": county_pop.get(m.county_id, 0),
                "weight": _round(p.weight, 6),
            },
            "police": {
                "placed": {"count": p.placed, "rate": _rate(p.placed, population)},
                "county_events": p.county,
                "apportioned": {"count": _round(p.apportioned, 2), "rate": _rate(p.apportioned, population)},
                "county_share": _round(p.county_share, 4),
                # the demo's police events moved to its weeks (trygg.demo.police_shift): real events, dates not
                "generated": d.in_period(
                    visible.filter(source=Source.POLICE, municipality=m, is_generated=True), period.start, period.end
                ).count(),
            },
            "partners": _partners(visible, m, period),
            "rate": _interval(p, population, disp.phi),
            "harm_rate": _harm_rate(p.categories, population),
            "mix": _mix(p.categories),
            "official": _official(m),
        }
        in_municipality = d.municipality_scope(visible, m)
        data_from = d.first_day(in_municipality)
        row["data_from"] = data_from.isoformat() if data_from else None
        row["fully_covered"] = data_from is not None and period.start >= data_from
        rows.append(row)

    ratio = None
    if police_compared and len(rows) == 2 and all(r["population"] for r in rows):
        ratio = _police_ratio(municipalities, police, rows, keep, unit)
    categories = sorted({c for row in rows for c in row["mix"]}, key=lambda c: -max(r["mix"].get(c, 0) for r in rows))
    for row in rows:  # what the categories shown leave: one "other categories" line, so each column sums to 100 %
        row["mix_rest"] = _round(max(0.0, 1.0 - sum(row["mix"].get(c, 0) for c in categories[:SHOWN_CATEGORIES])), 4)
    shares = [r["police"]["county_share"] for r in rows]
    return {
        "period": {
            "key": period.key,
            "label": period.label_sv,
            "start": period.start.isoformat(),
            "end": (period.end - dt.timedelta(days=1)).isoformat(),
        },
        "confidence": CONFIDENCE,
        "confidence_label": f"{round(CONFIDENCE * 100)} %",
        "municipalities": rows,
        "categories": [{"code": c, "label": labels.get(c, c)} for c in categories[:SHOWN_CATEGORIES]],
        "more_categories": len(categories) > SHOWN_CATEGORIES,
        "in_progress": period.end > timezone.localdate() + dt.timedelta(days=1),
        "police_ratio": ratio,
        "police_compared": police_compared,
        "partners_compared": partners_compared,
        "missing": missing,
        "county_shares_differ": None not in shares and len(shares) >= 2 and max(shares) - min(shares) > SHARES_DIFFER,
        # A rate over a period that one municipality's data only partly cover is not comparable.
        "partly_covered": [row["name"] for row in rows if not row["fully_covered"]],
        "scope": scope.description,
    }


def _rate(count: float, population: int) -> float | None:
    return _round(count * PER / population, 2) if population else None


def _interval(p: _Police, population: int, phi: float) -> dict:
    if not population:
        return {"rate": None, "low": None, "high": None}
    r, low, high = ratio_stats.rate_interval(p.apportioned, population, PER, p.d, phi, CONFIDENCE)
    return {"rate": _round(r, 2), "low": _round(low, 2), "high": _round(high, 2)}


def _harm_rate(categories: Counter, population: int) -> float | None:
    if not population:
        return None
    harm = sum(w * float(DEFAULT_WEIGHTS.get(code, 1.0)) for code, w in categories.items())
    return _round(harm * PER / population, 2)


def _mix(categories: Counter) -> dict[str, float]:
    total = sum(categories.values())
    if not total:
        return {}
    return {code: _round(w / total, 4) for code, w in categories.most_common()}


def _official(m: Municipality) -> dict | None:
    stat = OfficialStatistic.objects.filter(municipality=m, indicator="reported_crime_per_100k").order_by("-year")
    official = stat.first()
    return {"value": _round(official.value, 1), "year": official.year} if official else None


def _police_ratio(municipalities, police: dict, rows: list[dict], keep: np.ndarray, unit: str) -> dict:
    """The headline: the police's events with the county's events shared by population, A / B."""
    (ma, mb), (ra, rb) = municipalities, rows
    pa, pb = police[ma.code], police[mb.code]
    disp = ratio_stats.dispersion(pa.series[keep], pb.series[keep], pa.d_window, pb.d_window)
    enough = pa.apportioned >= MIN_POLICE and pb.apportioned >= MIN_POLICE
    result = ratio_stats.ratio_interval(
        pa.apportioned, ra["population"], pb.apportioned, rb["population"], disp, pa.d, pb.d, CONFIDENCE
    )
    poisson = ratio_stats.ratio_interval(
        pa.apportioned, ra["population"], pb.apportioned, rb["population"], None, pa.d, pb.d, CONFIDENCE
    )
    placed = None
    if pa.placed and pb.placed:
        placed = (pa.placed / ra["population"]) / (pb.placed / rb["population"])
    return {
        "a": ra["name"],
        "b": rb["name"],
        "basis": "apportioned",  # the county's events shared by population
        "rate_a": ra["police"]["apportioned"]["rate"],
        "rate_b": rb["police"]["apportioned"]["rate"],
        "enough": enough,
        "ratio": _round(result.ratio, 3),
        "low": _round(result.low, 3) if enough else None,
        "high": _round(result.high, 3) if enough else None,
        "different": bool(enough and result.different),
        "higher": None if not (enough and result.different) else result.ratio > 1,
        "poisson_low": _round(poisson.low, 3) if enough else None,
        "poisson_high": _round(poisson.high, 3) if enough else None,
        "dispersion": _round(disp.phi, 3),
        "dispersion_checked": disp.checked,
        "df": disp.df,
        "unit": unit,
        "units": int(keep.sum()),
        "placed_ratio": _round(placed, 3),
    }
