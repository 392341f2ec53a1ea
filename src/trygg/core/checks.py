"""Trygg's own deployment checks (``trygg check --deploy``), beside Django's."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_the_environment(app_configs, **kwargs) -> list[Error]:
    """In production the secret key must come from ``TRYGG_SECRET_KEY``, not from the local key file that
    ``make run`` creates (which every copy of the data directory carries along)."""
    if getattr(settings, "PRODUCTION", False) and not os.environ.get("TRYGG_SECRET_KEY", "").strip():
        return [
            Error(
                "TRYGG_SECRET_KEY is not set: in production the secret key must come from the environment.",
                hint="Set TRYGG_SECRET_KEY to a long random value (e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))') kept outside the data directory.",
                id="trygg.E001",
            )
        ]
    return []
