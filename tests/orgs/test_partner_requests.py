"""A cooperation takes in a partner of another municipality only when that municipality's admins accept: the
outside check's finding (a Karlstad admin added Hammarö, and a Karlstad reporter then read Hammarö's incidents)
replayed through HTTP, the request answered by the right and by the wrong admins, and every step audited."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import make_incident
from trygg.audit.models import AuditEvent
from trygg.orgs.models import Cooperation, Membership, Municipality, Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_orgs):
    """The demo's "Trygga centrum" (Karlstad and Örebro); Hammarö's municipality outside it, with an admin, a
    coordinator and an incident its partners may see; an admin of Örebro's municipality."""
    hammaro = Organisation.objects.create(name="Hammarö kommun", slug="hammaro-kommun", kind="municipality")
    hammaro.municipalities.set([Municipality.objects.get(code="1761")])
    people = {}
    for username, org, role in [
        ("hammaro.admin", hammaro, "org_admin"),
        ("hammaro.samordnare", hammaro, "coordinator"),
        ("orebro.admin", demo_orgs["orgs"]["orebro-kommun"], "org_admin"),
    ]:
        people[username] = User.objects.create_user(username, email=f"{username}@example.se")
        Membership.objects.create(user=people[username], organisation=org, role=role)
    incident = make_incident(municipality="1761", county="17", org=hammaro, visibility="partners")
    return {
        "coop": Cooperation.objects.get(slug="trygga-centrum"),
        "hammaro": hammaro,
        "incident": incident,
        "users": demo_orgs["users"] | people,
    }


def client_of(world, username: str) -> Client:
    client = Client()
    client.force_login(world["users"][username])
    return client


def reads(world, username: str, incident) -> int:
    return client_of(world, username).get(reverse("incidents:detail", args=[incident.pk])).status_code


def add_existing(client, coop, organisation):
    url = reverse("orgs:cooperation_partner", args=[coop.slug])
    return client.post(url, {"existing-organisation": organisation.pk, "existing": "1"})


def waiting_for(world, username: str) -> list:
    """The requests the user's Administration page asks them to answer."""
    return list(client_of(world, username).get(reverse("orgs:admin")).context["partner_requests"])


def decide(client, request_pk: int, decision: str):
    return client.post(reverse("orgs:partner_request", args=[request_pk]), {"decision": decision})


def test_a_partner_of_another_municipality_joins_only_when_that_municipalitys_admins_accept(world):
    coop, hammaro, incident = world["coop"], world["hammaro"], world["incident"]
    assert reads(world, "centrum.rapportor", incident) == 403
    karlstad_admin = client_of(world, "karlstad.admin")
    response = add_existing(karlstad_admin, coop, hammaro)
    assert response.status_code == 302
    assert hammaro not in coop.organisations.all()  # asked, not added
    assert reads(world, "centrum.rapportor", incident) == 403
    assert not waiting_for(world, "orebro.admin")  # not Örebro's to answer
    [request] = waiting_for(world, "hammaro.admin")
    assert request.organisation == hammaro and request.cooperation == coop and request.status == "pending"
    [message] = mail.outbox  # the asked admin is told, with the link to the request
    assert message.to == ["hammaro.admin@example.se"]
    assert reverse("orgs:partner_request", args=[request.pk]) in message.body
    page = karlstad_admin.get(reverse("orgs:cooperation", args=[coop.slug]))
    assert [(r.organisation, r.status) for r in page.context["partner_requests"]] == [(hammaro, "pending")]

    assert decide(client_of(world, "hammaro.admin"), request.pk, "accept").status_code == 302
    assert hammaro in coop.organisations.all()
    assert reads(world, "centrum.rapportor", incident) == 200
    history = {(e.actor.username, e.summary) for e in AuditEvent.objects.for_object(coop)}
    assert ("karlstad.admin", "partner requested: Hammarö kommun (waiting for Hammarö)") in history
    assert ("hammaro.admin", "partner request accepted: Hammarö kommun for Hammarö") in history
    assert ("hammaro.admin", "partner added: Hammarö kommun") in history
    with translation.override("sv"):  # the cooperation's page words each step in Swedish
        assert all(e.detail != e.summary for e in AuditEvent.objects.for_object(coop).exclude(action="denied"))
    assert not waiting_for(world, "hammaro.admin")


def test_a_declined_request_adds_nothing_and_the_requesting_admins_see_it(world):
    coop, hammaro, incident = world["coop"], world["hammaro"], world["incident"]
    add_existing(client_of(world, "karlstad.admin"), coop, hammaro)
    [request] = waiting_for(world, "hammaro.admin")
    assert decide(client_of(world, "hammaro.admin"), request.pk, "decline").status_code == 302
    assert hammaro not in coop.organisations.all()
    assert reads(world, "centrum.rapportor", incident) == 403
    page = client_of(world, "karlstad.admin").get(reverse("orgs:cooperation", args=[coop.slug]))
    [shown] = page.context["partner_requests"]
    assert shown.status == "declined" and shown.decided_by == world["users"]["hammaro.admin"]
    assert AuditEvent.objects.for_object(coop).filter(summary="partner request declined: Hammarö kommun").exists()
    again = decide(client_of(world, "hammaro.admin"), request.pk, "accept")  # answered once: nothing changes
    assert again.status_code == 302 and hammaro not in coop.organisations.all()


def test_a_new_organisation_working_in_another_municipality_is_a_request_too(world):
    coop = world["coop"]
    url = reverse("orgs:cooperation_partner", args=[coop.slug])
    new = {"new": "1", "new-name": "Hammarö Fastigheter AB", "new-kind": "property_owners"}
    response = client_of(world, "karlstad.admin").post(url, {**new, "new-municipalities": ["1780", "1761"]})
    assert response.status_code == 302
    created = Organisation.objects.get(name="Hammarö Fastigheter AB")
    assert created not in coop.organisations.all()
    [request] = waiting_for(world, "hammaro.admin")
    assert request.organisation == created
    assert decide(client_of(world, "hammaro.admin"), request.pk, "accept").status_code == 302
    assert created in coop.organisations.all()


def test_an_organisation_of_several_other_municipalities_waits_for_each_of_them(world):
    coop = world["coop"]
    url = reverse("orgs:cooperation_partner", args=[coop.slug])
    new = {"new": "1", "new-name": "Mälardalens Bevakning AB", "new-kind": "security_company"}
    assert client_of(world, "karlstad.admin").post(url, {**new, "new-municipalities": ["1761", "1880"]}).status_code
    created = Organisation.objects.get(name="Mälardalens Bevakning AB")
    [request] = waiting_for(world, "hammaro.admin")
    assert waiting_for(world, "orebro.admin") == [request]
    assert decide(client_of(world, "hammaro.admin"), request.pk, "accept").status_code == 302
    assert created not in coop.organisations.all()  # Örebro has not answered yet
    assert not waiting_for(world, "hammaro.admin") and waiting_for(world, "orebro.admin") == [request]
    assert decide(client_of(world, "orebro.admin"), request.pk, "accept").status_code == 302
    assert created in coop.organisations.all()


def test_an_organisation_of_the_own_municipality_is_added_at_once(world):
    coop = world["coop"]
    own = Organisation.objects.create(name="Karlstads Cityföreningar", slug="karlstads-city", kind="city_centre")
    own.municipalities.set(["1780"])
    assert add_existing(client_of(world, "karlstad.admin"), coop, own).status_code == 302
    assert own in coop.organisations.all()
    assert not waiting_for(world, "hammaro.admin") and not waiting_for(world, "orebro.admin")


def test_a_request_is_answered_only_by_the_admins_of_the_municipality_it_waits_for(world):
    coop, hammaro = world["coop"], world["hammaro"]
    add_existing(client_of(world, "karlstad.admin"), coop, hammaro)
    [request] = waiting_for(world, "hammaro.admin")
    partner = Organisation.objects.create(name="Hammarö Centrum", slug="hammaro-centrum", kind="city_centre")
    partner.municipalities.set(["1761"])  # works in Hammarö, but is not its municipality
    world["users"]["hammaro.centrum.admin"] = User.objects.create_user("hammaro.centrum.admin")
    Membership.objects.create(user=world["users"]["hammaro.centrum.admin"], organisation=partner, role="org_admin")
    wrong = ("karlstad.admin", "orebro.admin", "hammaro.samordnare", "hammaro.centrum.admin", "centrum.rapportor")
    for username in wrong:
        client = client_of(world, username)
        assert client.get(reverse("orgs:partner_request", args=[request.pk])).status_code == 403, username
        assert decide(client, request.pk, "accept").status_code == 403, username
    assert hammaro not in coop.organisations.all()
    refusals = AuditEvent.objects.filter(action="denied", object_type="orgs.partnerrequest", object_id=str(request.pk))
    assert refusals.count() == 2 * len(wrong)
    assert decide(client_of(world, "hammaro.admin"), 999_999, "accept").status_code == 404


def test_a_municipality_without_an_admin_in_trygg_is_answered_by_a_superuser(world):
    coop = world["coop"]
    url = reverse("orgs:cooperation_partner", args=[coop.slug])
    new = {"new": "1", "new-name": "Kils Fastigheter AB", "new-kind": "property_owners", "new-municipalities": ["1715"]}
    response = client_of(world, "karlstad.admin").post(url, new, follow=True)
    assert "superanvändare" in " ".join(str(m) for m in response.context["messages"])
    created = Organisation.objects.get(name="Kils Fastigheter AB")
    assert not mail.outbox and created not in coop.organisations.all()
    world["users"]["root"] = User.objects.create_superuser("root", password="x" * 14)
    [request] = waiting_for(world, "root")
    assert decide(client_of(world, "root"), request.pk, "accept").status_code == 302
    assert created in coop.organisations.all()


def test_the_requesting_admin_withdraws_a_waiting_request_and_it_can_no_longer_be_accepted(world):
    coop, hammaro, incident = world["coop"], world["hammaro"], world["incident"]
    add_existing(client_of(world, "karlstad.admin"), coop, hammaro)
    [request] = waiting_for(world, "hammaro.admin")
    url = reverse("orgs:partner_request_withdraw", args=[coop.slug, request.pk])
    assert client_of(world, "hammaro.admin").post(url).status_code == 403  # not Hammarö's cooperation
    assert client_of(world, "centrum.rapportor").post(url).status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == "pending"
    page = client_of(world, "karlstad.admin").get(reverse("orgs:cooperation", args=[coop.slug])).content.decode()
    assert url in page  # the button is shown to the requesting side
    assert client_of(world, "karlstad.admin").post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == "withdrawn" and request.decided_by == world["users"]["karlstad.admin"]
    assert not waiting_for(world, "hammaro.admin")
    assert decide(client_of(world, "hammaro.admin"), request.pk, "accept").status_code == 302  # too late
    assert hammaro not in coop.organisations.all() and reads(world, "centrum.rapportor", incident) == 403
    assert AuditEvent.objects.for_object(coop).filter(summary="partner request withdrawn: Hammarö kommun").exists()
    with translation.override("sv"):
        event = AuditEvent.objects.for_object(coop).get(summary="partner request withdrawn: Hammarö kommun")
        assert event.detail == "återkallade förfrågan om att ta in Hammarö kommun"


def test_another_municipalitys_partner_is_its_admins_to_take_out_and_its_own_organisation_goes_with_them(world):
    """The outside check: a Karlstad admin took Örebro kommun out of the joint cooperation, unasked, and then
    alone decided what it shared of Örebro's partners. Now a partner of Örebro is Örebro's admins' to take out;
    taking out Örebro kommun ends the cooperation with Örebro: its partners that work only there go with it."""
    coop, orgs = world["coop"], {o.slug: o for o in world["coop"].organisations.all()}
    karlstad = client_of(world, "karlstad.admin")
    page = karlstad.get(reverse("orgs:cooperation", args=[coop.slug]))
    assert page.context["removable"] == {o.pk for o in orgs.values() if o.municipalities.filter(code="1780")}
    city = reverse("orgs:cooperation_remove", args=[coop.slug, orgs["city-orebro"].pk])
    assert karlstad.post(city).status_code == 403 and orgs["city-orebro"] in coop.organisations.all()
    assert AuditEvent.objects.filter(action="denied", actor=world["users"]["karlstad.admin"]).exists()
    karlstad_partner = reverse("orgs:cooperation_remove", args=[coop.slug, orgs["centrum-karlstad"].pk])
    assert client_of(world, "orebro.admin").post(karlstad_partner).status_code == 403
    assert (
        karlstad.post(karlstad_partner).status_code == 302 and orgs["centrum-karlstad"] not in coop.organisations.all()
    )

    only_orebro = {o for o in orgs.values() if set(o.municipalities.values_list("code", flat=True)) == {"1880"}}
    assert orgs["orebro-kommun"] in only_orebro and orgs["city-orebro"] in only_orebro
    assert (
        karlstad.post(reverse("orgs:cooperation_remove", args=[coop.slug, orgs["orebro-kommun"].pk])).status_code == 302
    )
    assert not only_orebro & set(coop.organisations.all())
    assert all(o.municipalities.filter(code="1780").exists() for o in coop.organisations.all())  # regional stay
    removed = AuditEvent.objects.for_object(coop).filter(summary__startswith="partner removed: ")
    assert {e.summary.split(": ", 1)[1] for e in removed} >= {o.name for o in only_orebro}
