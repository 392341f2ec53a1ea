"""A problem place drawn at municipality zoom: refused when larger than the municipality, confirmed explicitly
when larger than 2 km², and the drawing map opens at the city centre rather than the whole municipality.

Expected sizes come from pyproj's geodesic area on GRS 80, not from the code under test (which measures in
SWEREF 99 TM), so they are compared with a tolerance of half a percent.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from pyproj import Geod
from shapely.geometry import shape

from trygg.measures.models import ProblemPlace
from trygg.orgs.models import Municipality, Place

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="GRS80")
KARLSTAD_LAT, KARLSTAD_LON = 59.3794, 13.5035  # Stora torget
NEW = "/atgarder/1780/problemplatser/ny/"


def rectangle(lat: float, lon: float, east_km: float, north_km: float) -> dict:
    """A rectangle of about ``east_km`` × ``north_km`` centred on (lat, lon)."""
    dlat = north_km / 2 / 111.2
    dlon = east_km / 2 / (111.32 * math.cos(math.radians(lat)))
    ring = [[lon - dlon, lat - dlat], [lon + dlon, lat - dlat], [lon + dlon, lat + dlat], [lon - dlon, lat + dlat]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def geodesic_km2(geometry: dict) -> float:
    area, _perimeter = GEOD.geometry_area_perimeter(shape(geometry))
    return abs(area) / 1e6


def sizes_in(text: str) -> list[float]:
    """The km² figures in a message, in either language's number format (1 234,5 or 1,234.5)."""
    found = re.findall(r"(\d[\d\s\u00a0,.]*\d|\d)\s*km²", text)
    numbers = []
    for raw in found:
        raw = raw.replace("\u00a0", "").replace(" ", "")
        if "," in raw and "." in raw:  # English grouping
            raw = raw.replace(",", "")
        numbers.append(float(raw.replace(",", ".")))
    return numbers


@pytest.fixture
def coordinator(login, demo_orgs):
    return login(demo_orgs["users"]["karlstad.samordnare"])


def post_place(client, demo_orgs, geometry: dict, **extra):
    data = {
        "name": "Gångtunneln",
        "organisation": demo_orgs["orgs"]["karlstads-kommun"].pk,
        "status": "active",
        "drawn": json.dumps(geometry),
        **extra,
    }
    return client.post(NEW, data, HTTP_ACCEPT_LANGUAGE="en")


def errors_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_the_37_by_25_km_gangtunnel_is_not_saved_without_confirmation(coordinator, demo_orgs):
    geometry = rectangle(KARLSTAD_LAT, KARLSTAD_LON, 37, 25)
    expected = geodesic_km2(geometry)
    assert 900 < expected < 950
    response = post_place(coordinator, demo_orgs, geometry)
    assert response.status_code == 200 and not ProblemPlace.objects.exists()
    message = errors_of(response)
    assert sizes_in(message) and sizes_in(message)[0] == pytest.approx(expected, rel=0.005)
    assert "confirm_large" in response.context["form"].errors
    html = response.content.decode()
    assert 'type="checkbox" name="confirm_large"' in html  # the confirmation is offered


def test_an_area_larger_than_the_municipality_is_refused_even_when_confirmed(coordinator, demo_orgs):
    karlstad = Municipality.objects.get(code="1780")
    municipality_km2 = geodesic_km2(karlstad.boundary)
    geometry = rectangle(KARLSTAD_LAT, KARLSTAD_LON, 80, 60)
    expected = geodesic_km2(geometry)
    assert expected > municipality_km2
    response = post_place(coordinator, demo_orgs, geometry, confirm_large="on")
    assert response.status_code == 200 and not ProblemPlace.objects.exists()
    message = errors_of(response)
    assert "större än kommunen" in message and "Karlstad" in message
    size, whole = sizes_in(message)[:2]
    assert size == pytest.approx(expected, rel=0.005) and whole == pytest.approx(municipality_km2, rel=0.005)


def test_the_size_has_a_decimal_comma_in_swedish(coordinator, demo_orgs):
    geometry = rectangle(KARLSTAD_LAT, KARLSTAD_LON, 37, 25)
    data = {"name": "X", "organisation": demo_orgs["orgs"]["karlstads-kommun"].pk, "status": "active"}
    response = coordinator.post(NEW, {**data, "drawn": json.dumps(geometry)}, HTTP_ACCEPT_LANGUAGE="sv")
    message = errors_of(response)
    assert re.search(r"\d{3},\d km²", message), message
    assert not re.search(r"\d{3}\.\d km²", message)


def test_three_square_km_needs_the_confirmation(coordinator, demo_orgs):
    geometry = rectangle(KARLSTAD_LAT, KARLSTAD_LON, math.sqrt(3), math.sqrt(3))
    expected = geodesic_km2(geometry)
    assert 2.9 < expected < 3.1
    refused = post_place(coordinator, demo_orgs, geometry)
    assert refused.status_code == 200 and not ProblemPlace.objects.exists()
    assert sizes_in(errors_of(refused))[0] == pytest.approx(expected, rel=0.005)
    saved = post_place(coordinator, demo_orgs, geometry, confirm_large="on")
    assert saved.status_code == 302
    place = ProblemPlace.objects.get()
    assert geodesic_km2(place.geometry) == pytest.approx(expected)


def test_a_small_place_is_saved_without_a_question(coordinator, demo_orgs):
    geometry = rectangle(KARLSTAD_LAT, KARLSTAD_LON, math.sqrt(0.1), math.sqrt(0.1))
    assert 0.09 < geodesic_km2(geometry) < 0.11
    response = post_place(coordinator, demo_orgs, geometry)
    assert response.status_code == 302 and ProblemPlace.objects.count() == 1
    page = coordinator.get(NEW, HTTP_ACCEPT_LANGUAGE="en")
    assert 'type="checkbox" name="confirm_large"' not in page.content.decode()  # asked only when needed


def draw_view(response) -> dict | None:
    match = re.search(r'<script id="draw-view" type="application/json">(.*?)</script>', response.content.decode())
    assert match, "the page carries no map view"
    return json.loads(match.group(1))


def test_the_drawing_map_opens_at_the_city_centre(coordinator, demo_orgs):
    centrum = Place.objects.get(municipality_id="1780", name="Centrum")
    assert centrum.kind == Place.Kind.AREA
    (west, south), (east, north) = centrum.geometry["coordinates"][0][0], centrum.geometry["coordinates"][0][2]
    view = draw_view(coordinator.get(NEW))
    assert view["bounds"] == [[pytest.approx(south), pytest.approx(west)], [pytest.approx(north), pytest.approx(east)]]
    karlstad = Municipality.objects.get(code="1780")
    whole = shape(karlstad.boundary).bounds
    assert (east - west) < (whole[2] - whole[0]) / 10  # far smaller than the municipality


def test_the_drawing_map_opens_at_the_place_being_edited(coordinator, demo_orgs):
    geometry = rectangle(59.40, 13.55, 0.3, 0.3)
    place = ProblemPlace.objects.create(
        municipality_id="1780", name="Tunneln", geometry=geometry, organisation=demo_orgs["orgs"]["karlstads-kommun"]
    )
    view = draw_view(coordinator.get(f"/atgarder/1780/problemplatser/{place.pk}/andra/"))
    ring = geometry["coordinates"][0]
    south, north = min(p[1] for p in ring), max(p[1] for p in ring)
    west, east = min(p[0] for p in ring), max(p[0] for p in ring)
    assert view["bounds"] == [[pytest.approx(south), pytest.approx(west)], [pytest.approx(north), pytest.approx(east)]]
