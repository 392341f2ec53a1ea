"""The client address behind a reverse proxy: X-Forwarded-For only from the proxies named in the settings."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from trygg.core import ratelimit
from trygg.core.client_ip import client_address


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy configured: the header is ignored
        (["10.0.0.5"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from the proxy: ignored
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1", "198.51.100.1"),
        (["10.0.0.5"], "10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own claim is left of it
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.1, 10.2.3.4", "198.51.100.1"),  # two proxies in a row
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1:51234", "198.51.100.1"),
        (["10.0.0.5"], "10.0.0.5", "[2001:db8::1]:443", "2001:db8::1"),
        (["10.0.0.5"], "10.0.0.5", "not-an-address", "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", None, "10.0.0.5"),
    ],
)
def test_the_client_address(settings, proxies, remote, forwarded, client):
    settings.TRYGG_TRUSTED_PROXIES = proxies
    assert client_address(request(remote, forwarded)) == client
    settings.TRYGG_TRUSTED_PROXIES = []


def test_behind_the_proxy_residents_have_their_own_rate_limit(settings):
    settings.TRYGG_TRUSTED_PROXIES = ["10.0.0.5"]
    settings.TRYGG_RATE_LIMITS = {"tip": (2, 3600)}
    first = [ratelimit.allow(request("10.0.0.5", "198.51.100.1"), "tip") for _ in range(3)]
    other = ratelimit.allow(request("10.0.0.5", "198.51.100.2"), "tip")
    assert first == [True, True, False] and other is True
