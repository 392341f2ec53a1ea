"""Small geometry helpers over shapely/pyproj shared by the apps (no database access).

Coordinates are WGS84 longitude/latitude unless a name says otherwise. Projected work uses
SWEREF 99 TM (EPSG:3006) by default.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

SWEREF99TM = "EPSG:3006"

_prepared: dict[str, Any] = {}


def point(lon: float, lat: float) -> Point:
    return Point(lon, lat)


def shape_from_geojson(geometry: dict[str, Any]) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry dict; raises ValueError when it is not one."""
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise ValueError("expected a GeoJSON geometry object with a 'type'")
    geom = shape(geometry)
    if geom.is_empty:
        raise ValueError("the geometry is empty")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def shape_of(key: str, geometry: dict[str, Any]):
    """A prepared geometry for repeated point-in-polygon tests, cached by ``key``.

    The caller chooses a key that changes when the geometry does (see :func:`forget`).
    """
    prepared = _prepared.get(key)
    if prepared is None:
        prepared = _prepared[key] = prep(shape_from_geojson(geometry))
    return prepared


def forget(prefix: str = "") -> None:
    """Drop cached prepared geometries whose key starts with ``prefix`` (all by default)."""
    for key in [k for k in _prepared if k.startswith(prefix)]:
        del _prepared[key]


@lru_cache(maxsize=16)
def transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def project(lon: np.ndarray, lat: np.ndarray, crs: str = SWEREF99TM) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat arrays to x/y in metres in ``crs``."""
    x, y = transformer("EPSG:4326", crs).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def unproject(x: np.ndarray, y: np.ndarray, crs: str = SWEREF99TM) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = transformer(crs, "EPSG:4326").transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


def haversine_m(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres between one point and arrays of points."""
    r = 6_371_008.8
    p1, p2 = np.radians(lat1), np.radians(np.asarray(lat2, float))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, float) - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


def bbox_around(lon: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    """A lon/lat box that contains every point within ``metres`` of (lon, lat)."""
    dlat = metres / 111_000.0
    dlon = metres / (111_000.0 * max(np.cos(np.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def area_km2(geom: BaseGeometry) -> float:
    """The area of a WGS84 geometry in km², measured in SWEREF 99 TM (equal enough for Sweden)."""
    projected = shapely.transform(geom, lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1])))
    return float(projected.area) / 1e6


LARGE_AREA_KM2 = 2.0  # a problem place or a named area larger than this is probably drawn at the wrong zoom


def area_size_problem(geom: BaseGeometry, boundary: dict[str, Any] | None) -> tuple[str, float] | None:
    """``("refuse", km²)`` when an area is larger than its municipality, ``("warn", km²)`` above
    :data:`LARGE_AREA_KM2`, else ``None``. Points have no area and are never a problem."""
    if geom.geom_type not in {"Polygon", "MultiPolygon"}:
        return None
    size = area_km2(geom)
    if boundary is not None and size > area_km2(shape_from_geojson(boundary)):
        return "refuse", size
    if size > LARGE_AREA_KM2:
        return "warn", size
    return None
