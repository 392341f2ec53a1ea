"""The loopback identity provider configured as Trygg's provider "kommun", with Karlstad's groups mapped."""

from __future__ import annotations

import pytest

from tests.oidc_provider import configure, oidc_provider  # noqa: F401 - fixture

CALLBACK = "http://testserver/accounts/sso/kommun/klar/"


@pytest.fixture
def idp(oidc_provider, settings, demo_orgs):  # noqa: F811
    """The provider as "kommun", vouching for addresses at karlstad.example; its groups ``trygg-samordnare`` and
    ``trygg-rapportor`` give a coordinator's and a reporter's role in Karlstad's municipality."""
    from trygg.sso.models import ClaimMapping

    configure(settings, oidc_provider, CALLBACK, domains=("karlstad.example",))
    kommun = demo_orgs["orgs"]["karlstads-kommun"]
    for value, role in [("trygg-samordnare", "coordinator"), ("trygg-rapportor", "reporter")]:
        ClaimMapping.objects.create(provider="kommun", claim="groups", value=value, organisation=kommun, role=role)
    return oidc_provider
