"""Fixtures of the forwarding tests: the department's loopback endpoint, its key in the environment, and a
destination of Karlstad for broken lights."""

from __future__ import annotations

import pytest

from tests.mailserver import smtp  # noqa: F401 - the fixture
from tests.open311_department import KEY, department  # noqa: F401 - the fixture

KEY_NAME = "KARLSTAD_GATA"
LIGHT = {"lat": 59.3794, "lon": 13.5035}  # Stora torget, Karlstad


@pytest.fixture(autouse=True)
def allowed_hosts(settings):
    """The installation lets Trygg send to the loopback department (and the example host of the form tests)."""
    settings.TRYGG_OPEN311_HOSTS = ["127.0.0.1", "open311.example.se"]


@pytest.fixture
def fast_client(monkeypatch):
    """Short timeouts, so that a department that does not answer fails the attempt within a second."""
    from trygg.forwarding import client

    monkeypatch.setattr(client, "TIMEOUT", (1, 0.5))


@pytest.fixture
def destination(demo_orgs, department, monkeypatch, fast_client):  # noqa: F811
    from trygg.forwarding.models import Destination, Route

    monkeypatch.setenv(f"TRYGG_OPEN311_KEY_{KEY_NAME}", KEY)
    dest = Destination.objects.create(
        municipality_id="1780", name="Gatu- och belysningsavdelningen", base_url=department.url, key_name=KEY_NAME
    )
    Route.objects.create(destination=dest, municipality_id="1780", category="belysning", remote_service_code="light")
    return dest
