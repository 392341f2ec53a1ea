"""Malformed parameters on the screening pages give a 4xx or an explanation, never a server error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/granskning/arenden/999999/", "/granskning/arenden/999999/utdrag/1/", "/granskning/aktorer/999999/",
    "/granskning/sok/?q=", "/granskning/sok/?q=%00%00", "/granskning/sok/?q=" + "a" * 5000,
    "/granskning/sok/?q=%3Cscript%3E&schema=Nope", "/granskning/listor/?page=abc",
    "/granskning/arenden/nytt/?kind=nope", "/granskning/logg/?start=notadate&page=abc",
    "/granskning/logg/?format=csv&end=2026-02-30",
]  # fmt: skip
POSTS = [
    ("/granskning/arenden/nytt/", {"municipality": "xxxx", "kind": "nope", "persons": "a;b;c;d;e;f"}),
    ("/granskning/arenden/999999/granska/", {}),
    ("/granskning/arenden/999999/bedomning/", {"decision": "nope"}),
    ("/granskning/fynd/999999/bedom/", {"judgement": "maybe"}),
    ("/granskning/listor/", {"format": "nope"}),
]


@pytest.mark.parametrize("url", URLS)
def test_screening_pages_with_bad_parameters(officer, url):
    assert officer().get(url).status_code < 500


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_screening_posts_with_bad_data(officer, url, data):
    assert officer().post(url, data).status_code < 500
