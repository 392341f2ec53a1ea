"""Identity providers for single sign-on (OpenID Connect), read from the environment.

Several providers can be configured — the municipality's, the police's, a large partner's::

    TRYGG_OIDC_PROVIDERS=karlstad,polisen
    TRYGG_OIDC_KARLSTAD_ISSUER=https://login.karlstad.se/realms/staff
    TRYGG_OIDC_KARLSTAD_CLIENT_ID=trygg
    TRYGG_OIDC_KARLSTAD_CLIENT_SECRET=...
    TRYGG_OIDC_KARLSTAD_LABEL=Karlstads kommun          # the button: "Logga in med Karlstads kommun"
    TRYGG_OIDC_KARLSTAD_GROUPS_CLAIM=groups             # the claim the role mapping reads (default groups)
    TRYGG_OIDC_KARLSTAD_DOMAINS=karlstad.se             # verified addresses here may take over a local account

The discovery document is read from ``<issuer>/.well-known/openid-configuration`` (OpenID Connect Discovery
1.0 §4) unless ``..._METADATA_URL`` names another. No Django import here: ``settings.py`` calls this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


class ProviderConfigError(ValueError):
    """A provider named in TRYGG_OIDC_PROVIDERS is not fully configured."""


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    metadata_url: str
    groups_claim: str = "groups"
    scope: str = "openid email profile"
    domains: tuple[str, ...] = ()

    def may_link_email(self, email: str, verified: bool) -> bool:
        """Whether a verified address at one of the provider's own domains may sign in to an existing account."""
        domain = email.rpartition("@")[2].lower()
        return verified and bool(domain) and domain in self.domains


def providers_from_env(environ: Mapping[str, str]) -> dict[str, Provider]:
    """The configured providers by name; raises :class:`ProviderConfigError` naming the missing variable."""
    providers: dict[str, Provider] = {}
    for raw in environ.get("TRYGG_OIDC_PROVIDERS", "").split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if not NAME.match(name):
            raise ProviderConfigError(f"TRYGG_OIDC_PROVIDERS: {raw.strip()!r} is not a valid name (a-z, 0-9, _)")
        prefix = f"TRYGG_OIDC_{name.upper()}_"

        def get(key: str, default: str | None = None, *, prefix: str = prefix) -> str:
            value = environ.get(prefix + key, default)
            if value is None or value == "":
                raise ProviderConfigError(f"{prefix}{key} is not set (needed for the provider in TRYGG_OIDC_PROVIDERS)")
            return value

        issuer = get("ISSUER").rstrip("/")
        providers[name] = Provider(
            name=name,
            label=get("LABEL", name),
            issuer=issuer,
            client_id=get("CLIENT_ID"),
            client_secret=get("CLIENT_SECRET"),
            metadata_url=get("METADATA_URL", f"{issuer}/.well-known/openid-configuration"),
            groups_claim=get("GROUPS_CLAIM", "groups"),
            scope=get("SCOPE", "openid email profile"),
            domains=tuple(d.strip().lower() for d in environ.get(prefix + "DOMAINS", "").split(",") if d.strip()),
        )
    return providers
