"""The EST report form: several incidents in one submission, location rules, personal-data guard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trygg.audit.models import AuditEvent
from trygg.incidents.models import Category, Incident
from trygg.orgs.models import Place

pytestmark = pytest.mark.django_db


def card(index: int, **values) -> dict:
    when = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "category": Category.objects.est().get(code=values.pop("category", "klotter")).pk,
        "lat": "59.379400",
        "lon": "13.503500",
        "precision": "exact",
        "occurred_start": when,
        "description": "",
        "visibility": "partners",
    }
    data.update(values)
    return {f"incident-{index}-{k}": v for k, v in data.items() if v is not None}


def submission(org, *cards, municipality="1780") -> dict:
    data = {
        "organisation": org.pk,
        "municipality": municipality,
        "incident-TOTAL_FORMS": str(len(cards)),
        "incident-INITIAL_FORMS": "0",
        "incident-MIN_NUM_FORMS": "0",
        "incident-MAX_NUM_FORMS": "20",
    }
    for c in cards:
        data.update(c)
    return data


def test_three_observations_from_one_walk_in_one_submission(login, demo_orgs):
    org = demo_orgs["orgs"]["fastighetsagarna"]
    user = demo_orgs["users"]["fastighet.rapportor"]
    centrum = Place.objects.get(municipality="1780", name="Stora torget")
    data = submission(
        org,
        card(0, category="klotter", description="Klotter på elskåp"),
        card(1, category="nedskrapning", lat="59.378000", lon="13.498500", precision="street"),
        card(2, category="otrygg_plats", lat=None, lon=None, place=centrum.pk, assessment="high", persons_count="4",
             police_report_made="no"),
    )  # fmt: skip
    response = login(user).post("/report/", data)
    assert response.status_code == 302, response.context["formset"].errors
    created = Incident.objects.filter(reporter_org=org).order_by("id")
    assert [i.category.code for i in created] == ["klotter", "nedskrapning", "otrygg_plats"]
    assert all(i.reported_by == user and i.municipality_id == "1780" and i.status == "new" for i in created)
    assert created[1].precision == "street"
    third = created[2]
    assert (third.place, third.lat, third.lon) == (centrum, centrum.lat, centrum.lon)
    assert (third.assessment, third.persons_count, third.police_report_made) == ("high", 4, False)
    assert AuditEvent.objects.filter(action="create", object_type="incidents.incident").count() == 3
    follow = login(user).get(response.url)
    assert "3" in follow.content.decode()


def test_a_personal_identity_number_needs_confirmation(login, demo_orgs):
    org = demo_orgs["orgs"]["fastighetsagarna"]
    client = login(demo_orgs["users"]["fastighet.rapportor"])
    data = submission(org, card(0, description="Mannen (811228-9874) klottrade"))
    response = client.post("/report/", data)
    assert response.status_code == 200
    assert Incident.objects.count() == 0
    form = response.context["formset"].forms[0]
    assert form.personal_data_warning
    assert "811228-9874" in str(form.errors["description"])
    data["incident-0-confirm_personal_data"] = "on"
    assert client.post("/report/", data).status_code == 302
    assert Incident.objects.count() == 1


def test_a_full_name_is_warned_about_too(login, demo_orgs):
    data = submission(demo_orgs["orgs"]["fastighetsagarna"], card(0, description="Anna Svensson stod vid porten"))
    response = login(demo_orgs["users"]["fastighet.rapportor"]).post("/report/", data)
    assert response.status_code == 200
    assert "Anna Svensson" in str(response.context["formset"].forms[0].errors)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"lat": None, "lon": None}, "Ange var"),
        ({"lat": "59.274", "lon": "15.213"}, "utanför Karlstad"),
        ({"lon": None}, "ofullständig"),
    ],
)
def test_where_must_be_given_and_inside_the_municipality(login, demo_orgs, values, message):
    data = submission(demo_orgs["orgs"]["fastighetsagarna"], card(0, **values))
    response = login(demo_orgs["users"]["fastighet.rapportor"]).post("/report/", data)
    assert response.status_code == 200
    assert message in str(response.context["formset"].forms[0].non_field_errors())
    assert Incident.objects.count() == 0


def test_times_are_checked(login, demo_orgs):
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    start = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    earlier = (timezone.localtime() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    data = submission(
        demo_orgs["orgs"]["fastighetsagarna"],
        card(0, occurred_start=future),
        card(1, occurred_start=start, occurred_end=earlier),
    )
    response = login(demo_orgs["users"]["fastighet.rapportor"]).post("/report/", data)
    forms = response.context["formset"].forms
    assert "framtiden" in str(forms[0].errors["occurred_start"])
    assert "före början" in str(forms[1].errors["occurred_end"])
    assert Incident.objects.count() == 0


def test_one_bad_card_saves_nothing(login, demo_orgs):
    data = submission(demo_orgs["orgs"]["fastighetsagarna"], card(0), card(1, lat=None, lon=None))
    response = login(demo_orgs["users"]["fastighet.rapportor"]).post("/report/", data)
    assert response.status_code == 200
    assert Incident.objects.count() == 0


def test_an_organisation_cannot_report_for_a_municipality_where_it_does_not_work(login, demo_orgs):
    data = submission(demo_orgs["orgs"]["centrum-karlstad"], card(0, lat="59.2727", lon="15.2130"), municipality="1880")
    response = login(demo_orgs["users"]["centrum.rapportor"]).post("/report/", data)
    assert response.status_code == 200
    assert Incident.objects.count() == 0


def test_a_user_cannot_report_for_someone_elses_organisation(login, demo_orgs):
    data = submission(demo_orgs["orgs"]["city-orebro"], card(0))
    response = login(demo_orgs["users"]["fastighet.rapportor"]).post("/report/", data)
    assert response.status_code == 200
    assert "organisation" in response.context["header"].errors
    assert Incident.objects.count() == 0


def test_the_form_page_is_swedish_and_offers_the_est_categories(login, demo_orgs):
    response = login(demo_orgs["users"]["fastighet.rapportor"]).get("/report/")
    html = response.content.decode()
    assert "Rapportera händelser" in html
    for label in ["Klotter", "Nedskräpning", "Samling som stör", "Misstänkt narkotikahantering"]:
        assert label in html
    assert "Sammanfattning" not in html  # police-only categories are not offered
    assert '<meta name="viewport"' in html
