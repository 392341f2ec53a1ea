"""Loading Sweden's counties and municipalities (codes, population, boundaries) from public files.

Inputs (see ``../shared/data/SOURCES.md``):

* ``geo/swedish_admin_areas.csv`` — SCB municipality and county codes and names;
* ``stats/population_scb_2024.csv`` — population per municipality (SCB, 2024);
* ``geo/kommuner.geojson`` — municipal boundaries (Lantmäteriet), WGS84, keyed by ``id`` = SCB code;
* ``stats/reported_crime_per100k_2025.csv`` — reported crimes per 100 000 residents (Kolada N07540, Brå),
  loaded as the official statistic ``reported_crime_per_100k`` when the file is there.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from trygg.core import geo
from trygg.core.importing import RecordError
from trygg.orgs.models import County, Municipality, OfficialStatistic

ADMIN_AREAS = Path("geo/swedish_admin_areas.csv")
POPULATION = Path("stats/population_scb_2024.csv")
BOUNDARIES = Path("geo/kommuner.geojson")
REPORTED_CRIME = Path("stats/reported_crime_per100k_2025.csv")
REPORTED_CRIME_INDICATOR = "reported_crime_per_100k"
REPORTED_CRIME_SOURCE = "Kolada N07540 (Brå), anmälda brott per 100 000 invånare"
POPULATION_YEAR = 2024


@dataclass
class LoadResult:
    counties: int
    municipalities: int
    created: int
    with_population: int
    with_boundary: int


def _need(path: Path) -> Path:
    if not path.exists():
        raise RecordError(f"missing data file {path} (see README.md, 'Data sources')")
    return path


def _read_csv(path: Path) -> list[dict[str, str]]:
    with _need(path).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_municipalities(data_dir: Path) -> LoadResult:
    """Create or update all counties and municipalities; idempotent."""
    areas = _read_csv(data_dir / ADMIN_AREAS)
    population = {row["kommun_kod"].zfill(4): int(row["population"]) for row in _read_csv(data_dir / POPULATION)}
    with _need(data_dir / BOUNDARIES).open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    boundaries = {str(f["properties"]["id"]).zfill(4): f["geometry"] for f in features}

    created = 0
    with transaction.atomic():
        counties = {}
        for row in areas:
            code = row["county_code"].zfill(2)
            if code not in counties:
                counties[code], _ = County.objects.update_or_create(code=code, defaults={"name": row["county_name"]})
        for row in areas:
            code = row["municipality_code"].zfill(4)
            values = {
                "name": row["municipality_name"],
                "county": counties[row["county_code"].zfill(2)],
                "population": population.get(code),
                "population_year": POPULATION_YEAR if code in population else None,
            }
            geometry = boundaries.get(code)
            if geometry is not None:
                shape = geo.shape_from_geojson(geometry)
                centre = shape.representative_point()
                min_lon, min_lat, max_lon, max_lat = shape.bounds
                values |= {
                    "boundary": geometry,
                    "centroid_lon": centre.x,
                    "centroid_lat": centre.y,
                    "min_lon": min_lon,
                    "min_lat": min_lat,
                    "max_lon": max_lon,
                    "max_lat": max_lat,
                }
            _, was_created = Municipality.objects.update_or_create(code=code, defaults=values)
            created += was_created
    geo.forget("municipality:")
    if (data_dir / REPORTED_CRIME).exists():
        load_reported_crime(data_dir / REPORTED_CRIME)
    return LoadResult(
        counties=len(counties),
        municipalities=len(areas),
        created=created,
        with_population=sum(1 for row in areas if row["municipality_code"].zfill(4) in population),
        with_boundary=sum(1 for row in areas if row["municipality_code"].zfill(4) in boundaries),
    )


def municipality_at(lon: float, lat: float, candidates=None) -> Municipality | None:
    """The municipality whose boundary covers the point (bounding boxes narrow the search first)."""
    qs = candidates if candidates is not None else Municipality.objects.all()
    qs = qs.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)
    for municipality in qs:
        if municipality.contains(lon, lat):
            return municipality
    return None


def load_reported_crime(path: Path) -> int:
    """Reported crimes per 100 000 residents per municipality and year (idempotent)."""
    count = 0
    known = set(Municipality.objects.values_list("code", flat=True))
    with transaction.atomic():
        for row in _read_csv(path):
            code = row["kommunkod"].zfill(4)
            if code not in known or not row.get("reported_crime_per_100k"):
                continue
            OfficialStatistic.objects.update_or_create(
                municipality_id=code,
                indicator=REPORTED_CRIME_INDICATOR,
                year=int(row["period"]),
                defaults={"value": float(row["reported_crime_per_100k"]), "source": REPORTED_CRIME_SOURCE},
            )
            count += 1
    return count
