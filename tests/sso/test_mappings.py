"""Sign-in mappings name only organisations the admin administers: the outside check's finding (a Karlstad admin
mapped a group at Karlstad's provider to Örebro's admin role, and its member then administered Örebro) replayed,
and the deletion of another organisation's mapping refused — each refusal audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.oidc_provider import sign_in
from trygg.audit.models import AuditEvent
from trygg.orgs.models import Membership, User
from trygg.sso.models import ClaimMapping, ExternalIdentity

pytestmark = pytest.mark.django_db
URL = "/inloggning/kopplingar/"


@pytest.fixture
def orebro_admin(demo_orgs):
    user = User.objects.create_user("orebro.admin")
    Membership.objects.create(user=user, organisation=demo_orgs["orgs"]["orebro-kommun"], role="org_admin")
    return user


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def mapping(organisation, value: str = "trygg-admin", role: str = "org_admin") -> dict:
    return {"provider": "kommun", "claim": "groups", "value": value, "organisation": organisation.pk, "role": role}


def test_a_mapping_names_only_an_organisation_the_admin_administers(idp, demo_orgs, orebro_admin):
    karlstad, orebro = demo_orgs["orgs"]["karlstads-kommun"], demo_orgs["orgs"]["orebro-kommun"]
    admin = client_of(demo_orgs["users"]["karlstad.admin"])
    page = admin.get(URL)
    assert list(page.context["form"].fields["organisation"].queryset) == [karlstad]
    response = admin.post(URL, mapping(orebro))
    assert response.status_code == 403
    assert not ClaimMapping.objects.filter(organisation=orebro).exists()
    refusal = AuditEvent.objects.get(action="denied", object_type="orgs.organisation", object_id=str(orebro.pk))
    assert refusal.actor.username == "karlstad.admin"

    # the person in that group at Karlstad's provider gets no role at Örebro
    idp.add("mallory", groups=["trygg-admin", "trygg-rapportor"], email="mallory@karlstad.example")
    browser = Client()
    assert sign_in(browser, idp, "mallory")[0].status_code == 302
    user = ExternalIdentity.objects.get(subject=idp.people["mallory"].subject).user
    assert list(user.memberships.values_list("organisation__slug", "role")) == [("karlstads-kommun", "reporter")]
    assert browser.get(reverse("orgs:members", args=[orebro.slug])).status_code == 403

    # Örebro's own admin maps Örebro's group
    assert client_of(orebro_admin).post(URL, mapping(orebro)).status_code == 302
    assert ClaimMapping.objects.filter(organisation=orebro, value="trygg-admin").count() == 1


def test_an_admin_cannot_remove_another_organisations_mapping(idp, demo_orgs, orebro_admin):
    orebro = demo_orgs["orgs"]["orebro-kommun"]
    theirs = ClaimMapping.objects.create(provider="kommun", value="orebro-trygg", organisation=orebro, role="reporter")
    admin = client_of(demo_orgs["users"]["karlstad.admin"])
    assert theirs not in admin.get(URL).context["rows"]
    assert admin.post(reverse("sso:mapping_delete", args=[theirs.pk])).status_code == 403
    assert ClaimMapping.objects.filter(pk=theirs.pk).exists()
    assert AuditEvent.objects.filter(action="denied", object_type="sso.claimmapping", object_id=str(theirs.pk)).exists()
    assert client_of(orebro_admin).post(reverse("sso:mapping_delete", args=[theirs.pk])).status_code == 302
    assert not ClaimMapping.objects.filter(pk=theirs.pk).exists()


def test_an_admin_of_a_partner_organisation_maps_only_its_own_groups(idp, demo_orgs):
    centrum = demo_orgs["orgs"]["centrum-karlstad"]
    centrum_admin = User.objects.create_user("centrum.admin")
    Membership.objects.create(user=centrum_admin, organisation=centrum, role="org_admin")
    client = client_of(centrum_admin)
    page = client.get(URL)
    assert page.status_code == 200 and list(page.context["form"].fields["organisation"].queryset) == [centrum]
    assert [row.organisation for row in page.context["rows"]] == []  # Karlstad's mappings are not theirs
    assert client.post(URL, mapping(demo_orgs["orgs"]["karlstads-kommun"])).status_code == 403
    assert client.post(URL, mapping(centrum, role="reporter")).status_code == 302
    # a member of no organisation they administer is refused the page
    assert client_of(demo_orgs["users"]["karlstad.samordnare"]).get(URL).status_code == 403
