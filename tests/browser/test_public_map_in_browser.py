"""The residents' public map in a browser: choosing a category and a period updates the map, legend and table.

The page shows the day's release (made at the first visit here), in whole weeks that have ended and in steps of k."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from pyproj import Transformer

from tests.browser.axe import violations
from tests.factories import make_incident

pytestmark = pytest.mark.browser

TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
TO_LONLAT = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def square_points(east: int, north: int, n: int) -> list[tuple[float, float]]:
    """n (lat, lon) points near the centre of the 250 m square ``east``/``north`` squares from Stora torget's."""
    x, y = TO_GRID.transform(13.5035, 59.3794)
    cx, cy = (x // 250) * 250 + 125 + east * 250, (y // 250) * 250 + 125 + north * 250
    points = []
    for i in range(n):
        lon, lat = TO_LONLAT.transform(cx + (i % 3 - 1) * 20, cy + (i // 3 - 1) * 20)
        points.append((lat, lon))
    return points


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_choosing_category_and_period_updates_legend_map_and_table(page_for, live_demo, mobile):
    org = live_demo["orgs"]["centrum-karlstad"]
    today = timezone.localdate()
    monday = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time(), timezone.get_current_timezone())
    for p in square_points(0, 0, 6):  # in the last whole week
        make_incident(org=org, category="klotter", visibility="public", point=p, when=monday - dt.timedelta(days=2))
    for p in square_points(-8, 0, 5):  # 20 weeks before: only in the 26 and 52 week views
        make_incident(org=org, category="brand", visibility="public", point=p, when=monday - dt.timedelta(weeks=20))
    page = page_for(None, mobile=mobile)
    page.goto(live_demo["url"] + "/karta/1780/")
    rows = page.locator("#public-squares tbody tr")
    assert rows.count() == 1 and rows.first.locator("td.num").inner_text() == "5–9"  # 6, in steps of 5
    assert page.locator(".leaflet-tooltip.cell-count").all_inner_texts() == ["5–9"]
    assert "de 12 hela veckorna" in page.locator("#legend-selection").inner_text()
    assert "en gång per dygn" in page.locator("#legend-release").inner_text()

    page.select_option("#map-category", "brand")
    page.click(".public-map-choice button[type=submit]")
    page.wait_for_url("**/karta/1780/?kategori=brand&weeks=12")
    assert page.locator("#public-squares tbody td.num").count() == 0  # no brand square in 12 weeks
    assert page.locator(".leaflet-tooltip.cell-count").count() == 0
    assert page.locator("#map-category").input_value() == "brand"

    page.select_option("#map-weeks", "26")
    page.click(".public-map-choice button[type=submit]")
    page.wait_for_url("**/karta/1780/?kategori=brand&weeks=26")
    assert page.locator("#public-squares tbody td.num").all_inner_texts() == ["5–9"]
    assert page.locator(".leaflet-tooltip.cell-count").all_inner_texts() == ["5–9"]
    legend = page.locator("#legend-selection").inner_text()
    assert "de 26 hela veckorna" in legend and "de 12 hela" not in legend
    assert page.locator("#map-weeks").input_value() == "26"
    # no individual point reaches the browser: the map data holds squares only
    data = page.evaluate("JSON.parse(document.getElementById('public-cells').textContent)")
    assert [sorted(c) for c in data] == [["class", "high", "low", "place", "polygon"]]
    page.wait_for_load_state("networkidle")
    found = violations(page)  # with a square, its tooltip and a table row on the page
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
