"""The client's address, also behind a reverse proxy — without trusting what any client says.

``X-Forwarded-For`` is read only when the request comes from a proxy named in ``TRYGG_TRUSTED_PROXIES``
(addresses or networks, e.g. ``10.0.0.5,10.1.0.0/16``). The header is then read from the right, skipping the
trusted proxies; the first address that is not one is the client's. A client cannot pretend to be somebody
else by sending the header itself, and rate limits behind the proxy count each resident, not the proxy.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the client that sent ``request`` (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "TRYGG_TRUSTED_PROXIES", ())))
    if not networks:
        return remote

    def trusted(address) -> bool:
        return address is not None and any(address in network for network in networks)

    if not trusted(_address(remote)):
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a malformed header: count the request under the proxy rather than guess
        if not trusted(address):
            return str(address)
    return remote
