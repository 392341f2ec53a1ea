"""Accounts are bound to the provider's (issuer, subject): an address links an existing account once, never one
already bound at that provider, never a closed account or a superuser's; a recycled address gets a new account
with only the roles the mappings give. Through the loopback provider, as a browser would."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.oidc_provider import configure, sign_in
from trygg.audit.models import AuditEvent
from trygg.orgs.models import Membership, User
from trygg.sso.models import ExternalIdentity

pytestmark = pytest.mark.django_db


def account_of(idp, username: str) -> User:
    return ExternalIdentity.objects.get(subject=idp.people[username].subject).user


def roles(user: User) -> list[tuple[str, str]]:
    return sorted(user.memberships.values_list("organisation__slug", "role"))


def test_a_new_person_with_a_former_employees_address_gets_a_new_account_without_the_old_roles(idp, demo_orgs):
    idp.add("kim", groups=["trygg-samordnare"], email="kim.berg@karlstad.example")
    assert sign_in(Client(), idp, "kim")[0].status_code == 302
    former = account_of(idp, "kim")
    Membership.objects.create(user=former, organisation=demo_orgs["orgs"]["centrum-karlstad"], role="coordinator")
    del idp.people["kim"]  # Kim leaves; the address is given to a new colleague, a new person at the provider

    idp.add("kim2", groups=["trygg-rapportor"], email="kim.berg@karlstad.example")
    browser = Client()
    assert sign_in(browser, idp, "kim2")[0].status_code == 302
    newcomer = account_of(idp, "kim2")
    assert newcomer != former and browser.get("/accounts/").wsgi_request.user == newcomer
    assert roles(newcomer) == [("karlstads-kommun", "reporter")]  # what the groups give, nothing of Kim's
    assert roles(former) == [("centrum-karlstad", "coordinator"), ("karlstads-kommun", "coordinator")]
    note = AuditEvent.objects.get(action="sso_sign_in", actor=newcomer)
    assert note.changes["account"] == [None, "created"] and note.changes["not linked"] == former.username


def test_an_address_links_an_existing_account_once_and_it_stays_bound_to_that_person(idp, demo_orgs):
    local = demo_orgs["users"]["karlstad.samordnare"]
    local.email = "kim.samordnare@karlstad.example"
    local.save()
    idp.add("kim", groups=["trygg-samordnare"], email=local.email)
    assert sign_in(Client(), idp, "kim")[0].status_code == 302
    identity = ExternalIdentity.objects.get(subject=idp.people["kim"].subject)
    assert identity.user == local and identity.issuer == idp.issuer
    assert AuditEvent.objects.get(action="sso_sign_in", actor=local).changes["linked by e-mail"] == local.email
    idp.add("other", groups=["trygg-samordnare"], email=local.email)  # a second person with that address
    assert sign_in(Client(), idp, "other")[0].status_code == 302
    assert account_of(idp, "other") != local
    assert ExternalIdentity.objects.filter(user=local).count() == 1


def test_an_address_never_links_a_superuser_or_a_closed_account(idp, demo_orgs):
    root = User.objects.create_superuser("root", email="it@karlstad.example", password="x" * 14)
    idp.add("it", groups=["trygg-rapportor"], email="it@karlstad.example")
    browser = Client()
    assert sign_in(browser, idp, "it")[0].status_code == 302
    signed_in = browser.get("/accounts/").wsgi_request.user
    assert signed_in != root and not signed_in.is_superuser
    assert roles(signed_in) == [("karlstads-kommun", "reporter")]

    closed = User.objects.create_user("leaver", email="leaver@karlstad.example", is_active=False)
    Membership.objects.create(user=closed, organisation=demo_orgs["orgs"]["centrum-karlstad"], role="coordinator")
    idp.add("leaver", groups=["trygg-rapportor"], email="leaver@karlstad.example")
    response, _ = sign_in(Client(), idp, "leaver")
    assert response.status_code == 403 and "avaktiverats" in response.content.decode()
    closed.refresh_from_db()
    assert not closed.is_active and not ExternalIdentity.objects.filter(user=closed).exists()


def test_a_refused_sign_in_by_address_changes_nothing_in_the_account_it_would_have_linked(idp, demo_orgs):
    """A person whom the groups give no role, with the address of a local account never bound at the provider:
    403, and the account keeps its roles (the outside check saw them stripped) and stays unbound."""
    local = demo_orgs["users"]["karlstad.samordnare"]
    local.email = "carl@karlstad.example"
    local.save()
    before = roles(local)
    idp.add("carl", groups=[], email=local.email)
    response, _ = sign_in(Client(), idp, "carl")
    assert response.status_code == 403
    assert roles(local) == before == [("karlstads-kommun", "coordinator")]
    assert not ExternalIdentity.objects.filter(user=local).exists()
    refused = AuditEvent.objects.get(action="sso_refused")
    assert refused.changes["account not linked"] == local.username and "Karlstads kommun" not in refused.changes
    idp.people["carl"].groups = ["trygg-samordnare"]  # given a role at the provider: linked and signed in
    assert sign_in(Client(), idp, "carl")[0].status_code == 302 and account_of(idp, "carl") == local
    idp.people["carl"].groups = []  # bound now: the directory's answer takes the governed role away
    assert sign_in(Client(), idp, "carl")[0].status_code == 403 and roles(local) == []


def test_the_binding_is_the_providers_issuer_and_subject_whatever_trygg_calls_the_provider(
    oidc_provider, settings, demo_orgs
):
    from trygg.sso.models import ClaimMapping

    kommun = demo_orgs["orgs"]["karlstads-kommun"]
    for name in ("kommun", "karlstad"):
        ClaimMapping.objects.create(provider=name, value="trygg-rapportor", organisation=kommun, role="reporter")
    configure(settings, oidc_provider, "http://testserver/accounts/sso/kommun/klar/", name="kommun")
    oidc_provider.add("robin", groups=["trygg-rapportor"])
    assert sign_in(Client(), oidc_provider, "robin", name="kommun")[0].status_code == 302
    first = account_of(oidc_provider, "robin")
    # IT renames the provider in the environment: the same person at the same issuer is the same account
    configure(settings, oidc_provider, "http://testserver/accounts/sso/karlstad/klar/", name="karlstad")
    assert sign_in(Client(), oidc_provider, "robin", name="karlstad")[0].status_code == 302
    assert account_of(oidc_provider, "robin") == first
    assert ExternalIdentity.objects.count() == 1


def test_the_migration_gives_existing_bindings_their_providers_issuer(transactional_db, settings):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from trygg.sso.config import Provider

    issuer = "https://login.karlstad.example/realms/staff"
    settings.TRYGG_OIDC_PROVIDERS = {"kommun": Provider("kommun", "Karlstad", issuer, "c", "s", issuer + "/x")}
    executor = MigrationExecutor(connection)
    executor.migrate([("sso", "0002_drop_mapping_version")])
    try:
        old = executor.loader.project_state([("sso", "0002_drop_mapping_version")]).apps
        OldUser, OldIdentity = old.get_model("orgs", "User"), old.get_model("sso", "ExternalIdentity")
        user = OldUser.objects.create(username="bound")
        OldIdentity.objects.create(provider="kommun", subject="s-1", user=user)
        OldIdentity.objects.create(provider="gone", subject="s-1", user=user)  # a provider no longer configured
        executor.loader.build_graph()
        executor.migrate([("sso", "0003_identity_by_issuer")])
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    issuers = dict(ExternalIdentity.objects.values_list("provider", "issuer"))
    assert issuers == {"kommun": issuer, "gone": "urn:trygg:unconfigured-provider:gone"}
