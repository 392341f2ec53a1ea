"""Malformed parameters on every kind of page give a 4xx or a page with an explanation, never a server error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ANONYMOUS = [
    "/karta/9999/",
    "/karta/1780/?weeks=abc",
    "/tips/nara/?lat=abc&lon=1",
    "/tips/nara/?lat=95&lon=200",
    "/tips/nara/",
    "/tips/tack/nonexistent/",
    "/trygghetsundersokning/99999/",
    "/kvitto/rapportera/?venue=x",
    "/open311/v2/requests.json?start_date=garbage",
    "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z",
    "/open311/v2/requests.json?status=nope",
    "/open311/v2/requests.xml?service_request_id=%00",
    "/open311/v2/requests/abc.json",
    "/open311/v2/requests/1.yaml",
    "/open311/v2/services/nope.json",
    "/open311/v2/tokens/x.json",
    "/open311/v2/discovery.pdf",
    "/open311/v2/services.json?jurisdiction_id=0000",
    "/vad-vi-gor/?q=%3Cscript%3E",
]
COORDINATOR = [
    "/m/9999/", "/m/1780/?weeks=abc", "/m/1780/?weeks=-1", "/m/1780/incidents/?page=abc",
    "/m/1780/incidents/?page=99999",
    "/m/1780/incidents/?category=xyz&start=notadate&end=2026-13-45", "/incidents/999999/", "/incidents/999999/edit/",
    "/lagesbild/1780/2026-W60/", "/lagesbild/1780/2026-13/", "/lagesbild/1780/2026-T4/", "/lagesbild/9999/2026/",
    "/lagesbild/1780/1800/", "/lagesbild/1780/2026/?area=Nowhere", "/lagesbild/1780/2026-W10/csv/nope/",
    "/lagesbild/jamforelse/?m=1780&m=xxxx&period=bad", "/lagesbild/jamforelse/?period=2026&format=json",
    "/lagesbild/status/999999/", "/lagesbild/?municipality=1780&period=nonsense", "/lagesbild/?m=a/b&period=2026",
    "/lagesbild/?m=1780&period=2026-W99",
    "/atgarder/999999/", "/atgarder/problemplatser/999999/", "/atgarder/overenskommelser/999999/",
    "/atgarder/moten/999999/", "/atgarder/1780/plan/99999/", "/atgarder/9999/ny/", "/atgarder/erfarenheter/?q=%C3%28",
    "/invanare/tips/?status=nope", "/invanare/tips/999999/", "/invanare/kvitton/?format=csv&from=bad",
    "/invanare/undersokningar/999999/", "/invanare/undersokningar/ny/9999/",
]  # fmt: skip


@pytest.mark.parametrize("url", ANONYMOUS)
def test_public_urls_with_bad_parameters(client, demo_orgs, url):
    assert client.get(url).status_code < 500


@pytest.mark.parametrize("url", COORDINATOR)
def test_coordinator_urls_with_bad_parameters(login, demo_orgs, url):
    assert login(demo_orgs["users"]["karlstad.samordnare"]).get(url).status_code < 500


GARBAGE = {"lat": "abc", "lon": "1e999", "category": "<b>x</b>", "municipality": "xxxx", "start": "2026-02-30",
           "end": "yesterday", "week": "2026-W99", "period": "??", "service_code": "nope", "long": "NaN",
           "organisation": "-1", "text": "<script>alert(1)</script>", "description": "a" * 20000}  # fmt: skip
ANONYMOUS_POSTS = ["/tips/", "/kvitto/rapportera/", "/trygghetsundersokning/99999/", "/open311/v2/requests.json",
                   "/open311/v2/requests.xml"]  # fmt: skip
COORDINATOR_POSTS = [
    "/report/", "/report/import/", "/incidents/999999/edit/", "/atgarder/1780/ny/", "/atgarder/1780/problemplatser/ny/",
    "/atgarder/1780/overenskommelser/ny/", "/atgarder/moten/nytt/", "/invanare/tips/999999/atgard/",
    "/invanare/undersokningar/ny/1780/", "/lagesbild/1780/2026-W10/analys/", "/lagesbild/1780/2026-W99/analys/",
]  # fmt: skip


@pytest.mark.parametrize("url", ANONYMOUS_POSTS)
def test_public_posts_with_garbage(client, demo_orgs, url):
    assert client.post(url, GARBAGE).status_code < 500


@pytest.mark.parametrize("url", COORDINATOR_POSTS)
def test_coordinator_posts_with_garbage(login, demo_orgs, url):
    assert login(demo_orgs["users"]["karlstad.samordnare"]).post(url, GARBAGE).status_code < 500


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/atgarder/erfarenheter/?q=a%00b", None),
        ("post", "/lagesbild/1780/2026-W10/analys/", {"text": "before\x00after"}),
        ("post", "/report/", {"incident-0-description": "\x00"}),
    ],
)
def test_a_nul_character_in_any_parameter_is_a_bad_request(login, demo_orgs, method, url, data):
    """PostgreSQL cannot store NUL; it is refused at the door instead of failing deep in a view."""
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
