"""A trained reporter reports three observations from one evening walk, in one form, on a phone."""

from __future__ import annotations

import pytest

from trygg.incidents.models import Incident

pytestmark = pytest.mark.browser


def test_reporter_files_three_observations_on_a_phone(page_for, live_demo):
    page = page_for("fastighet.rapportor", mobile=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo["url"] + "/report/")
    assert page.locator("h1").inner_text() == "Rapportera händelser"

    categories = ["Klotter", "Nedskräpning", "Otrygg plats"]
    for index, label in enumerate(categories):
        if index > 0:
            page.click("#add-card")
        card = page.locator(".incident-card").nth(index)
        card.locator("select[name$='-category']").select_option(label=label)
        card.locator(".mini-map").click(position={"x": 120 + 20 * index, "y": 100})
        assert card.locator("input[name$='-lat']").input_value() != ""
    page.locator(".incident-card").nth(1).locator("textarea").fill("Glassplitter vid porten")
    page.click("button[type=submit].primary")
    page.wait_for_selector(".messages li")
    assert "3 händelser rapporterade" in page.locator(".messages li").inner_text()
    assert errors == []

    created = Incident.objects.filter(reporter_org=live_demo["orgs"]["fastighetsagarna"]).order_by("id")
    assert [i.category.label_sv for i in created] == categories
    assert created[1].description == "Glassplitter vid porten"
    assert len({(i.lat, i.lon) for i in created}) == 3  # three different taps
    karlstad = created[0].municipality
    assert all(karlstad.contains(i.lon, i.lat) for i in created)


def test_the_start_page_map_and_table_render_without_script_errors(page_for, live_demo):
    from tests.factories import make_incident

    make_incident(org=live_demo["orgs"]["centrum-karlstad"])
    page = page_for("karlstad.samordnare")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo["url"] + "/m/1780/")
    page.wait_for_selector("#map .leaflet-interactive")
    assert page.locator("table.numbers tbody tr").count() >= 1
    assert errors == []
