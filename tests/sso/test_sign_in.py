"""Single sign-on through a real OpenID Connect provider on loopback: a group gives a role, a group that gives none
is refused, a role changed at the provider changes in Trygg at the next sign-in, and a broken or replayed answer
signs nobody in. The browser is replaced by plain HTTP calls to the provider; Trygg's own calls to the provider
(the code exchange, the key set) go over the network as in production."""

from __future__ import annotations

import pytest

from tests.oidc_provider import sign_in
from trygg.audit.models import AuditEvent
from trygg.orgs.models import Membership, Organisation, User
from trygg.sso.config import Provider, ProviderConfigError, providers_from_env
from trygg.sso.models import ExternalIdentity


def test_a_group_gives_its_role_and_the_user_lands_on_the_start_page(client, idp, demo_orgs):
    idp.add("kim", groups=["trygg-samordnare", "other-group"])
    response, _ = sign_in(client, idp, "kim")
    assert response.status_code == 302 and response["Location"] == "/"
    user = ExternalIdentity.objects.get(provider="kommun", subject=idp.people["kim"].subject).user
    assert not user.has_usable_password()  # signs in at the provider only
    assert [(m.organisation.slug, m.role) for m in user.memberships.all()] == [("karlstads-kommun", "coordinator")]
    home = client.get("/")
    assert home.status_code == 200 and home.wsgi_request.user == user
    assert client.get("/m/1780/incidents/").status_code == 200  # a coordinator's page
    event = AuditEvent.objects.get(action="sso_sign_in", actor=user)
    assert event.changes["Karlstads kommun"] == [None, "coordinator"]
    assert "POST /token" in idp.requests and "GET /jwks" in idp.requests


def test_a_group_that_gives_no_role_is_refused_and_no_account_is_made(client, idp):
    idp.add("outsider", groups=["ekonomi"])
    users_before = User.objects.count()
    response, _ = sign_in(client, idp, "outsider")
    assert response.status_code == 403
    assert "ger ingen roll i Trygg" in response.content.decode()
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action="sso_refused").count() == 1
    assert client.get("/").wsgi_request.user.is_anonymous


def test_a_role_changed_at_the_provider_changes_at_the_next_sign_in(client, idp, demo_orgs):
    person = idp.add("robin", groups=["trygg-rapportor"])
    sign_in(client, idp, "robin")
    user = ExternalIdentity.objects.get(subject=person.subject).user
    assert Membership.objects.get(user=user).role == "reporter"
    other = Organisation.objects.get(slug="centrum-karlstad")
    Membership.objects.create(user=user, organisation=other, role="reporter")  # given in Trygg, not by the provider
    client.logout()

    person.groups = ["trygg-rapportor", "trygg-samordnare"]  # promoted at the directory
    response, _ = sign_in(client, idp, "robin")
    assert response.status_code == 302
    assert Membership.objects.get(user=user, organisation__slug="karlstads-kommun").role == "coordinator"
    client.logout()

    person.groups = []  # left the safety team
    response, _ = sign_in(client, idp, "robin")
    assert response.status_code == 302  # still a member of the organisation Trygg gave the role in
    assert list(Membership.objects.filter(user=user).values_list("organisation__slug", flat=True)) == [
        "centrum-karlstad"
    ]
    client.logout()
    Membership.objects.filter(user=user).delete()
    response, _ = sign_in(client, idp, "robin")
    assert response.status_code == 403
    assert ExternalIdentity.objects.filter(subject=person.subject).count() == 1  # the same account each time


def test_a_deactivated_user_stays_out_even_when_the_provider_lets_them_in(client, idp):
    person = idp.add("leaver", groups=["trygg-samordnare"])
    sign_in(client, idp, "leaver")
    client.logout()
    User.objects.filter(external_identities__subject=person.subject).update(is_active=False)
    response, _ = sign_in(client, idp, "leaver")
    assert response.status_code == 403
    assert "avaktiverats" in response.content.decode()


def test_a_replayed_or_forged_answer_signs_nobody_in(client, idp):
    idp.add("kim", groups=["trygg-samordnare"])
    response, location = sign_in(client, idp, "kim")
    assert response.status_code == 302
    client.logout()
    replay = client.get(location.removeprefix("http://testserver"))  # the same code and state again
    assert replay.status_code == 400
    forged = client.get("/accounts/sso/kommun/klar/?code=made-up&state=made-up")
    assert forged.status_code == 400
    assert client.get("/").wsgi_request.user.is_anonymous


def test_an_address_at_the_providers_own_domain_signs_in_to_the_existing_account(client, idp, demo_orgs):
    existing = demo_orgs["users"]["karlstad.samordnare"]
    existing.email = "kim.samordnare@karlstad.example"
    existing.save()
    idp.add("kim", groups=["trygg-samordnare"], email="kim.samordnare@karlstad.example")
    idp.add("eve", groups=["trygg-samordnare"], email="karlstad.samordnare@trygg.example")  # not its domain
    sign_in(client, idp, "kim")
    assert ExternalIdentity.objects.get(subject=idp.people["kim"].subject).user == existing
    client.logout()
    sign_in(client, idp, "eve")
    assert (
        ExternalIdentity.objects.get(subject=idp.people["eve"].subject).user
        != demo_orgs["users"]["karlstad.samordnare"]
    )


def test_an_unknown_provider_is_404_and_an_unreachable_one_says_so(client, settings, db):
    assert client.get("/accounts/sso/nobody/").status_code == 404
    settings.TRYGG_OIDC_PROVIDERS = {
        "down": Provider("down", "Nere", "http://127.0.0.1:9", "c", "s", "http://127.0.0.1:9/.well-known/x")
    }
    response = client.get("/accounts/sso/down/")
    assert response.status_code == 502
    assert "kunde inte nås" in response.content.decode()


def test_the_login_page_offers_each_configured_provider(client, idp):
    page = client.get("/accounts/login/").content.decode()
    assert "Logga in med Karlstads kommun" in page
    assert 'href="/accounts/sso/kommun/"' in page


def test_providers_are_read_from_the_environment_and_a_missing_variable_is_named():
    env = {
        "TRYGG_OIDC_PROVIDERS": "karlstad, polisen",
        "TRYGG_OIDC_KARLSTAD_ISSUER": "https://login.karlstad.se/",
        "TRYGG_OIDC_KARLSTAD_CLIENT_ID": "trygg",
        "TRYGG_OIDC_KARLSTAD_CLIENT_SECRET": "s1",
        "TRYGG_OIDC_KARLSTAD_LABEL": "Karlstads kommun",
        "TRYGG_OIDC_KARLSTAD_DOMAINS": "karlstad.se, Karlstad.SE",
        "TRYGG_OIDC_POLISEN_ISSUER": "https://idp.polisen.example",
        "TRYGG_OIDC_POLISEN_CLIENT_ID": "trygg-p",
        "TRYGG_OIDC_POLISEN_CLIENT_SECRET": "s2",
        "TRYGG_OIDC_POLISEN_GROUPS_CLAIM": "roles",
    }
    providers = providers_from_env(env)
    assert list(providers) == ["karlstad", "polisen"]
    assert providers["karlstad"].metadata_url == "https://login.karlstad.se/.well-known/openid-configuration"
    assert providers["karlstad"].domains == ("karlstad.se", "karlstad.se")
    assert providers["polisen"].label == "polisen" and providers["polisen"].groups_claim == "roles"
    del env["TRYGG_OIDC_POLISEN_CLIENT_SECRET"]
    with pytest.raises(ProviderConfigError, match="TRYGG_OIDC_POLISEN_CLIENT_SECRET"):
        providers_from_env(env)
    with pytest.raises(ProviderConfigError, match="not a valid name"):
        providers_from_env({"TRYGG_OIDC_PROVIDERS": "../x"})
    assert providers_from_env({}) == {}
