"""Fixtures of the forwarding tests: the department's loopback endpoint (allowed explicitly: its origin in
TRYGG_OPEN311_HOSTS, 127.0.0.1 in TRYGG_OUTBOUND_ALLOW_NETWORKS), its key in the environment, and a destination
of Karlstad for broken lights."""

from __future__ import annotations

import pytest

from tests.mailserver import smtp  # noqa: F401 - the fixture
from tests.open311_department import KEY, department  # noqa: F401 - the fixture

from .hostile_department import hostile  # noqa: F401 - the fixture

KEY_NAME = "KARLSTAD_GATA"
KEY_VARIABLE = f"TRYGG_OPEN311_KEY_1780_{KEY_NAME}"  # per municipality: Karlstad's SCB code
LIGHT = {"lat": 59.3794, "lon": 13.5035}  # Stora torget, Karlstad


def origin(url: str) -> str:
    """The allow-list entry of a loopback test server's address: plain http on its own port."""
    return url.split("/v2/")[0].rstrip("/")


@pytest.fixture(autouse=True)
def allowed_hosts(settings, request):
    """The installation lets Trygg send to the loopback department (when the test has one; plain http on its
    port) and to the example host of the form tests; loopback is listed as an allowed network, as IT would list
    a department's internal server."""
    settings.TRYGG_OPEN311_HOSTS = ["open311.example.se"]
    settings.TRYGG_OUTBOUND_ALLOW_NETWORKS = ["127.0.0.1/32"]
    for server in ("department", "hostile"):
        if server in request.fixturenames:
            settings.TRYGG_OPEN311_HOSTS.append(origin(request.getfixturevalue(server).url))


@pytest.fixture
def fast_client(monkeypatch):
    """A short deadline, so that a department that does not answer fails the attempt within a second."""
    from trygg.forwarding import client

    monkeypatch.setattr(client, "DEADLINE", 0.5)
    monkeypatch.setattr(client, "CONNECT_TIMEOUT", 0.5)


@pytest.fixture
def destination(demo_orgs, department, monkeypatch, fast_client):  # noqa: F811
    from trygg.forwarding.models import Destination, Route

    monkeypatch.setenv(KEY_VARIABLE, KEY)
    dest = Destination.objects.create(
        municipality_id="1780", name="Gatu- och belysningsavdelningen", base_url=department.url, key_name=KEY_NAME
    )
    Route.objects.create(destination=dest, municipality_id="1780", category="belysning", remote_service_code="light")
    return dest
