"""A seeded generator of EST partner reports around the Karlstad and Örebro city centres.

There is no public set of EST reports, so the demo generates them. Every generated incident has
``is_generated=True`` and is labelled as generated demo data wherever it is shown.

The model, per city and day (documented so the demo's patterns can be recognised in the lägesbild):

* The number of reports is Poisson with mean ``base_rate × weekday factor × season factor``; the weekday
  factors rise towards Friday and Saturday, the season factor peaks in summer (±25 %).
* Each report comes from one of the city's hotspots (with probability proportional to its weight, which may
  change over time) or from a uniform background over the centre. Hotspot positions are drawn from a
  normal distribution around the hotspot with the given spread in metres.
* The category comes from the hotspot's category mix; the time of day is evening/night (18–03) with
  probability 0.6, otherwise daytime (08–18).
* Times before 03:00 belong to the small hours of the same date, so no report falls after its day.
* Planted patterns: graffiti and disturbing gatherings at Karlstad Resecentrum grow from September 2025
  (an emerging hotspot); suspected drug dealing at Örebro Järntorget is persistent; littering at Örebro
  Stortorget falls to 45 % of its earlier level from 1 May 2025 (when the demo's extra cleaning measure
  starts) while the comparable Slottsparken is unchanged.

Each day is generated from its own seed (``seed``, city code, date), so a later run with a later end date
adds only the new days and reproduces the old ones exactly; ``external_id`` makes reloading idempotent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from trygg.core.bulk import insert_rows
from trygg.incidents.models import Category, Incident, Source

DEFAULT_SEED = 20140305  # the date of the seed's meeting
DEFAULT_START = dt.date(2022, 9, 26)  # the first day of the shared police events
WEEKDAY_FACTOR = (0.8, 0.8, 0.9, 1.0, 1.3, 1.5, 1.0)
METRES_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class Hotspot:
    name: str
    lat: float
    lon: float
    spread_m: float
    mix: dict[str, float]
    weight: Callable[[dt.date], float] = field(default=lambda day: 1.0)


@dataclass(frozen=True)
class CitySpec:
    code: str
    base_rate: float  # reports per day on an average day
    centre_box: tuple[float, float, float, float]  # west, south, east, north
    background_weight: float
    background_mix: dict[str, float]
    hotspots: tuple[Hotspot, ...]
    reporters: dict[str, float]  # organisation slug -> share


def _ramp(start: dt.date, per_year: float) -> Callable[[dt.date], float]:
    """1 before ``start``; then growing linearly by ``per_year`` (1.0 = doubling in a year)."""
    return lambda day: 1.0 + max(0.0, (day - start).days / 365.0) * per_year


def _step(at: dt.date, after: float) -> Callable[[dt.date], float]:
    return lambda day: 1.0 if day < at else after


GENERAL_MIX = {
    "nedskrapning": 3,
    "klotter": 2,
    "skadegorelse": 2,
    "otrygg_plats": 2,
    "samling_som_stor": 1.5,
    "berusning": 1.5,
    "vald_hot": 0.6,
    "stold_inbrott": 0.8,
    "narkotika": 0.5,
    "brand": 0.2,
    "buskorning": 0.4,
    "ovrigt": 0.5,
}

CITIES = (
    CitySpec(
        code="1780",
        base_rate=1.7,
        centre_box=(13.4935, 59.3745, 13.5135, 59.3850),
        background_weight=2.0,
        background_mix=GENERAL_MIX,
        hotspots=(
            Hotspot(
                "Stora torget",
                59.3794,
                13.5035,
                70,
                {"berusning": 3, "samling_som_stor": 3, "vald_hot": 1, "nedskrapning": 2},
                lambda d: 1.4,
            ),
            Hotspot(
                "Resecentrum",
                59.3780,
                13.4985,
                60,
                {"klotter": 4, "samling_som_stor": 3, "otrygg_plats": 2, "skadegorelse": 1},
                _ramp(dt.date(2025, 9, 1), 2.5),
            ),
            Hotspot("Järnvägsparken", 59.3772, 13.5005, 50, {"narkotika": 2, "otrygg_plats": 3, "nedskrapning": 1}),
            Hotspot(
                "Sandgrundsudden",
                59.3815,
                13.4995,
                80,
                {"nedskrapning": 3, "berusning": 1, "buskorning": 1},
                lambda d: 1.6 if d.month in (6, 7, 8) else 0.5,
            ),
        ),
        reporters={"centrum-karlstad": 0.35, "fastighetsagarna": 0.30, "karlstads-kommun": 0.20, "lpo-karlstad": 0.15},
    ),
    CitySpec(
        code="1880",
        base_rate=2.4,
        centre_box=(15.2010, 59.2670, 15.2250, 59.2810),
        background_weight=2.2,
        background_mix=GENERAL_MIX,
        hotspots=(
            Hotspot(
                "Stortorget",
                59.2727,
                15.2130,
                70,
                {"nedskrapning": 5, "samling_som_stor": 1, "berusning": 1},
                _step(dt.date(2025, 5, 1), 0.45),
            ),
            Hotspot(
                "Järntorget", 59.2702, 15.2095, 55, {"narkotika": 4, "otrygg_plats": 2, "vald_hot": 1}, lambda d: 1.3
            ),
            Hotspot("Resecentrum", 59.2793, 15.2110, 60, {"samling_som_stor": 2, "klotter": 2, "stold_inbrott": 1}),
            Hotspot("Slottsparken", 59.2745, 15.2170, 60, {"nedskrapning": 4, "berusning": 1}),
        ),
        reporters={
            "city-orebro": 0.30,
            "fastighetsagarna": 0.25,
            "orebro-kommun": 0.20,
            "bra-orebro": 0.10,
            "lpo-orebro": 0.15,
        },
    ),
)

DESCRIPTIONS = {
    "skadegorelse": ["Sönderslagen ruta.", "Trasig papperskorg.", "Vandaliserad cykelställning."],
    "klotter": ["Klotter på fasad.", "Nytt klotter på elskåp.", "Tags på busskur."],
    "nedskrapning": ["Mycket skräp efter helgen.", "Överfulla papperskorgar.", "Glassplitter på gångväg."],
    "otrygg_plats": ["Trasig belysning, mörkt.", "Skymd gångväg, känns otryggt.", "Folk undviker platsen kvällstid."],
    "samling_som_stor": ["Större grupp som stör förbipasserande.", "Högljudd samling vid entré."],
    "narkotika": ["Misstänkt langning.", "Sprutor funna i buskage."],
    "vald_hot": ["Bråk mellan några personer.", "Hotfull stämning vid kiosk."],
    "stold_inbrott": ["Cykelstöld.", "Inbrottsförsök i butik."],
    "brand": ["Brand i papperskorg.", "Anlagd brand i container."],
    "berusning": ["Berusade personer vid torget.", "Kraftigt berusad person."],
    "buskorning": ["Mopedbuskörning på gågatan.", "Bil i hög fart genom centrum."],
    "ovrigt": ["Övrig iakttagelse.", "Hittade borttappat föremål."],
}

INSERT_FIELDS = (
    "category",
    "source",
    "external_id",
    "description",
    "municipality",
    "county",
    "lat",
    "lon",
    "precision",
    "occurred_start",
    "reported_at",
    "reporter_org",
    "assessment",
    "persons_count",
    "police_report_made",
    "visibility",
    "status",
    "is_generated",
    "created_at",
    "updated_at",
    "source_type",
    "title",
    "url",
)


def _day_rng(seed: int, code: str, day: dt.date) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{code}:{day.isoformat()}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _choice(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


@dataclass(frozen=True)
class GeneratedReport:
    external_id: str
    category: str
    lat: float
    lon: float
    occurred: dt.datetime
    reporter: str
    assessment: str
    persons: int | None
    police_report: bool | None
    visibility: str
    status: str
    description: str


def generate_city(city: CitySpec, start: dt.date, end: dt.date, seed: int = DEFAULT_SEED) -> Iterator[GeneratedReport]:
    """Generate the reports of one city for the days ``start`` … ``end`` (inclusive)."""
    tz = timezone.get_default_timezone()
    west, south, east, north = city.centre_box
    day = start
    while day <= end:
        rng = _day_rng(seed, city.code, day)
        season = 1 + 0.25 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365.25)
        n = rng.poisson(city.base_rate * WEEKDAY_FACTOR[day.weekday()] * season)
        sources = {"background": city.background_weight} | {h.name: h.weight(day) for h in city.hotspots}
        hotspots = {h.name: h for h in city.hotspots}
        for i in range(n):
            origin = _choice(rng, sources)
            if origin == "background":
                lat = float(rng.uniform(south, north))
                lon = float(rng.uniform(west, east))
                category = _choice(rng, city.background_mix)
            else:
                spot = hotspots[origin]
                dlat, dlon = rng.normal(0, spot.spread_m, 2)
                lat = spot.lat + float(dlat) / METRES_PER_DEG_LAT
                lon = spot.lon + float(dlon) / (METRES_PER_DEG_LAT * math.cos(math.radians(spot.lat)))
                category = _choice(rng, spot.mix)
            evening = rng.random() < 0.6  # 18:00 to 03:00 (the small hours of the same date), else 08:00 to 18:00
            minute = int(rng.integers(18 * 60, 27 * 60)) % (24 * 60) if evening else int(rng.integers(8 * 60, 18 * 60))
            occurred = dt.datetime.combine(day, dt.time(0), tz) + dt.timedelta(minutes=minute)
            age = (end - day).days
            handled = rng.random() < 0.6  # drawn for every report so that later days do not shift the stream
            status = "new" if age < 14 else ("handled" if handled else "confirmed")
            yield GeneratedReport(
                external_id=f"demo:{city.code}:{day.isoformat()}:{i}",
                category=category,
                lat=round(lat, 6),
                lon=round(lon, 6),
                occurred=occurred,
                reporter=_choice(rng, city.reporters),
                assessment=_choice(rng, {"low": 3, "medium": 4, "high": 1}),
                persons=int(rng.integers(3, 25)) if category in ("samling_som_stor", "berusning") else None,
                police_report=bool(rng.random() < 0.5)
                if category in ("vald_hot", "stold_inbrott", "narkotika")
                else None,
                visibility=_choice(rng, {"partners": 80, "public": 15, "internal": 5}),
                status=status,
                description=str(rng.choice(DESCRIPTIONS[category])),
            )
        day += dt.timedelta(days=1)


def load_reports(
    organisations: dict, start: dt.date = DEFAULT_START, end: dt.date | None = None, seed: int = DEFAULT_SEED
) -> int:
    """Insert the generated reports that are not there yet; returns how many were created."""
    end = end or timezone.localdate()
    categories = dict(Category.objects.est().values_list("code", "pk"))
    existing = set(
        Incident.objects.filter(source=Source.EST, external_id__startswith="demo:").values_list(
            "external_id", flat=True
        )
    )
    now = timezone.now()
    from trygg.orgs.models import Municipality

    counties = dict(Municipality.objects.filter(code__in=[c.code for c in CITIES]).values_list("code", "county"))

    def rows():
        for city in CITIES:
            for r in generate_city(city, start, end, seed):
                if r.external_id in existing or r.occurred > now:
                    continue
                yield (
                    categories[r.category],
                    Source.EST,
                    r.external_id,
                    r.description,
                    city.code,
                    counties[city.code],
                    r.lat,
                    r.lon,
                    "exact",
                    r.occurred,
                    r.occurred + dt.timedelta(minutes=30),
                    organisations[r.reporter].pk,
                    r.assessment,
                    r.persons,
                    r.police_report,
                    r.visibility,
                    r.status,
                    True,
                    now,
                    now,
                    "",
                    "",
                    "",
                )

    return insert_rows(Incident, INSERT_FIELDS, rows())
