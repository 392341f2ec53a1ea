"""Where an incident is, in words: its named place, or the nearest named place of its municipality and how far."""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _

from trygg.core import geo
from trygg.orgs.models import Place

NEAR_ENOUGH_M = 2000  # farther than this from every named place: no name is given


def describe_places(incidents, municipality_code: str | None = None) -> dict[int, str]:
    """incident id → "Stora torget" (its own place) or "nära Stora torget (ca 200 m)"; empty where none is near
    or the position is only the municipality's."""
    places = list(Place.objects.filter(municipality_id=municipality_code) if municipality_code else Place.objects.all())
    result: dict[int, str] = {}
    if not places:
        return {i.pk: i.place.name if i.place_id else "" for i in incidents}
    lon = np.array([p.lon for p in places])
    lat = np.array([p.lat for p in places])
    for incident in incidents:
        if incident.place_id:
            result[incident.pk] = incident.place.name
            continue
        if incident.is_centroid:
            result[incident.pk] = ""
            continue
        distance = geo.haversine_m(incident.lon, incident.lat, lon, lat)
        best = int(np.argmin(distance))
        metres = float(distance[best])
        if metres > NEAR_ENOUGH_M:
            result[incident.pk] = ""
        else:
            rounded = max(50, round(metres / 50.0) * 50)
            result[incident.pk] = _("near %(place)s (about %(m)s m)") % {"place": places[best].name, "m": rounded}
    return result
