"""Rate limits for public forms and the Open311 API.

The client address is only used, hashed with the secret key, as a cache key that expires with the window;
it is never stored with what the resident sends.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS = {"tip": (10, 3600), "receipt": (10, 3600), "survey": (5, 3600), "open311": (60, 3600)}


def client_key(request, action: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"rate:{action}:{digest}"


def allow(request, action: str) -> bool:
    """Count one attempt; False when the limit for this client and action is reached."""
    limit, window = getattr(settings, "TRYGG_RATE_LIMITS", DEFAULT_LIMITS).get(action, (30, 3600))
    key = client_key(request, action)
    if cache.add(key, 1, window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        return True
    return count <= limit
