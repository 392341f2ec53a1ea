"""Further ways across municipalities in the administration, tried from the outside: an admin or coordinator of
Karlstad acting on Örebro's organisation, invitations, members and places. Each is refused — 403 and an audit
entry when the object is named under its own organisation or municipality, 404 when it is named under one's own —
and nothing changes."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEvent
from trygg.orgs.models import Invitation, Membership, Place, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def karlstad_admin(demo_orgs) -> Client:
    client = Client()
    client.force_login(demo_orgs["users"]["karlstad.admin"])
    return client


def refusals(object_type: str, pk) -> int:
    return AuditEvent.objects.filter(action="denied", object_type=object_type, object_id=str(pk)).count()


def test_an_invitation_to_another_municipalitys_organisation_is_refused(karlstad_admin, demo_orgs):
    orebro = demo_orgs["orgs"]["orebro-kommun"]
    url = reverse("orgs:invite", args=[orebro.slug])
    sent = karlstad_admin.post(url, {"name": "Eve Ek", "email": "eve@example.se", "role": "org_admin"})
    assert sent.status_code == 403
    assert not Invitation.objects.exists() and not mail.outbox
    assert refusals("orgs.organisation", orebro.pk) == 1


def test_another_organisations_invitation_cannot_be_withdrawn(karlstad_admin, demo_orgs):
    orebro = demo_orgs["orgs"]["orebro-kommun"]
    theirs = Invitation.objects.create(organisation=orebro, name="Ny", email="ny@orebro.example", role="reporter")
    under_theirs = reverse("orgs:invitation_withdraw", args=[orebro.slug, theirs.pk])
    under_mine = reverse("orgs:invitation_withdraw", args=["karlstads-kommun", theirs.pk])
    assert karlstad_admin.post(under_theirs).status_code == 403
    assert karlstad_admin.post(under_mine).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    assert refusals("orgs.organisation", orebro.pk) == 1  # the refusal is kept although the view is transactional


def test_another_organisations_member_cannot_be_changed_or_removed(karlstad_admin, demo_orgs):
    orebro = demo_orgs["orgs"]["orebro-kommun"]
    member = Membership.objects.get(user__username="orebro.samordnare")
    remove_theirs = reverse("orgs:member_remove", args=[orebro.slug, member.pk])
    assert karlstad_admin.post(remove_theirs).status_code == 403
    assert karlstad_admin.post(reverse("orgs:member_remove", args=["karlstads-kommun", member.pk])).status_code == 404
    change = {"role": "org_admin", "version": "coordinator"}
    assert karlstad_admin.post(reverse("orgs:member", args=["karlstads-kommun", member.pk]), change).status_code == 404
    member.refresh_from_db()
    assert member.role == "coordinator" and User.objects.get(username="orebro.samordnare").is_active
    assert refusals("orgs.organisation", orebro.pk) == 1


def test_a_place_of_another_municipality_cannot_be_changed_under_it_either(demo_orgs):
    coordinator = Client()
    coordinator.force_login(demo_orgs["users"]["karlstad.samordnare"])
    place = Place.objects.get(municipality="1880", name="Stortorget")
    data = {"name": "Flyttat torg", "kind": "place", "geometry": json.dumps(place.geometry)}
    assert coordinator.post(reverse("orgs:place_edit", args=["1880", place.pk]), data).status_code == 403
    delete = reverse("orgs:place_delete", args=["1880", place.pk])
    assert coordinator.post(delete, {"confirm": "yes"}).status_code == 403
    assert coordinator.post(reverse("orgs:place_new", args=["1880"]), data).status_code == 403
    place.refresh_from_db()
    assert place.name == "Stortorget"
    assert refusals("orgs.municipality", "1880") == 3


def test_a_coordinator_cannot_take_in_a_partner(demo_orgs):
    from trygg.orgs.models import Cooperation, PartnerRequest

    coordinator = Client()
    coordinator.force_login(demo_orgs["users"]["karlstad.samordnare"])
    coop = Cooperation.objects.get(slug="trygga-centrum")
    new = {"new": "1", "new-name": "Smygbolaget AB", "new-kind": "other", "new-municipalities": ["1780"]}
    assert coordinator.post(reverse("orgs:cooperation_partner", args=[coop.slug]), new).status_code == 403
    assert not PartnerRequest.objects.exists() and coop.organisations.filter(name="Smygbolaget AB").count() == 0
