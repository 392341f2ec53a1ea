"""One click turns a stop into an incident (source "walk") or a planned measure, audited, exactly once — also when
two coordinators click at the same moment."""

from __future__ import annotations

import threading

import pytest

from tests.at_once import at_once
from tests.walks.helpers import add_stop
from trygg.audit.models import AuditEvent
from trygg.incidents.models import Category, Incident
from trygg.measures.models import Measure
from trygg.walks import conversion
from trygg.walks.conversion import AlreadyConverted
from trygg.walks.models import Stop

pytestmark = pytest.mark.django_db


@pytest.fixture
def stop(walk, demo_orgs):
    return add_stop(
        walk,
        1,
        {"skotsel": ("problem", "Klotter på muren"), "belysning": ("ok", "")},
        lat=59.37825,
        lon=13.49905,
        note="Klotter i tunneln",
        proposal="Klottersanera tunneln",
        owner=demo_orgs["orgs"]["fastighetsagarna"],
    )


def convert_url(stop) -> str:
    return f"/trygghetsvandringar/stopp/{stop.pk}/omvandla/"


def test_a_stop_becomes_an_incident_once(login, demo_orgs, stop, walk):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    prefix = f"stop{stop.pk}"
    report = client.get(f"/trygghetsvandringar/{walk.pk}/rapport/").content.decode()
    assert 'value="nedskrapning" selected' in report  # suggested from the checklist point "skötsel"
    response = client.post(convert_url(stop), {f"{prefix}-into": "incident", f"{prefix}-category": "klotter"})
    assert response.status_code == 302 and response["Location"].endswith("#stopp-1")
    incident = Incident.objects.get()
    assert (incident.source, incident.category.code, incident.precision) == ("walk", "klotter", "exact")
    assert (incident.lat, incident.lon) == (59.37825, 13.49905)
    assert incident.reporter_org.slug == "karlstads-kommun" and incident.visibility == "partners"
    assert "Klotter i tunneln" in incident.description and "Klotter på muren" in incident.description
    assert incident.reported_by.username == "karlstad.samordnare"
    detail = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert f'href="/trygghetsvandringar/{walk.pk}/rapport/#stopp-1"' in detail  # back to the stop it came from
    stop.refresh_from_db()
    assert stop.incident == incident and stop.converted_by.username == "karlstad.samordnare"
    assert AuditEvent.objects.filter(object_type="incidents.incident", object_id=str(incident.pk)).exists()
    again = client.post(
        convert_url(stop),
        {
            f"{prefix}-into": "measure",
            f"{prefix}-kind": "cleaning",
            f"{prefix}-owner": demo_orgs["orgs"]["fastighetsagarna"].pk,
        },
    )
    assert again.status_code == 302
    assert Incident.objects.count() == 1 and not Measure.objects.exists()
    page = client.get(f"/trygghetsvandringar/{walk.pk}/rapport/").content.decode()
    assert f"/incidents/{incident.pk}/" in page and "/omvandla/" not in page  # shows what it became


def test_a_stop_becomes_a_measure_with_a_link_back(login, demo_orgs, stop, walk):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    prefix = f"stop{stop.pk}"
    owner = demo_orgs["orgs"]["fastighetsagarna"]
    response = client.post(
        convert_url(stop), {f"{prefix}-into": "measure", f"{prefix}-kind": "cleaning", f"{prefix}-owner": owner.pk}
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.status, measure.owner, measure.kind, measure.municipality_id) == (
        "planned",
        owner,
        "cleaning",
        "1780",
    )
    assert measure.title == "Klottersanera tunneln"
    assert f"/trygghetsvandringar/{walk.pk}/rapport/#stopp-1" in measure.description
    assert Stop.objects.get().measure == measure and measure.walk_stop == stop
    with pytest.raises(AlreadyConverted):
        conversion.to_incident(
            stop.pk, Category.objects.est().get(code="klotter"), demo_orgs["users"]["karlstad.samordnare"]
        )
    assert not Incident.objects.exists()


def test_a_measure_needs_type_and_owner(login, demo_orgs, stop):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    prefix = f"stop{stop.pk}"
    client.post(convert_url(stop), {f"{prefix}-into": "measure"})
    client.post(convert_url(stop), {f"{prefix}-into": "incident", f"{prefix}-category": "inte-en-kategori"})
    assert not Measure.objects.exists() and not Incident.objects.exists()


@pytest.mark.parametrize("username", ["centrum.rapportor", "orebro.samordnare", "city.orebro"])
def test_others_may_not_convert(login, demo_orgs, stop, username):
    prefix = f"stop{stop.pk}"
    client = login(demo_orgs["users"][username])
    response = client.post(convert_url(stop), {f"{prefix}-into": "incident", f"{prefix}-category": "klotter"})
    assert response.status_code == 403
    assert client.get(convert_url(stop)).status_code == 405
    assert not Incident.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one(demo_orgs, walk, stop):
    users = demo_orgs["users"]
    klotter = Category.objects.est().get(code="klotter")
    owner = demo_orgs["orgs"]["karlstads-kommun"]
    work = [
        lambda: conversion.to_incident(stop.pk, klotter, users["karlstad.samordnare"]),
        lambda: conversion.to_measure(stop.pk, "cleaning", owner, users["polis.karlstad"]),
    ]
    lock, outcomes = threading.Lock(), []

    def one() -> None:
        with lock:
            job = work.pop()
        try:
            job()
            outcomes.append("made")
        except AlreadyConverted:
            outcomes.append("refused")

    at_once(one)
    assert sorted(outcomes) == ["made", "refused"]
    assert Incident.objects.count() + Measure.objects.count() == 1
    stop.refresh_from_db()
    assert stop.converted and not (stop.incident_id and stop.measure_id)


@pytest.mark.django_db(transaction=True)
def test_the_same_click_twice_at_once_makes_one_incident(demo_orgs, walk, stop):
    klotter = Category.objects.est().get(code="klotter")
    outcomes = []

    def one() -> None:
        try:
            conversion.to_incident(stop.pk, klotter, demo_orgs["users"]["karlstad.samordnare"])
            outcomes.append("made")
        except AlreadyConverted:
            outcomes.append("refused")

    at_once(one)
    assert sorted(outcomes) == ["made", "refused"] and Incident.objects.count() == 1
