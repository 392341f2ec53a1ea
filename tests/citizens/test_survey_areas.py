"""The survey's "Vilket område bor du i?" asks about residential areas, not a park, a station or a square."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from trygg.citizens import surveys
from trygg.citizens.forms import SurveyCreateForm
from trygg.citizens.models import Survey, SurveyResponse
from trygg.orgs.models import Municipality, Place

pytestmark = pytest.mark.django_db
ANSWERS = {item.code: "2" for item in surveys.ITEMS}


def box(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


@pytest.fixture
def karlstad_places(base_data):
    def place(name, kind, geometry, code="1780"):
        return Place.objects.create(municipality_id=code, name=name, kind=kind, geometry=geometry)

    return {
        "park": place("Testparken", Place.Kind.PLACE, {"type": "Point", "coordinates": [13.5005, 59.3772]}),
        "centre": place("Testcentrum", Place.Kind.AREA, box(13.4935, 59.3745, 13.5135, 59.3850)),
        "home": place("Testhagen", Place.Kind.RESIDENTIAL, box(13.4880, 59.3660, 13.5030, 59.3740)),
        "other": place("Testbacken", Place.Kind.RESIDENTIAL, box(13.5750, 59.3980, 13.5950, 59.4100)),
        "orebro": place("Testvalla", Place.Kind.RESIDENTIAL, box(15.1550, 59.2910, 15.1780, 59.3010), "1880"),
    }


def open_survey(areas=()):
    today = timezone.localdate()
    survey = Survey.objects.create(
        municipality_id="1780",
        title="Test",
        wave=1,
        mode=Survey.Mode.COOKIE,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    survey.areas.set(areas)
    return survey


def test_the_management_form_offers_only_residential_areas(karlstad_places):
    form = SurveyCreateForm(municipality=Municipality.objects.get(code="1780"))
    offered = {label for _value, label in form.fields["areas"].choices}
    names = {str(p) for p in (karlstad_places["home"], karlstad_places["other"])}
    assert names <= offered
    assert not {str(karlstad_places[k]) for k in ("park", "centre", "orebro")} & offered
    assert all(p.kind == Place.Kind.RESIDENTIAL for p in form.fields["areas"].queryset)
    assert form.fields["areas"].help_text  # says where residential areas are added


def test_the_new_survey_page_offers_only_residential_areas(login, demo_orgs, karlstad_places):
    page = login(demo_orgs["users"]["karlstad.samordnare"]).get("/invanare/undersokningar/ny/1780/")
    html = page.content.decode()
    assert "Testhagen" in html and "Testbacken" in html
    assert "Testparken" not in html and "Testcentrum" not in html


def area_options(html: str) -> set[str]:
    select = re.search(r'<select id="area" name="area">(.*?)</select>', html, re.S)
    assert select, "the page has no area question"
    return set(re.findall(r'<option value="\d+">([^<]*)</option>', select.group(1)))


def test_the_public_survey_offers_only_the_surveys_areas(client, karlstad_places):
    survey = open_survey([karlstad_places["home"]])
    page = client.get(f"/trygghetsundersokning/{survey.pk}/")
    assert area_options(page.content.decode()) == {"Testhagen"}


def test_a_posted_park_is_refused_and_a_survey_area_is_recorded(client, karlstad_places):
    survey = open_survey([karlstad_places["home"]])
    url = f"/trygghetsundersokning/{survey.pk}/"
    for stranger in ("park", "other", "orebro"):
        response = client.post(url, {**ANSWERS, "area": karlstad_places[stranger].pk})
        assert response.status_code == 200 and response.context["errors"], stranger
        assert not SurveyResponse.objects.exists()
    response = client.post(url, {**ANSWERS, "area": "Testparken"})
    assert response.context["errors"] and not SurveyResponse.objects.exists()
    client.post(url, {**ANSWERS, "area": karlstad_places["home"].pk})
    assert SurveyResponse.objects.get().area == karlstad_places["home"]


def test_an_unanswered_area_is_still_an_answer(client, karlstad_places):
    survey = open_survey([karlstad_places["home"]])
    client.post(f"/trygghetsundersokning/{survey.pk}/", {**ANSWERS, "area": ""})
    assert SurveyResponse.objects.get().area is None


def test_the_demo_surveys_ask_about_residential_areas(demo_orgs):
    from trygg.demo import citizens as demo_citizens

    demo_citizens.load(dt.date(2026, 3, 31))
    demo_surveys = Survey.objects.filter(is_generated=True)
    assert demo_surveys.count() == 4  # two waves in each city
    for survey in demo_surveys:
        areas = list(survey.areas.all())
        assert len(areas) >= 4, survey
        assert {a.kind for a in areas} == {Place.Kind.RESIDENTIAL}, survey
        assert {a.municipality_id for a in areas} == {survey.municipality_id}
        answered = {r.area for r in survey.responses.select_related("area")}
        assert answered <= set(areas) and len(answered) >= 4
    for place in Place.objects.filter(is_demo=True, kind=Place.Kind.RESIDENTIAL):
        assert place.municipality.contains(place.lon, place.lat), place
    assert Place.objects.get(municipality_id="1780", name="Centrum").kind == Place.Kind.AREA
    assert Place.objects.get(municipality_id="1880", name="Slottsparken").kind == Place.Kind.PLACE
