"""A cooperation administered in the product: partners in and out, and what it shares — with the consequence
checked through the real visibility rules and the incident page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_incident
from trygg.audit.models import AuditEvent
from trygg.incidents.models import Incident
from trygg.orgs import access
from trygg.orgs.models import Cooperation, Membership, Municipality, Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_orgs):
    """Värmland: a cooperation of Karlstad's municipality only; Hammarö's municipality outside it, with a
    coordinator; a partners-visible incident of Centrum Karlstad."""
    orgs = demo_orgs["orgs"]
    varmland = Cooperation.objects.create(name="Värmland", slug="varmland")
    varmland.organisations.set([orgs["karlstads-kommun"], orgs["centrum-karlstad"]])
    hammaro = Organisation.objects.create(name="Hammarö kommun", slug="hammaro-kommun", kind="municipality")
    hammaro.municipalities.set([Municipality.objects.get(code="1715")])
    coordinator = User.objects.create_user("hammaro.samordnare", password="x" * 12)
    Membership.objects.create(user=coordinator, organisation=hammaro, role="coordinator")
    incident = make_incident(municipality="1780", org=orgs["centrum-karlstad"], visibility="partners")
    admin = Client()
    admin.force_login(demo_orgs["users"]["karlstad.admin"])
    return {"coop": varmland, "hammaro": hammaro, "coordinator": coordinator, "incident": incident, "admin": admin}


def sees(user_pk: int, incident) -> bool:
    """What the project's own rules say, for a fresh copy of the user (no cached reach), and the page agrees."""
    user = User.objects.get(pk=user_pk)
    by_rule = Incident.objects.restrict(user, "view").filter(pk=incident.pk).exists()
    client = Client()
    client.force_login(user)
    by_page = client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    assert by_rule == by_page
    return by_rule


def share_form(coop: Cooperation, **flags) -> dict:
    from trygg.core.concurrency import version_of

    data = {"version": version_of(coop, ["share_incidents", "share_measures", "share_watchlists"])}
    for name in ("share_incidents", "share_measures", "share_watchlists"):
        if flags.get(name, getattr(coop, name)):
            data[name] = "on"
    return data


def test_a_partner_added_sees_shared_incidents_until_sharing_is_turned_off(world):
    coop, admin, incident, hammaro = world["coop"], world["admin"], world["incident"], world["hammaro"]
    assert not sees(world["coordinator"].pk, incident)
    response = admin.post(
        reverse("orgs:cooperation_partner", args=[coop.slug]), {"existing-organisation": hammaro.pk, "existing": "1"}
    )
    assert response.status_code == 302
    assert hammaro in coop.organisations.all()
    assert sees(world["coordinator"].pk, incident)

    coop.refresh_from_db()
    response = admin.post(reverse("orgs:cooperation", args=[coop.slug]), share_form(coop, share_incidents=False))
    assert response.status_code == 302
    coop.refresh_from_db()
    assert not coop.share_incidents and coop.share_measures
    assert not sees(world["coordinator"].pk, incident)

    added = AuditEvent.objects.for_object(coop).get(summary="partner added: Hammarö kommun")
    assert added.actor.username == "karlstad.admin"
    sharing = AuditEvent.objects.for_object(coop).get(summary="sharing changed")
    assert sharing.changes == {"share_incidents": [True, False]}


def test_removing_the_partner_ends_what_it_sees(world):
    coop, admin, incident, hammaro = world["coop"], world["admin"], world["incident"], world["hammaro"]
    coop.organisations.add(hammaro)
    assert sees(world["coordinator"].pk, incident)
    assert admin.post(reverse("orgs:cooperation_remove", args=[coop.slug, hammaro.pk])).status_code == 302
    assert hammaro not in coop.organisations.all()
    assert not sees(world["coordinator"].pk, incident)
    assert AuditEvent.objects.for_object(coop).filter(summary="partner removed: Hammarö kommun").count() == 1


def test_the_last_municipality_of_a_cooperation_cannot_be_removed(world, demo_orgs):
    coop, admin = world["coop"], world["admin"]
    karlstad = demo_orgs["orgs"]["karlstads-kommun"]
    assert admin.post(reverse("orgs:cooperation_remove", args=[coop.slug, karlstad.pk])).status_code == 302
    assert karlstad in coop.organisations.all()
    assert not AuditEvent.objects.for_object(coop).filter(summary__startswith="partner removed").exists()
    page = admin.get(reverse("orgs:cooperation", args=[coop.slug]))
    assert page.context["last_municipality"] == karlstad.pk


def test_a_new_partner_organisation_with_a_valid_organisation_number(world):
    coop, admin = world["coop"], world["admin"]
    url = reverse("orgs:cooperation_partner", args=[coop.slug])
    new = {
        "new": "1",
        "new-name": "Karlstads Bostads AB",
        "new-kind": "housing_company",
        "new-municipalities": ["1780"],
    }
    refused = admin.post(url, {**new, "new-organisation_number": "556016-0681"})  # wrong check digit
    assert refused.status_code == 200 and refused.context["new"].errors["organisation_number"]
    assert not Organisation.objects.filter(name="Karlstads Bostads AB").exists()
    assert admin.post(url, {**new, "new-organisation_number": "5560160680"}).status_code == 302
    org = Organisation.objects.get(name="Karlstads Bostads AB")
    assert (org.organisation_number, org.kind, org.slug) == ("556016-0680", "housing_company", "karlstads-bostads-ab")
    assert list(org.municipalities.values_list("code", flat=True)) == ["1780"]
    assert org in coop.organisations.all()
    assert AuditEvent.objects.for_object(org).filter(summary="organisation created: Karlstads Bostads AB").exists()
    again = admin.post(url, {**new, "new-name": "Annat namn", "new-organisation_number": "556016-0680"})
    assert again.context["new"].errors["organisation_number"]  # the same number twice: choose the existing one


def test_a_sharing_change_on_a_stale_page_is_refused(world):
    coop, admin = world["coop"], world["admin"]
    stale = share_form(coop, share_measures=False)
    assert (
        admin.post(reverse("orgs:cooperation", args=[coop.slug]), share_form(coop, share_watchlists=True)).status_code
        == 302
    )
    response = admin.post(reverse("orgs:cooperation", args=[coop.slug]), stale)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    coop.refresh_from_db()
    assert coop.share_measures and coop.share_watchlists


def test_who_may_not_administer_the_cooperation_is_refused(world, demo_orgs):
    coop, hammaro = world["coop"], world["hammaro"]
    centrum_admin = User.objects.create_user("centrum.admin")  # an admin, but of a partner, not a municipality
    Membership.objects.create(user=centrum_admin, organisation=demo_orgs["orgs"]["centrum-karlstad"], role="org_admin")
    for user in (demo_orgs["users"]["karlstad.samordnare"], centrum_admin, demo_orgs["users"]["orebro.samordnare"]):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("orgs:cooperation", args=[coop.slug])).status_code == 403, user
        assert (
            client.post(
                reverse("orgs:cooperation", args=[coop.slug]), share_form(coop, share_incidents=False)
            ).status_code
            == 403
        )
        add = {"existing-organisation": hammaro.pk, "existing": "1"}
        assert client.post(reverse("orgs:cooperation_partner", args=[coop.slug]), add).status_code == 403
        karlstad = demo_orgs["orgs"]["karlstads-kommun"]
        assert client.post(reverse("orgs:cooperation_remove", args=[coop.slug, karlstad.pk])).status_code == 403
    coop.refresh_from_db()
    assert coop.share_incidents and hammaro not in coop.organisations.all()
    assert not AuditEvent.objects.for_object(coop).exclude(action="denied").exists()
    assert AuditEvent.objects.for_object(coop).filter(action="denied").count() == 3 * 4  # each refusal audited
    # the rule: organisation admins of a municipality organisation in the cooperation
    assert access.allowed(coop, demo_orgs["users"]["karlstad.admin"], "administer")
    assert not access.allowed(coop, centrum_admin, "administer")
    assert [c.slug for c in access.administered_cooperations(demo_orgs["users"]["karlstad.admin"])] == [
        "trygga-centrum",
        "varmland",
    ]
