"""Rate limits for public forms, the Open311 API and password resets.

The client address (behind a trusted proxy from its X-Forwarded-For, see :mod:`trygg.core.client_ip`) is only
used, hashed with the secret key, as a cache key that expires with the window;
it is never stored with what the resident sends.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from trygg.core.client_ip import client_address

DEFAULT_LIMITS = {
    "tip": (10, 3600),
    "receipt": (10, 3600),
    "survey": (5, 3600),
    "nearby": (60, 3600),  # "is it this one?" lookups before a tip
    "me_too": (20, 3600),  # "jag också" on a nearby tip
    "open311": (60, 3600),  # anonymous posts
    "open311_read": (600, 3600),  # anonymous reads
    "open311_partner": (5000, 3600),  # a partner system's key, reads and posts together
    "password_reset": (5, 3600),
    "business_check": (30, 3600),  # a partner's company checks, per user (trygg.partnercheck)
}


def client_key(request, action: str, who: str | None = None) -> str:
    address = who or client_address(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"rate:{action}:{digest}"


def allow(request, action: str, who: str | None = None) -> bool:
    """Count one attempt; False when the limit for this client (or for ``who``, e.g. a partner's key) and action
    is reached."""
    limits = {**DEFAULT_LIMITS, **getattr(settings, "TRYGG_RATE_LIMITS", {})}
    limit, window = limits.get(action, (30, 3600))
    key = client_key(request, action, who)
    try:  # one round trip to a shared cache while the window runs
        count = cache.incr(key)
    except ValueError:  # the first attempt in this window (the count expires with the window)
        if cache.add(key, 1, window):
            return True
        try:
            count = cache.incr(key)  # another request started the window meanwhile
        except ValueError:
            cache.set(key, 1, window)
            return True
    return count <= limit
