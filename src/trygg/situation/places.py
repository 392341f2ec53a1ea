"""Naming a spot on the map after the municipality's named places, and saying when its events happen.

A coordinator reads "vid Stora torget" or "300 m nordväst om Resecentrum", not "ruta 5, 4". The place is
stored as data (kind, name, distance, bearing) and phrased by the templates in the reader's language.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape as geojson_shape
from shapely.ops import transform

from trygg.analysis.grid import to_projected

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
            projected = transform(lambda lon, lat, z=None: to_projected(lon, lat, crs), geometry)
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


# -- when -----------------------------------------------------------------------------------------------
PARTS_OF_DAY = (("night", 0, 6), ("morning", 6, 10), ("day", 10, 17), ("evening", 17, 24))
MIN_FOR_PATTERN = 5


def part_of_day(hour: int) -> str:
    for name, start, end in PARTS_OF_DAY:
        if start <= hour < end:
            return name
    raise ValueError(f"hour {hour} is not 0–23")


def when_pattern(weekdays: Iterable[int], hours: Iterable[int]) -> dict:
    """The time pattern worth saying: ``{"days": [4, 5] | [d] | None, "part": "evening" | None}``.

    Days: Friday–Saturday when they hold at least half of the events (a weekend pattern), else a single
    weekday holding at least 30 %; part of day when one holds at least 40 %. Nothing is said below
    ``MIN_FOR_PATTERN`` events.
    """
    weekdays = list(weekdays)
    hours = list(hours)
    n = len(weekdays)
    if n < MIN_FOR_PATTERN:
        return {"days": None, "part": None}
    day_counts = np.bincount(np.asarray(weekdays, int), minlength=7)
    days = None
    if (day_counts[4] + day_counts[5]) / n >= 0.5:
        days = [4, 5]
    elif day_counts.max() / n >= 0.3:
        days = [int(day_counts.argmax())]
    parts = Counter(part_of_day(h) for h in hours)
    part, count = parts.most_common(1)[0]
    return {"days": days, "part": part if count / n >= 0.4 else None}
