"""Swedish error pages with a way back (403, 404, 500)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_404_and_403_are_swedish_with_a_way_back(login, demo_orgs, settings):
    settings.DEBUG = False
    missing = Client().get("/finns-inte/")
    assert missing.status_code == 404
    text = missing.content.decode()
    assert "Sidan hittades inte" in text and 'href="/"' in text
    forbidden = login(demo_orgs["users"]["bra.lasare"]).get("/invanare/tips/")
    assert forbidden.status_code == 403 and "Du har inte behörighet" in forbidden.content.decode()


def test_500_is_swedish(settings):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500 and "Något gick fel" in text and 'href="/"' in text


def test_a_refusal_is_logged_as_one_line_without_a_traceback(client, demo_orgs, caplog):
    client.force_login(demo_orgs["users"]["bra.lasare"])
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/invanare/tips/").status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and all(r.exc_info is None for r in refused), [r.getMessage() for r in refused]
    assert "Forbidden" in refused[0].getMessage()
