"""Areas of a measure: the treated area, its displacement buffer, the control area — and counting incidents
in them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from trygg.analysis.grid import to_lonlat, to_projected
from trygg.core import geo
from trygg.incidents.models import Precision

PRECISE = [Precision.EXACT, Precision.STREET]


class AreaError(ValueError):
    pass


def _projected(geometry: dict):
    shape = geo.shape_from_geojson(geometry)
    return shapely.transform(shape, lambda xy: np.column_stack(to_projected(xy[:, 0], xy[:, 1])))


def _lonlat(shape) -> dict:
    return mapping(shapely.transform(shape, lambda xy: np.column_stack(to_lonlat(xy[:, 0], xy[:, 1]))))


def buffer_ring(treated: dict, metres: float) -> dict | None:
    """The ring of ``metres`` around the treated area (the area itself excluded), as GeoJSON."""
    if metres <= 0:
        return None
    area = _projected(treated)
    return _lonlat(area.buffer(metres).difference(area))


def validate_areas(treated: dict | None, control: dict | None) -> None:
    if treated is None:
        raise AreaError(_("The measure has no treated area: choose its place (a problem place or a drawn area)."))
    if control is None:
        raise AreaError(_("Choose a control area to compare with."))
    t, c = geo.shape_from_geojson(treated), geo.shape_from_geojson(control)
    if t.geom_type not in ("Polygon", "MultiPolygon") or c.geom_type not in ("Polygon", "MultiPolygon"):
        raise AreaError(_("The treated and the control area must be areas (polygons), not points."))
    if t.intersects(c) and t.intersection(c).area > 0:
        raise AreaError(_("The control area overlaps the treated area."))


def count_in(
    incidents: QuerySet,
    geometries: dict[str, dict | None],
    municipality,
    categories: list[str],
    start: dt.date,
    end: dt.date,
) -> dict[str, int]:
    """Incidents (of the categories; all if none) located to a street or better in each area, [start, end).

    ``incidents`` is what the count may use — a rule's queryset: ``Incident.objects.restrict(user)`` for a page that
    one user reads, ``Incident.objects.shared()`` for what is stored and read by everyone who sees a measure."""
    tz = timezone.get_current_timezone()
    shapes = {k: geo.shape_from_geojson(g) for k, g in geometries.items() if g}
    if not shapes:
        return {}
    west, south, east, north = shapely.union_all(list(shapes.values())).bounds
    qs = incidents.in_statistics().filter(
        municipality=municipality,
        precision__in=PRECISE,
        lon__gte=west,
        lon__lte=east,
        lat__gte=south,
        lat__lte=north,
        occurred_start__gte=dt.datetime.combine(start, dt.time.min, tz),
        occurred_start__lt=dt.datetime.combine(end, dt.time.min, tz),
    )
    if categories:
        qs = qs.filter(category__code__in=categories)
    points = shapely.points(np.array(list(qs.values_list("lon", "lat")), dtype=float).reshape(-1, 2))
    return {
        k: int(shapely.contains_xy(shape, shapely.get_x(points), shapely.get_y(points)).sum()) if len(points) else 0
        for k, shape in shapes.items()
    }


def weekly_counts(
    incidents: QuerySet, geometries: dict[str, dict | None], municipality, categories, start: dt.date, end: dt.date
):
    """Counts per ISO week (Mondays from ``start``) in each area, for the evaluation chart."""
    monday = start - dt.timedelta(days=start.weekday())
    weeks, series = [], {k: [] for k, g in geometries.items() if g}
    while monday < end:
        counts = count_in(incidents, geometries, municipality, categories, monday, monday + dt.timedelta(weeks=1))
        weeks.append(monday)
        for key in series:
            series[key].append(counts.get(key, 0))
        monday += dt.timedelta(weeks=1)
    return weeks, series
