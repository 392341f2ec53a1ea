"""The OpenID Connect client for each configured provider (Authlib: discovery, PKCE, ID-token checks)."""

from __future__ import annotations

from functools import lru_cache

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import Http404

from trygg.sso.config import Provider


def provider_named(name: str) -> Provider:
    """The configured provider, or 404 (an unknown name in a URL is not an error worth more)."""
    provider = settings.TRYGG_OIDC_PROVIDERS.get(name)
    if provider is None:
        raise Http404("no such identity provider")
    return provider


@lru_cache(maxsize=32)
def client_for(provider: Provider):
    """One Authlib client per provider configuration; the discovery document and keys are fetched once,
    the first time somebody signs in (never at start-up)."""
    oauth = OAuth()
    return oauth.register(
        name=provider.name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.metadata_url,
        client_kwargs={"scope": provider.scope, "code_challenge_method": "S256", "timeout": 10},
    )
