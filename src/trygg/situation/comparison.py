"""Comparing municipalities fairly: rates per 10 000 residents with intervals, never raw counts.

EST reports depend on how actively partners report, so rates are shown per source (police events and EST
reports separately) as well as together. Concentration is computed over each municipality's own cells
(its boundary on the grid), never a rectangle around its incidents, whose empty margins would be compared
instead; with fewer incidents than cells the generalised Gini is the measure to read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from trygg.analysis import concentration as conc
from trygg.analysis.grid import to_projected
from trygg.analysis.harm import DEFAULT_WEIGHTS, harm_weights
from trygg.analysis.rates import rate, rate_ratio
from trygg.core.periods import Period
from trygg.incidents.models import Category, Source
from trygg.orgs.models import OfficialStatistic
from trygg.situation import data as d
from trygg.situation.spatial import rounded as _round
from trygg.situation.study_area import StudyAreaError, study_area

# "EST reports" are the partners' reports, whether typed into the form or imported from their own logs.
SOURCES = (("all", None), ("police", (Source.POLICE,)), ("est", (Source.EST, Source.CSV)))


def compare(municipalities, period: Period, scope: d.Scope | None = None, cell: float = 100.0) -> dict:
    scope = scope or d.Scope()
    labels = dict(Category.objects.current().values_list("code", "label_sv"))
    rows = []
    for m in municipalities:
        in_municipality = d.municipality_scope(scope.queryset(), m)
        data_from = d.first_day(in_municipality)
        qs = d.in_period(in_municipality, period.start, period.end)
        frame = d.frame(qs)
        population = m.population or 0
        by_source = {}
        for key, source in SOURCES:
            count = len(frame) if source is None else int(np.isin(frame.source, source).sum())
            r = rate(count, population)
            by_source[key] = {"rate": _round(r.rate, 2), "low": _round(r.low, 2), "high": _round(r.high, 2)}
        mix = Counter(frame.category.tolist())
        total = sum(mix.values()) or 1
        harm = float(harm_weights(frame.category.tolist(), DEFAULT_WEIGHTS).sum())
        stat = OfficialStatistic.objects.filter(municipality=m, indicator="reported_crime_per_100k").order_by("-year")
        official = stat.first()
        rows.append(
            {
                "code": m.code,
                "name": m.name,
                "population": population,
                "rate": by_source["all"],
                "rates_by_source": by_source,
                "harm_rate": _round(harm * 10_000 / population, 2) if population else None,
                "mix": {code: _round(n / total, 4) for code, n in mix.most_common()},
                "concentration": _concentration(m, frame, cell),
                "official": {"value": _round(official.value, 1), "year": official.year} if official else None,
                "data_from": data_from.isoformat() if data_from else None,
                "fully_covered": data_from is not None and period.start >= data_from,
                "_count": len(frame),
            }
        )
    categories = sorted({c for row in rows for c in row["mix"]}, key=lambda c: -max(r["mix"].get(c, 0) for r in rows))
    ratio = None
    if len(rows) == 2 and all(r["population"] for r in rows):
        a, b = rows
        rr = rate_ratio(a["_count"], a["population"], b["_count"], b["population"])
        ratio = {
            "a": a["name"],
            "b": b["name"],
            "ratio": _round(rr.ratio, 3),
            "low": _round(rr.low, 3),
            "high": _round(rr.high, 3),
            "p_value": _round(rr.p_value, 4),
        }
    for row in rows:
        del row["_count"]
    return {
        "period": {
            "key": period.key,
            "label": period.label_sv,
            "start": period.start.isoformat(),
            "end": (period.end - dt.timedelta(days=1)).isoformat(),
        },
        "municipalities": rows,
        "categories": [{"code": c, "label": labels.get(c, c)} for c in categories[:12]],
        "rate_ratio": ratio,
        # A rate over a period that one municipality's data only partly cover is not comparable.
        "partly_covered": [row["name"] for row in rows if not row["fully_covered"]],
        "scope": scope.description,
    }


def _concentration(municipality, frame: d.Frame, cell: float) -> dict | None:
    precise = frame.subset(frame.radius <= cell)
    if len(precise) < 2:
        return None
    try:
        area = study_area(municipality.name, municipality.boundary, cell, "EPSG:3006")
    except StudyAreaError:
        return None
    x, y = to_projected(precise.lon, precise.lat, area.grid.crs)
    row, col, inside = area.locate(x, y)
    counts = np.bincount(row[inside] * area.grid.ncols + col[inside], minlength=area.grid.n).reshape(area.grid.shape)
    values = counts[area.mask]
    result = conc.concentration(values)
    ordered = np.sort(values)[::-1]
    half = int(np.searchsorted(np.cumsum(ordered), ordered.sum() / 2) + 1)
    return {
        "cells_with_events": int((values > 0).sum()),
        "cells_half": half,
        "top_5": _round(result.top_shares[0.05]),
        "gini": _round(result.gini),
        "gini_generalised": _round(result.gini_generalised),
        "headline": "gini_generalised" if result.incidents < result.cells else "gini",
        "cells": result.cells,
    }
