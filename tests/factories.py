"""Small builders for test objects (explicit values; nothing computed by the code under test)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from trygg.incidents.models import Category, Incident

_counter = itertools.count(1)

# Stora torget, Karlstad and Stortorget, Örebro (inside the municipalities).
KARLSTAD_POINT = (59.3794, 13.5035)
OREBRO_POINT = (59.2727, 15.2130)


def make_incident(
    *,
    municipality: str = "1780",
    category: str = "klotter",
    org=None,
    visibility: str = "partners",
    when: dt.datetime | None = None,
    point: tuple[float, float] | None = None,
    precision: str = "exact",
    **extra,
) -> Incident:
    lat, lon = point or (KARLSTAD_POINT if municipality == "1780" else OREBRO_POINT)
    county = {"1780": "17", "1880": "18"}.get(municipality) or extra.pop("county")
    when = when or timezone.now() - dt.timedelta(days=1)
    return Incident.objects.create(
        category=Category.objects.current().get(code=category),
        municipality_id=municipality,
        county_id=county,
        lat=lat,
        lon=lon,
        precision=precision,
        occurred_start=when,
        reported_at=when,
        reporter_org=org,
        visibility=visibility,
        external_id=extra.pop("external_id", ""),
        **extra,
    )


def next_id() -> int:
    return next(_counter)


def stored_photo(folder: str) -> str:
    """A photo stored as an upload would be (a JPEG that carried GPS tags), its file name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.citizens.images import jpeg_with_gps
    from trygg.core import photos

    return photos.clean_photo(SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg"), folder)
