"""The municipality start page, the list and the detail page, checked against the database."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.factories import make_incident
from trygg.incidents.summaries import recent_weeks

pytestmark = pytest.mark.django_db


def monday_noon(weeks_ago: int) -> dt.datetime:
    monday = recent_weeks(1)[0] - dt.timedelta(weeks=weeks_ago)
    return dt.datetime.combine(monday, dt.time(12), timezone.get_current_timezone())


def test_counts_per_category_and_week(login, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for _ in range(3):
        make_incident(org=org, category="klotter", when=monday_noon(0))
    make_incident(org=org, category="klotter", when=monday_noon(2))
    make_incident(org=org, category="nedskrapning", when=monday_noon(2) + dt.timedelta(days=6))
    make_incident(org=org, category="nedskrapning", when=monday_noon(20))  # outside 8 weeks
    make_incident(municipality="1880", org=demo_orgs["orgs"]["city-orebro"], category="klotter", when=monday_noon(0))
    response = login(demo_orgs["users"]["karlstad.samordnare"]).get("/m/1780/")
    table = response.context["table"]
    rows = {category.code: counts for category, counts, _ in table.rows}
    assert rows["klotter"] == [0, 0, 0, 0, 0, 1, 0, 3]
    assert rows["nedskrapning"] == [0, 0, 0, 0, 0, 1, 0, 0]
    assert table.grand_total == 5
    iso = recent_weeks(1)[0].isocalendar()
    assert f"{iso.year}-W{iso.week:02d}" in response.content.decode()


def test_police_centroid_events_are_aggregated_never_points(login, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    make_incident(org=org, when=monday_noon(0))
    for i in range(4):
        make_incident(
            source="police", external_id=f"p{i}", precision="municipality", visibility="public",
            point=(59.402724, 13.511497), when=monday_noon(1), category="vald_hot",
        )  # fmt: skip
    make_incident(
        source="police", external_id="county", precision="county", visibility="public", municipality=None,
        county="17", point=(59.729, 13.235), when=monday_noon(1), category="brand",
    )  # fmt: skip
    response = login(demo_orgs["users"]["karlstad.samordnare"]).get("/m/1780/")
    layers = response.context["layers"]
    assert len(layers["points"]) == 1
    areas = {a["name"]: a["count"] for a in layers["areas"]}
    assert areas == {"Karlstad": 4, "Värmlands län": 1}
    html = response.content.decode()
    payload = json.loads(html.split('id="map-layers" type="application/json">')[1].split("</script>")[0])
    assert all(p["lat"] != 59.402724 for p in payload["points"])
    assert "EST-rapport: 1" in html and "Polisens händelse (polisen.se): 4" in html


def test_generated_demo_reports_are_labelled(login, demo_orgs):
    generated = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], is_generated=True, when=monday_noon(0))
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    assert "genererad demodata" in client.get("/m/1780/").content.decode()
    assert "genererad demodata" in client.get("/m/1780/incidents/").content.decode()
    assert "genererad demodata" in client.get(f"/incidents/{generated.pk}/").content.decode()


def test_list_filters_and_paginates(login, demo_orgs):
    org, other = demo_orgs["orgs"]["centrum-karlstad"], demo_orgs["orgs"]["fastighetsagarna"]
    for i in range(55):
        make_incident(org=org, category="klotter", when=monday_noon(0) - dt.timedelta(hours=i))
    make_incident(org=other, category="brand", when=monday_noon(3), description="Brand i container")
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    first = client.get("/m/1780/incidents/")
    assert first.context["page"].paginator.count == 56
    assert len(first.context["page"].object_list) == 50
    assert len(client.get("/m/1780/incidents/?page=2").context["page"].object_list) == 6
    by_org = client.get(f"/m/1780/incidents/?organisation={other.pk}")
    assert [i.category.code for i in by_org.context["page"]] == ["brand"]
    by_text = client.get("/m/1780/incidents/?q=container")
    assert by_text.context["page"].paginator.count == 1
    since = (monday_noon(0) - dt.timedelta(days=3)).date().isoformat()  # the 55 span 54 hours
    by_date = client.get(f"/m/1780/incidents/?date_from={since}")
    assert by_date.context["page"].paginator.count == 55


def test_bad_filter_input_gives_a_message_not_an_error(login, demo_orgs):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    response = client.get("/m/1780/incidents/?date_from=2026-05-01&date_to=2026-04-01&category=abc")
    assert response.status_code == 200
    form = response.context["form"]
    assert "date_to" in form.errors and "category" in form.errors


def test_unknown_municipality_is_404(login, demo_orgs):
    assert login(demo_orgs["users"]["karlstad.samordnare"]).get("/m/9999/").status_code == 404


def test_pages_carry_a_strict_content_security_policy(login, demo_orgs):
    response = login(demo_orgs["users"]["karlstad.samordnare"]).get("/m/1780/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()  # no inline script; data travels as JSON blocks


def test_descriptions_cannot_inject_script(login, demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], description="<script>alert(1)</script>")
    html = login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/incidents/{incident.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
