"""The interface is Swedish unless the user picks another language; the browser's preference is not used."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_swedish(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "Logga in" in response.content.decode()
    assert response["Content-Language"] == "sv"


def test_choosing_english_with_the_selector_is_remembered(client):
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert chosen.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page and "Logga in" not in page


def test_an_unknown_language_cookie_falls_back_to_swedish(client):
    client.cookies["django_language"] = "xx"
    assert "Logga in" in client.get("/accounts/login/").content.decode()
