"""The lägesbild page in a real browser: computed in the background, then the map and figures render."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.test import override_settings
from django.utils import timezone

from tests.browser.axe import violations
from tests.factories import make_incident

pytestmark = pytest.mark.browser


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    TRYGG_LAGESBILD_OPTIONS={"knox_simulations": 19},
)
def test_monthly_report_renders_map_and_figures(page_for, live_demo):
    rng = np.random.default_rng(3)
    tz = timezone.get_default_timezone()
    org = live_demo["orgs"]["centrum-karlstad"]
    for i in range(80):
        north, east = rng.normal(0, 25, 2) if i < 50 else rng.uniform(-600, 600, 2)
        make_incident(
            org=org,
            point=(59.3794 + north / 111_320, 13.5035 + east / 56_800),
            when=dt.datetime(2026, 3, 1 + i % 28, 21, tzinfo=tz),
        )
    page = page_for("karlstad.samordnare")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo["url"] + "/lagesbild/1780/2026-03/")
    page.wait_for_selector("#report-map path.leaflet-interactive")
    assert "mars 2026" in page.locator("h1").inner_text()
    assert page.locator("img.figure").count() >= 5
    for image in page.locator("img.figure").all():
        assert image.evaluate("img => img.naturalWidth") > 0
    # the heat map shows where the incidents are: a density image on the map, not a blank layer
    overlay = page.locator("#report-map img.leaflet-image-layer")
    assert overlay.count() == 1 and overlay.evaluate("img => img.naturalWidth") > 0
    # the cluster at Stora torget is a numbered hot spot, named after the place, with its count
    assert page.locator("#report-map .hotspot-number").first.inner_text() == "1"
    first = page.locator("ol.hotspots li").first.inner_text()
    assert first.startswith("Vid Stora torget") and "händelser inom omkring 150 m" in first
    page.locator("#how-to-read").wait_for()
    assert errors == []
    found = violations(page)
    assert found == [], found
