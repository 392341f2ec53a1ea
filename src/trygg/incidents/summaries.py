"""Counts and map layers over an incident queryset, for the start pages and lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from trygg.incidents.models import Category, Precision


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def recent_weeks(weeks: int, today: dt.date | None = None) -> list[dt.date]:
    """Mondays of the last ``weeks`` ISO weeks, oldest first, ending with the current week."""
    monday = week_start(today or timezone.localdate())
    return [monday - dt.timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())


@dataclass
class WeekTable:
    weeks: list[dt.date]
    rows: list[tuple[Category, list[int], int]]  # category, count per week, total
    totals: list[int]

    @property
    def week_labels(self) -> list[str]:
        return [f"{w.isocalendar().year}-W{w.isocalendar().week:02d}" for w in self.weeks]

    @property
    def grand_total(self) -> int:
        return sum(self.totals)


def counts_by_category_and_week(qs: QuerySet, weeks: list[dt.date]) -> WeekTable:
    """Incidents per category and ISO week (weeks start on Monday, local time)."""
    start = local_midnight(weeks[0])
    end = local_midnight(weeks[-1] + dt.timedelta(days=7))
    rows = (
        qs.filter(occurred_start__gte=start, occurred_start__lt=end)
        .annotate(week=TruncWeek("occurred_start"))
        .values("week", "category")
        .annotate(n=Count("id"))
    )
    index = {w: i for i, w in enumerate(weeks)}
    per_category: dict[int, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for row in rows:
        week = row["week"]
        day = timezone.localtime(week).date() if isinstance(week, dt.datetime) else week
        if day in index:
            per_category[row["category"]][index[day]] += row["n"]
    categories = Category.objects.in_bulk(list(per_category))
    table = sorted(
        ((categories[c], counts, sum(counts)) for c, counts in per_category.items()),
        key=lambda r: (-r[2], r[0].position),
    )
    totals = [sum(r[1][i] for r in table) for i in range(len(weeks))]
    return WeekTable(weeks=weeks, rows=table, totals=totals)


def map_layers(qs: QuerySet, limit: int = 5000) -> dict[str, Any]:
    """Points for precisely located incidents; one aggregate per area for centroid-located ones.

    Centroid events (police events) are never drawn as points: they become one circle per municipality or
    county with the number of events, so no one reads them as a location.
    """
    precise = qs.filter(precision__in=[Precision.EXACT, Precision.STREET, Precision.DISTRICT])
    points = [
        {
            "id": row["id"],
            "lat": round(row["lat"], 6),
            "lon": round(row["lon"], 6),
            "category": row["category__code"],
            "label": row["category__label_sv"],
            "date": timezone.localtime(row["occurred_start"]).strftime("%Y-%m-%d %H:%M"),
            "generated": row["is_generated"],
        }
        for row in precise.values(
            "id", "lat", "lon", "category__code", "category__label_sv", "occurred_start", "is_generated"
        )[:limit]
    ]
    areas = []
    centroid_rows = (
        qs.filter(precision__in=[Precision.MUNICIPALITY, Precision.COUNTY])
        .values(
            "precision",
            "municipality__name",
            "municipality__centroid_lat",
            "municipality__centroid_lon",
            "county__name",
            "municipality_id",
            "county_id",
        )
        .annotate(n=Count("id"))
    )
    county_centres = {}
    for row in centroid_rows:
        if row["precision"] == Precision.MUNICIPALITY:
            lat, lon, name = (
                row["municipality__centroid_lat"],
                row["municipality__centroid_lon"],
                row["municipality__name"],
            )
        else:
            if row["county_id"] not in county_centres:
                first = qs.filter(county_id=row["county_id"], precision=Precision.COUNTY).values("lat", "lon").first()
                county_centres[row["county_id"]] = (first["lat"], first["lon"]) if first else (None, None)
            lat, lon = county_centres[row["county_id"]]
            name = row["county__name"]
        if lat is None:
            continue
        areas.append({"name": name, "lat": lat, "lon": lon, "count": row["n"], "level": row["precision"]})
    return {"points": points, "truncated": precise.count() > limit if len(points) >= limit else False, "areas": areas}
