"""Where an incident is, in words: its named place, or where it lies from the municipality's named places
(``trygg.orgs.naming``: "vid Stora torget", "200 m norr om Resecentrum")."""

from __future__ import annotations

from trygg.analysis.grid import to_projected
from trygg.orgs import naming


def describe_places(incidents, municipality_code: str | None = None) -> dict[int, str]:
    """incident id → its own named place's name, or the phrase of the nearest named place; empty where none is
    near or the position is only the municipality's. Works for anything with ``pk``, ``lon``, ``lat``,
    ``place_id``/``place`` and ``is_centroid`` (a safety walk's stops too)."""
    items = list(incidents)
    located = [i for i in items if not i.place_id and not i.is_centroid and i.lon is not None]
    result = {i.pk: (i.place.name if i.place_id else "") for i in items}
    if not located:
        return result
    namer = naming.namer_for(municipality_code)
    xs, ys = to_projected([i.lon for i in located], [i.lat for i in located])
    for incident, x, y in zip(located, xs, ys, strict=True):
        result[incident.pk] = naming.phrase(namer.describe(float(x), float(y)))
    return result
