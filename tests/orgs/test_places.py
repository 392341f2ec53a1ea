"""Named places and areas of a municipality, managed in the product by its coordinators."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEvent
from trygg.citizens.models import Survey
from trygg.orgs.models import Place

pytestmark = pytest.mark.django_db


def box(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


SMALL = box(13.500, 59.378, 13.506, 59.381)  # around Stora torget, Karlstad: about 0.1 km²
LARGE = box(13.45, 59.37, 13.50, 59.39)  # about 6 km², inside Karlstad
HUGE = box(11.0, 58.5, 16.0, 61.0)  # far larger than the municipality
CONFIRM = {"confirm": "yes"}  # the delete button's value; an empty POST only shows the question again
OREBRO_POINT = {"type": "Point", "coordinates": [15.2130, 59.2727]}


@pytest.fixture
def coordinator(demo_orgs):
    client = Client()
    client.force_login(demo_orgs["users"]["karlstad.samordnare"])
    return client


def save(client, geometry, name="Lilla torget", kind="area", pk=None, **extra):
    url = reverse("orgs:place_edit", args=["1780", pk]) if pk else reverse("orgs:place_new", args=["1780"])
    data = {"name": name, "kind": kind, "geometry": json.dumps(geometry), **extra}
    if pk:
        data["version"] = client.get(url).context["form"]["version"].value()
    return client.post(url, data)


def test_a_coordinator_adds_edits_and_deletes_a_place_and_each_change_is_audited(coordinator):
    assert coordinator.get(reverse("orgs:places", args=["1780"])).status_code == 200
    assert save(coordinator, SMALL).status_code == 302
    place = Place.objects.get(municipality="1780", name="Lilla torget")
    assert place.kind == "area" and place.is_area
    assert (
        save(coordinator, {"type": "Point", "coordinates": [13.5035, 59.3794]}, kind="place", pk=place.pk).status_code
        == 302
    )
    place.refresh_from_db()
    assert place.geometry["type"] == "Point" and place.kind == "place"
    assert coordinator.post(reverse("orgs:place_delete", args=["1780", place.pk])).status_code == 200  # not confirmed
    assert Place.objects.filter(pk=place.pk).exists()
    assert coordinator.post(reverse("orgs:place_delete", args=["1780", place.pk]), CONFIRM).status_code == 302
    assert not Place.objects.filter(pk=place.pk).exists()
    history = AuditEvent.objects.filter(object_type="orgs.place", object_id=str(place.pk)).order_by("at", "id")
    assert [(e.action, e.summary) for e in history] == [
        ("create", "named place Lilla torget"),
        ("update", "named place Lilla torget"),
        ("delete", "named place Lilla torget"),
    ]
    assert history[1].changes["kind"] == ["area", "place"]
    assert all(e.actor.username == "karlstad.samordnare" for e in history)


def test_a_large_area_needs_an_explicit_confirmation(coordinator):
    refused = save(coordinator, LARGE)
    assert refused.status_code == 200 and refused.context["form"].errors["confirm_large"]
    assert refused.context["form"].size_warning > 2
    assert not Place.objects.filter(name="Lilla torget").exists()
    assert save(coordinator, LARGE, confirm_large="on").status_code == 302
    assert Place.objects.filter(municipality="1780", name="Lilla torget").exists()


def test_an_area_larger_than_the_municipality_is_refused_even_when_confirmed(coordinator):
    refused = save(coordinator, HUGE, confirm_large="on")
    assert refused.status_code == 200 and "km²" in " ".join(refused.context["form"].errors["geometry"])
    assert not Place.objects.filter(name="Lilla torget").exists()


def test_a_point_outside_the_municipality_is_refused(coordinator):
    refused = save(coordinator, OREBRO_POINT, kind="place")
    assert refused.status_code == 200 and refused.context["form"].errors["geometry"]
    assert not Place.objects.filter(name="Lilla torget").exists()


def test_not_geojson_and_a_line_are_refused(coordinator):
    for geometry in ({"type": "Nothing"}, {"type": "LineString", "coordinates": [[13.50, 59.37], [13.51, 59.38]]}):
        assert save(coordinator, geometry).context["form"].errors["geometry"], geometry
    assert save(coordinator, SMALL, name="Centrum").context["form"].errors["name"]  # the demo has one
    assert not Place.objects.filter(name="Lilla torget").exists()


def test_a_place_used_by_a_survey_is_not_deleted(coordinator):
    place = Place.objects.get(municipality="1780", name="Centrum")
    today = dt.date.today()
    survey = Survey.objects.create(municipality_id="1780", title="T", wave=1, opens_on=today, closes_on=today)
    survey.areas.set([place])
    url = reverse("orgs:place_delete", args=["1780", place.pk])
    page = coordinator.get(url)
    assert page.status_code == 200 and page.context["references"] == {"surveys": 1}
    assert coordinator.post(url, CONFIRM).status_code == 409
    assert Place.objects.filter(pk=place.pk).exists()
    assert not AuditEvent.objects.filter(object_type="orgs.place", action="delete").exists()


def test_who_may_not_manage_the_places_is_refused(demo_orgs):
    place = Place.objects.get(municipality="1780", name="Centrum")
    for username in ("bra.lasare", "orebro.samordnare", "centrum.rapportor"):
        client = Client()
        client.force_login(demo_orgs["users"][username])
        assert client.get(reverse("orgs:places", args=["1780"])).status_code == 403, username
        assert save(client, SMALL).status_code == 403
        assert client.post(reverse("orgs:place_delete", args=["1780", place.pk]), CONFIRM).status_code == 403
    assert Place.objects.filter(pk=place.pk).exists() and not Place.objects.filter(name="Lilla torget").exists()


def test_a_place_of_another_municipality_is_not_found_under_this_one(coordinator):
    orebro = Place.objects.get(municipality="1880", name="Centrum")
    assert coordinator.get(reverse("orgs:place_edit", args=["1780", orebro.pk])).status_code == 404
    assert coordinator.post(reverse("orgs:place_delete", args=["1780", orebro.pk]), CONFIRM).status_code == 404
    assert Place.objects.filter(pk=orebro.pk).exists()
