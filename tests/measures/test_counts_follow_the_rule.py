"""Counts follow the incidents' rule (issue 23): the problem-place page counted every organisation's *internal*
incidents for anyone who could see the place (as polis.karlstad and orebro.samordnare it said "1" for an internal
report of Centrum Karlstad). It now counts what the reader may see; evaluations and goal follow-ups, which are stored
and read alike by everyone who sees the measure, count what partners see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import KARLSTAD_POINT, make_incident
from trygg.measures import evaluate
from trygg.measures.models import Measure, ProblemPlace

pytestmark = pytest.mark.django_db

LAT, LON = KARLSTAD_POINT
D = 0.002
BOX = {
    "type": "Polygon",
    "coordinates": [
        [[LON - D, LAT - D], [LON + D, LAT - D], [LON + D, LAT + D], [LON - D, LAT + D], [LON - D, LAT - D]]
    ],
}


@pytest.fixture
def place(demo_orgs):
    orgs = demo_orgs["orgs"]
    make_incident(org=orgs["centrum-karlstad"], visibility="internal", when=timezone.now() - dt.timedelta(days=10))
    return ProblemPlace.objects.create(
        municipality_id="1780",
        name="Torget",
        geometry=BOX,
        categories=["klotter"],
        organisation=orgs["karlstads-kommun"],
    )


@pytest.mark.parametrize(
    ("username", "counted"),
    [
        ("centrum.rapportor", 1),  # the reporting organisation sees its internal report
        ("polis.karlstad", 0),  # coordinates in Karlstad, but the report is internal to Centrum Karlstad
        ("orebro.samordnare", 0),  # reaches Karlstad through the cooperation
        ("karlstad.samordnare", 0),
    ],
)
def test_the_problem_place_counts_only_what_the_reader_may_see(place, demo_orgs, login, username, counted):
    response = login(demo_orgs["users"][username]).get(f"/atgarder/problemplatser/{place.pk}/")
    assert response.status_code == 200
    assert response.context["scanning"]["last_12_months"] == counted


def test_a_stored_evaluation_counts_what_partners_see(place, demo_orgs):
    orgs = demo_orgs["orgs"]
    today = timezone.localdate()
    shared = make_incident(
        org=orgs["centrum-karlstad"], visibility="partners", when=timezone.now() - dt.timedelta(days=3)
    )
    control = {**BOX, "coordinates": [[[x + 0.01, y] for x, y in BOX["coordinates"][0]]]}
    measure = Measure.objects.create(
        title="Belysning", kind="lighting", municipality_id="1780", owner=orgs["karlstads-kommun"],
        problem_place=place, control_area=control, categories=["klotter"], buffer_m=0,
    )  # fmt: skip
    elsewhere = (LAT + 0.05, LON + 0.05)  # where the data begins, outside every area
    make_incident(org=orgs["centrum-karlstad"], when=timezone.now() - dt.timedelta(days=100), point=elsewhere)
    start, middle = today - dt.timedelta(days=90), today - dt.timedelta(days=20)
    result = evaluate.evaluate(measure, start, middle, middle, today + dt.timedelta(days=1))
    assert shared.occurred_start.date() > middle
    assert result["counts"]["after"]["treated"] == 1  # the shared report, not the internal one


def test_the_digest_names_only_open_measures_the_reporter_may_see(place, demo_orgs):
    """A reporter of Hammarö (outside the cooperation) who reports near a Karlstad problem place is not told of
    Karlstad's measure there in the Monday digest (it named every municipality's open measures)."""
    from trygg.measures.digest import open_measures_near
    from trygg.orgs.models import Membership, Organisation, User

    orgs = demo_orgs["orgs"]
    Measure.objects.create(
        title="Kameror vid torget", kind="cameras", municipality_id="1780", owner=orgs["karlstads-kommun"],
        problem_place=place, status="ongoing",
    )  # fmt: skip
    hammaro = Organisation.objects.create(name="Hammarö Bostäder", slug="hammaro-bostader", kind="housing_company")
    hammaro.municipalities.set(["1715"])
    reporter = User.objects.create_user("hammaro.rapportor")
    Membership.objects.create(user=reporter, organisation=hammaro, role="reporter")
    make_incident(municipality="1715", county="17", org=hammaro, point=(LAT + 0.001, LON))
    karlstad_reporter = demo_orgs["users"]["centrum.rapportor"]
    make_incident(org=orgs["centrum-karlstad"], point=(LAT + 0.001, LON))
    today = timezone.localdate()
    assert open_measures_near(reporter, [hammaro.pk], today) == []
    assert [m["title"] for m in open_measures_near(karlstad_reporter, [orgs["centrum-karlstad"].pk], today)] == [
        "Kameror vid torget"
    ]
