"""The coordinators' pages: destinations per municipality (the key from the environment, never stored),
every change audited, bad input refused with the field named, other municipalities refused, and a tip
forwarded by hand from its page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from trygg.audit.models import AuditEvent
from trygg.citizens.models import Tip
from trygg.core import jobs
from trygg.forwarding.models import Destination, Forwarding, Route

from .conftest import KEY_NAME, KEY_VARIABLE, LIGHT

pytestmark = pytest.mark.django_db


def form_data(department_url: str, **extra) -> dict:
    return {"name": "Gatu- och belysningsavdelningen", "base_url": department_url, "jurisdiction_id": "",
            "key_name": KEY_NAME.lower(), "active": "on", "route_belysning": "light", **extra}  # fmt: skip


def test_a_coordinator_configures_a_destination_and_every_change_is_audited(login, demo_orgs, department, monkeypatch):
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    assert coordinator.get("/vidarebefordran/").status_code == 200
    response = coordinator.post("/vidarebefordran/1780/ny/", form_data(department.url.rstrip("/")))
    assert response.status_code == 302, response.context["form"].errors
    destination = Destination.objects.get()
    assert (destination.municipality_id, destination.key_name, destination.base_url) == (
        "1780",
        KEY_NAME,
        department.url,  # the trailing slash added
    )
    assert dict(Route.objects.values_list("category", "remote_service_code")) == {"belysning": "light"}
    assert "hemlig" not in repr(list(Destination.objects.values()))  # no key in the database
    created = AuditEvent.objects.get(object_type="forwarding.destination", action="create")
    assert created.actor_label == "karlstad.samordnare"
    page = coordinator.get("/vidarebefordran/").content.decode()
    assert KEY_VARIABLE in page and "<strong>" in page.split(KEY_VARIABLE)[1][:40]
    monkeypatch.setenv(KEY_VARIABLE, "x")
    page = coordinator.get("/vidarebefordran/").content.decode()
    assert "<strong>" not in page.split(KEY_VARIABLE)[1][:40]  # set: no warning

    edit = f"/vidarebefordran/mottagare/{destination.pk}/"
    version = coordinator.get(edit).context["form"]["version"].value()
    data = form_data(department.url, route_belysning="", route_klotter="graffiti", version=version)
    assert coordinator.post(edit, data).status_code == 302
    assert dict(Route.objects.values_list("category", "remote_service_code")) == {"klotter": "graffiti"}
    changed = AuditEvent.objects.get(object_type="forwarding.destination", action="update")
    assert changed.changes["routes"] == [{"belysning": "light"}, {"klotter": "graffiti"}]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"base_url": "http://open311.example.se/v2/"}, "base_url", "https://"),
        ({"base_url": "https://open311.example.se/v2/?x=1"}, "base_url", "utan ?"),
        ({"key_name": "karlstad-gata!"}, "key_name", "versalerna"),
        ({"base_url": "https://intranet.kommun.local/admin/"}, "base_url", "TRYGG_OPEN311_HOSTS"),
        ({"route_belysning": "light bulb"}, "route_belysning", "bokstäver, siffror"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(login, demo_orgs, department, change, field, words):
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    response = coordinator.post("/vidarebefordran/1780/ny/", form_data(department.url, **change))
    assert response.status_code == 200 and not Destination.objects.exists()
    assert words.lower() in " ".join(response.context["form"].errors[field]).lower()


def test_a_category_goes_to_one_destination_only(login, demo_orgs, destination, department):
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    response = coordinator.post("/vidarebefordran/1780/ny/", form_data(department.url, name="Parkförvaltningen"))
    assert response.status_code == 200
    assert destination.name in " ".join(response.context["form"].errors["route_belysning"])
    assert Destination.objects.count() == 1


def test_other_municipalities_and_partners_are_refused(login, demo_orgs, destination):
    orebro = login(demo_orgs["users"]["orebro.samordnare"])
    assert orebro.get(f"/vidarebefordran/mottagare/{destination.pk}/").status_code == 403
    assert orebro.get("/vidarebefordran/1780/ny/").status_code == 403
    assert destination.name not in orebro.get("/vidarebefordran/").content.decode()
    police = login(demo_orgs["users"]["polis.karlstad"])  # coordinates incidents, not residents' tips
    assert police.get("/vidarebefordran/").status_code == 403
    assert police.get("/vidarebefordran/skickade/").status_code == 403


def test_a_coordinator_forwards_a_tip_by_hand_from_its_page(
    login, demo_orgs, destination, department, django_capture_on_commit_callbacks
):
    tip = Tip.objects.create(municipality_id="1780", service_code="otrygg-plats", description="Mörk gång", **LIGHT)
    assert not Forwarding.objects.exists()  # not a routed category: it stayed in Trygg
    route = Route.objects.get()
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    page = coordinator.get(f"/invanare/tips/{tip.pk}/").content.decode()
    assert f'value="{route.pk}"' in page and f"/invanare/tips/{tip.pk}/vidarebefordra/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(f"/invanare/tips/{tip.pk}/vidarebefordra/", {"route": route.pk})
    assert response.status_code == 302
    forwarding = Forwarding.objects.get(tip=tip)
    assert forwarding.created_by == demo_orgs["users"]["karlstad.samordnare"] and forwarding.service_code == "light"
    assert AuditEvent.objects.filter(object_type="forwarding.forwarding", actor_label="karlstad.samordnare").exists()
    jobs.run_now("tip_forwarding", now=timezone.now())
    assert [p["description"] for p in department.posted] == ["Mörk gång"]
    assert Tip.objects.get(pk=tip.pk).status == "forwarded"
    page = coordinator.get(f"/invanare/tips/{tip.pk}/").content.decode()
    assert "D-1000" in page and f"/invanare/tips/{tip.pk}/vidarebefordra/" not in page  # no second forwarding
    again = coordinator.post(f"/invanare/tips/{tip.pk}/vidarebefordra/", {"route": route.pk})
    assert again.status_code == 302 and Forwarding.objects.count() == 1
    other = login(demo_orgs["users"]["orebro.samordnare"])
    assert other.post(f"/invanare/tips/{tip.pk}/vidarebefordra/", {"route": route.pk}).status_code == 403


def test_the_triage_shows_forwarded_tips_under_their_own_status(login, demo_orgs):
    Tip.objects.create(municipality_id="1780", service_code="belysning", status="forwarded", **LIGHT)
    Tip.objects.create(municipality_id="1780", service_code="klotter", **LIGHT)
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    assert len(coordinator.get("/invanare/tips/").context["tips"]) == 1  # the new one only
    assert [t.service_code for t in coordinator.get("/invanare/tips/?status=forwarded").context["tips"]] == [
        "belysning"
    ]


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/vidarebefordran/skickade/?state=nope", {}),
        ("get", "/vidarebefordran/mottagare/999999/", {}),
        ("get", "/vidarebefordran/9999/ny/", {}),
        ("post", "/vidarebefordran/1780/ny/", {"base_url": "javascript:alert(1)", "key_name": "ö" * 80}),
        ("post", "/vidarebefordran/skickade/999999/forsok-igen/", {}),
        ("post", "/invanare/tips/999999/vidarebefordra/", {"route": "abc"}),
    ],
)
def test_bad_parameters_never_give_a_server_error(login, demo_orgs, method, url, data):
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    assert getattr(coordinator, method)(url, data).status_code < 500


def test_a_garbage_route_is_refused_with_a_message(login, demo_orgs, destination):
    tip = Tip.objects.create(municipality_id="1780", service_code="klotter", **LIGHT)
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    for route in ("abc", "-1", "999999", ""):
        assert coordinator.post(f"/invanare/tips/{tip.pk}/vidarebefordra/", {"route": route}).status_code == 302
    assert not Forwarding.objects.exists()


def test_a_destination_the_server_may_not_call_is_saved_turned_off_and_the_pages_say_why_nothing_is_sent(
    login, demo_orgs, department, settings
):
    settings.TRYGG_OPEN311_HOSTS = []
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    data = form_data("https://open311.karlstad.example/v2/")
    assert coordinator.post("/vidarebefordran/1780/ny/", data).status_code == 200  # turned on: refused
    assert not Destination.objects.exists()
    data.pop("active")
    assert coordinator.post("/vidarebefordran/1780/ny/", data).status_code == 302  # turned off: kept for later
    overview = coordinator.get("/vidarebefordran/").content.decode()
    assert "TRYGG_OPEN311_HOSTS" in overview and KEY_VARIABLE in overview
    light = Tip.objects.create(municipality_id="1780", service_code="belysning", description="Lampa", **LIGHT)
    page = coordinator.get(f"/invanare/tips/{light.pk}/").content.decode()
    assert "Gatu- och belysningsavdelningen" in page and "TRYGG_OPEN311_HOSTS" in page
    graffiti = Tip.objects.create(municipality_id="1780", service_code="klotter", description="Klotter", **LIGHT)
    page = coordinator.get(f"/invanare/tips/{graffiti.pk}/").content.decode()
    assert "stannar i Trygg" in page
