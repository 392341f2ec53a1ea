"""A coordinator draws a problem place with three taps: the map opens at the city centre, so the place is
a few blocks and not the 37 × 25 km "gångtunnel" drawn at municipality zoom."""

from __future__ import annotations

import pytest
from pyproj import Geod
from shapely.geometry import shape

from trygg.measures.models import ProblemPlace

pytestmark = pytest.mark.browser


def test_three_taps_on_the_new_place_map_draw_a_place_of_a_few_blocks(page_for, live_demo):
    page = page_for("karlstad.samordnare")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo["url"] + "/atgarder/1780/problemplatser/ny/")
    page.wait_for_selector(".js-draw.leaflet-container")
    box = page.locator(".js-draw").bounding_box()
    w, h = box["width"], box["height"]
    for x, y in ((0.2 * w, 0.2 * h), (0.8 * w, 0.2 * h), (0.5 * w, 0.8 * h)):
        page.locator(".js-draw").click(position={"x": x, "y": y})
    assert page.locator("#id_drawn").input_value() != ""
    page.fill("#id_name", "Gångtunneln")
    page.select_option("#id_organisation", label="Karlstads kommun")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/atgarder/problemplatser/*/")
    place = ProblemPlace.objects.get(name="Gångtunneln")
    km2 = abs(Geod(ellps="GRS80").geometry_area_perimeter(shape(place.geometry))[0]) / 1e6
    assert 0.01 < km2 < 2  # drawn across most of the map, at the city centre's zoom
    assert errors == []
