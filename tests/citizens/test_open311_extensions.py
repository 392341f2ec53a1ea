"""Open311 extensions over real HTTP: ``extensions=true`` (extended_attributes, notes) and ``updated_after``
(paged with ``page``/``page_size`` and ``Link: rel="next"``). What they read is checked against GeoReport v2's
field rules, and each request read through the independent client georeport (0.3), which knows no extensions."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone
from georeport import GeoReport

from trygg.citizens import tips, updates
from trygg.citizens.models import Tip, TipUpdate

from .test_open311 import check_request


@pytest.fixture
def endpoint(live_demo):
    return live_demo["url"] + "/open311/v2"


def make_tip(**fields) -> Tip:
    defaults = {"municipality_id": "1780", "service_code": "klotter", "lat": 59.379417, "lon": 13.503571}
    return Tip.objects.create(**{**defaults, **fields})


def test_extensions_add_the_status_link_and_the_notes_in_order(endpoint, live_demo):
    coordinator = live_demo["users"]["karlstad.samordnare"]
    tip = make_tip(email="boende@example.se", description="Klotter vid min port")
    updates.reply(tip, "Tack, vi har tagit emot ditt tips.", coordinator)
    tips.reject(tip, "Fastighetsägaren sanerar", coordinator)
    updates.reply(tip, "Sanerat nu.", coordinator)
    expected = list(TipUpdate.objects.filter(tip=tip).order_by("created_at", "id").values_list("kind", "text"))
    assert [k for k, _ in expected] == ["reply", "status_change", "reply"]

    params = {"jurisdiction_id": "1780", "extensions": "true"}
    item = requests.get(f"{endpoint}/requests/{tip.public_id}.json", params=params, timeout=10).json()[0]
    check_request(item)
    assert item["service_request_id"] == tip.public_id  # Open311's id is unchanged
    assert [(n["type"], n["description"]) for n in item["notes"]] == expected
    times = [dt.datetime.fromisoformat(n["datetime"]) for n in item["notes"]]
    assert times == sorted(times) and all(
        set(n) == {"datetime", "type", "summary", "description"} for n in item["notes"]
    )
    assert "Karlstads kommun" in item["notes"][0]["summary"]
    assert item["extended_attributes"]["status_url"].endswith(f"/tips/status/{tip.public_id}/")
    assert requests.get(item["extended_attributes"]["status_url"], timeout=10).status_code == 200
    assert "reference" not in item["extended_attributes"]  # the public read does not publish it
    text = str(item)
    for secret in ("boende", "min port", coordinator.username, "59.3794", "13.5035"):
        assert secret not in text, secret

    listed = requests.get(
        f"{endpoint}/requests.json", params={**params, "service_request_id": tip.public_id}, timeout=10
    ).json()
    assert listed[0]["notes"] == item["notes"]
    plain = requests.get(f"{endpoint}/requests/{tip.public_id}.json", params={"jurisdiction_id": "1780"}, timeout=10)
    assert "notes" not in plain.json()[0] and "extended_attributes" not in plain.json()[0]  # only when asked
    back = GeoReport(endpoint, jurisdiction="1780").get_service_request(tip.public_id)
    check_request(back)
    assert back["status"] == "closed"

    xml = ET.fromstring(requests.get(f"{endpoint}/requests/{tip.public_id}.xml", params=params, timeout=10).content)
    assert [n.findtext("type") for n in xml.findall("request/notes/note")] == [k for k, _ in expected]
    assert xml.findtext("request/extended_attributes/status_url").endswith(f"/tips/status/{tip.public_id}/")


def test_a_partner_key_reads_the_short_reference(endpoint, live_demo):
    out = io.StringIO()
    call_command("open311_key", "Kommunens app", "--organisation", "karlstads-kommun", stdout=out)
    key = out.getvalue().strip()
    tip = make_tip()
    params = {"jurisdiction_id": "1780", "extensions": "true", "api_key": key}
    item = requests.get(f"{endpoint}/requests/{tip.public_id}.json", params=params, timeout=10).json()[0]
    assert item["extended_attributes"]["reference"] == tip.reference


def test_updated_after_returns_exactly_the_requests_changed_after_the_time_paged(endpoint, live_demo):
    now = timezone.now()
    made = [make_tip() for _ in range(7)]
    old = make_tip()
    Tip.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=400), updated_at=now - dt.timedelta(days=2))
    for i, tip in enumerate(made):  # created long ago (outside the 90 days) or now; updated at known times
        created = now - dt.timedelta(days=200 if i % 2 else 0)
        Tip.objects.filter(pk=tip.pk).update(created_at=created, updated_at=now - dt.timedelta(hours=10 - i))
    merged = make_tip()
    tips.merge(merged, made[0], live_demo["users"]["karlstad.samordnare"])  # now: after every other change
    since = now - dt.timedelta(days=1)
    want = [t.public_id for t in made] + [merged.public_id]  # oldest change first; "old" changed before

    url = f"{endpoint}/requests.json"
    params = {"jurisdiction_id": "1780", "updated_after": since.isoformat(), "page_size": "3"}
    got, pages = [], 0
    client = GeoReport(endpoint, jurisdiction="1780")
    while url:
        response = requests.get(url, params=params, timeout=10)
        assert response.status_code == 200, response.text
        pages += 1
        for item in response.json():
            check_request(item)
            assert dt.datetime.fromisoformat(item["updated_datetime"]) > since.replace(microsecond=0)
            assert client.get_service_request(item["service_request_id"])["service_request_id"]  # readable
            got.append(item["service_request_id"])
        link = response.headers.get("Link")
        url, params = (urljoin(url, link.split(">")[0].lstrip("<")), None) if link else (None, None)
    assert got == want and pages == 3
    assert old.public_id not in got

    later = requests.get(
        f"{endpoint}/requests.json",
        params={"jurisdiction_id": "1780", "updated_after": (now - dt.timedelta(hours=5, minutes=30)).isoformat()},
        timeout=10,
    ).json()
    assert [i["service_request_id"] for i in later] == [t.public_id for t in made[5:]] + [merged.public_id]


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"updated_after": "igår"}, "updated_after must be a W3C date and time"),
        ({"updated_after": "2026-02-30T00:00:00Z"}, "updated_after must be a W3C date and time"),
        ({"updated_after": "2026-12-01T25:00:00"}, "updated_after must be a W3C date and time"),
        ({"extensions": "ja"}, "extensions must be true or false"),
    ],
)
def test_bad_extension_parameters_are_a_clear_400(endpoint, params, text):
    for fmt in ("json", "xml"):
        response = requests.get(f"{endpoint}/requests.{fmt}", params={"jurisdiction_id": "1780", **params}, timeout=10)
        assert response.status_code == 400
        if fmt == "json":
            assert response.json()[0]["code"] == 400 and text in response.json()[0]["description"]
        else:
            assert text in ET.fromstring(response.content).findtext("error/description")


def test_the_discovery_document_names_the_extensions(endpoint):
    data = requests.get(f"{endpoint}/discovery.json", timeout=10).json()
    assert {e["name"] for e in data["extensions"]} >= {"extensions", "updated_after", "paging"}
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    xml = ET.fromstring(requests.get(f"{endpoint}/discovery.xml", timeout=10).content)
    assert {e.findtext("name") for e in xml.findall("extensions/extension")} >= {"updated_after"}
