"""Naming a spot after the municipality's named places: "vid Stora torget", "300 m nordväst om Resecentrum",
"i Kronoparken" — for the lägesbild's hot spots, the public map's squares, a reporter's list and a safety walk's
stops alike, so that one spot is called the same everywhere.

:class:`Namer` works on projected coordinates (metres) and returns the description as data (kind, name,
distance, bearing); :func:`phrase` says it in the reader's language. :func:`namer_for` builds one from a
municipality's :class:`~trygg.orgs.models.Place` rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape as geojson_shape

from trygg.analysis.grid import DEFAULT_CRS, to_projected
from trygg.core.numbers import number

AT_M = 200.0  # within this distance of a named point the spot is "at" it
NEAR_M = 1000.0  # within this distance it is described from that point, before the area it lies in
BEARINGS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


@dataclass(frozen=True)
class NamedPlace:
    name: str
    geometry: dict  # GeoJSON, WGS84


class Namer:
    """Names projected points after named places: "at" the nearest point place within ``AT_M``, else
    distance and direction from it within ``NEAR_M``, else the smallest area they lie in, else distance and
    direction from the nearest named place or area."""

    def __init__(self, places: Iterable[NamedPlace], crs: str):
        self.points: list[tuple[str, float, float]] = []
        self.areas: list[tuple[str, object]] = []
        for place in places:
            geometry = geojson_shape(place.geometry)
            projected = shapely.transform(geometry, lambda xy: np.column_stack(to_projected(xy[:, 0], xy[:, 1], crs)))
            if projected.geom_type == "Point":
                self.points.append((place.name, projected.x, projected.y))
            else:
                self.areas.append((place.name, projected))
        self.areas.sort(key=lambda item: item[1].area)  # the smallest area that contains a point names it

    def describe(self, x: float, y: float, relative: bool = False) -> dict:
        """``{"kind": "at"|"in"|"near"|"none", "place": name, "distance_m": …, "bearing": "NW"}``.

        ``relative`` gives distance and direction from the nearest named point even when it is close (to
        tell apart two spots by the same place).
        """
        nearest = None
        for name, px, py in self.points:
            distance = math.hypot(x - px, y - py)
            if nearest is None or distance < nearest[1]:
                nearest = (name, distance, px, py)
        if nearest and relative and nearest[1] < 50:
            return {"kind": "at", "place": nearest[0]}
        if nearest and nearest[1] <= AT_M and not relative:
            return {"kind": "at", "place": nearest[0]}
        if nearest and (relative or nearest[1] <= NEAR_M):
            name, distance, px, py = nearest
            return {"kind": "near", "place": name, "distance_m": round_distance(distance),
                    "bearing": bearing(px, py, x, y)}  # fmt: skip
        for name, area in self.areas:
            if shapely.contains_xy(area, x, y):
                return {"kind": "in", "place": name}
        for name, area in self.areas:
            centre = area.representative_point()
            distance = area.distance(shapely.Point(x, y))
            if nearest is None or distance < nearest[1]:
                nearest = (name, distance, centre.x, centre.y)
        if nearest is None:
            return {"kind": "none"}
        name, distance, px, py = nearest
        return {"kind": "near", "place": name, "distance_m": round_distance(distance),
                "bearing": bearing(px, py, x, y)}  # fmt: skip

    def describe_square(self, x: float, y: float, half: float) -> dict:
        """A grid square centred on (x, y): "at" the nearest named point inside it, else as :meth:`describe`."""
        inside = [(math.hypot(x - px, y - py), name) for name, px, py in self.points
                  if abs(px - x) <= half and abs(py - y) <= half]  # fmt: skip
        if inside:
            return {"kind": "at", "place": min(inside)[1]}
        return self.describe(x, y)

    def group_of(self, x: float, y: float) -> dict:
        """For lists by place: "at" a named point within ``AT_M``, else the area the point lies in, else as
        :meth:`describe`."""
        for _name, px, py in self.points:
            if math.hypot(x - px, y - py) <= AT_M:
                return self.describe(x, y)
        for name, area in self.areas:
            if shapely.contains_xy(area, x, y):
                return {"kind": "in", "place": name}
        return self.describe(x, y)


def round_distance(metres: float) -> int:
    """Distances as people say them: to 50 m below 1 km, to 100 m above."""
    step = 50 if metres < 1000 else 100
    return int(max(step, round(metres / step) * step))


def bearing(from_x: float, from_y: float, to_x: float, to_y: float) -> str:
    """Compass direction (8 points) from one projected point to another (grid north)."""
    angle = math.degrees(math.atan2(to_x - from_x, to_y - from_y)) % 360
    return BEARINGS[int((angle + 22.5) // 45) % 8]


BEARING_NAMES = {
    "N": gettext_lazy("north of"),
    "NE": gettext_lazy("north-east of"),
    "E": gettext_lazy("east of"),
    "SE": gettext_lazy("south-east of"),
    "S": gettext_lazy("south of"),
    "SW": gettext_lazy("south-west of"),
    "W": gettext_lazy("west of"),
    "NW": gettext_lazy("north-west of"),
}


def phrase(where: dict | None) -> str:
    """A description from :meth:`Namer.describe` in words ("vid Stora torget", "300 m norr om Resecentrum",
    "i Kronoparken"); empty when no named place is near."""
    kind = (where or {}).get("kind")
    if kind == "at":
        return _("at %(place)s") % {"place": where["place"]}
    if kind == "in":
        return _("in %(place)s") % {"place": where["place"]}
    if kind == "near":
        distance = where["distance_m"]
        text = f"{number(distance / 1000, 1)} km" if distance >= 1000 else f"{distance} m"
        return f"{text} {BEARING_NAMES[where['bearing']]} {where['place']}"
    return ""


def namer_for(municipality_code: str | None, crs: str = DEFAULT_CRS) -> Namer:
    """A namer over the named places of a municipality (every municipality's when ``None``)."""
    from trygg.orgs.models import Place

    rows = Place.objects.filter(municipality_id=municipality_code) if municipality_code else Place.objects.all()
    return Namer([NamedPlace(p.name, p.geometry) for p in rows], crs)


def describe_lonlat(namer: Namer, lon: float, lat: float, crs: str = DEFAULT_CRS) -> dict:
    x, y = to_projected(lon, lat, crs)
    return namer.describe(float(x), float(y))
