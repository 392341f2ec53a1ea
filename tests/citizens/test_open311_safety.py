"""Open311 over real HTTP: partner keys read only their own municipalities, reads are paginated and
rate-limited, bad dates and control characters do not break the service."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import requests
from django.core.management import call_command

from trygg.citizens.tips import TipInput, create_tip


@pytest.fixture
def endpoint(live_demo):
    return live_demo["url"] + "/open311/v2"


def issue_key(name: str, organisation: str) -> str:
    out = io.StringIO()
    call_command("open311_key", name, "--organisation", organisation, stdout=out)
    return out.getvalue().strip()


def tip(code: str, description: str, lat: float, lon: float):
    return create_tip(TipInput(municipality=code, service_code="klotter", description=description, lat=lat, lon=lon))


def test_a_partner_key_reads_in_full_only_where_its_organisation_works(endpoint, live_demo):
    karlstad = tip("1780", "Klotter på elskåpet vid Stora torget", 59.379412, 13.503519)
    orebro = tip("1880", "Klotter på busskuren", 59.274501, 15.213411)
    key = issue_key("City Örebros app", "city-orebro")  # works in Örebro only
    own = requests.get(f"{endpoint}/requests/{orebro.public_id}.json",
                       params={"jurisdiction_id": "1880", "api_key": key}, timeout=10).json()[0]  # fmt: skip
    assert own["description"] == "Klotter på busskuren" and own["lat"] == 59.274501
    other = requests.get(f"{endpoint}/requests/{karlstad.public_id}.json",
                         params={"jurisdiction_id": "1780", "api_key": key}, timeout=10).json()[0]  # fmt: skip
    assert other["description"] == "" and other["lat"] == round(59.379412, 3)
    listed = requests.get(f"{endpoint}/requests.json", params={"jurisdiction_id": "1780", "api_key": key}, timeout=10)
    assert {item["description"] for item in listed.json()} == {""}


def test_reads_are_paginated_newest_first(endpoint, live_demo):
    made = [tip("1780", f"Klotter {i}", 59.38, 13.50).public_id for i in range(120)]
    first = requests.get(f"{endpoint}/requests.json", params={"jurisdiction_id": "1780"}, timeout=10)
    assert len(first.json()) == 50 and first.json()[0]["service_request_id"] == made[-1]
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    last = requests.get(f"{endpoint}/requests.json", params={"jurisdiction_id": "1780", "page": 3}, timeout=10)
    assert len(last.json()) == 20 and "Link" not in last.headers
    seen = [i["service_request_id"] for p in (1, 2, 3) for i in requests.get(
        f"{endpoint}/requests.json", params={"jurisdiction_id": "1780", "page": p}, timeout=10).json()]  # fmt: skip
    assert sorted(seen) == sorted(made)
    too_big = requests.get(
        f"{endpoint}/requests.json", params={"jurisdiction_id": "1780", "page_size": 101}, timeout=10
    )
    assert too_big.status_code == 400 and "page_size" in too_big.json()[0]["description"]


def test_anonymous_reads_are_rate_limited_and_a_partner_key_has_its_own_limit(endpoint, live_demo, settings):
    settings.TRYGG_RATE_LIMITS = {"open311_read": (3, 3600), "open311": (1, 3600), "open311_partner": (20, 3600)}
    params = {"jurisdiction_id": "1780"}
    codes = [requests.get(f"{endpoint}/requests.json", params=params, timeout=10).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    key = issue_key("Fastighetsägarnas app", "fastighetsagarna")
    assert requests.get(f"{endpoint}/requests.json", params={**params, "api_key": key}, timeout=10).status_code == 200
    post = {"jurisdiction_id": "1780", "service_code": "klotter", "lat": 59.3794, "long": 13.5035}
    anonymous = [requests.post(f"{endpoint}/requests.json", data=post, timeout=10).status_code for _ in range(2)]
    partner = [requests.post(f"{endpoint}/requests.json", data={**post, "api_key": key}, timeout=10).status_code
               for _ in range(3)]  # fmt: skip
    assert anonymous == [201, 429] and partner == [201, 201, 201]


def test_an_impossible_date_is_a_400_in_the_error_format(endpoint, live_demo):
    response = requests.get(
        f"{endpoint}/requests.json",
        params={"jurisdiction_id": "1780", "start_date": "2026-02-30T00:00:00Z"},
        timeout=10,
    )
    assert response.status_code == 400 and "start_date" in response.json()[0]["description"]


def test_control_characters_in_a_description_keep_the_xml_well_formed(endpoint, live_demo):
    made = tip("1780", "Klotter\x00\x07\x1b på\x0b muren\n", 59.38, 13.50)
    key = issue_key("Fastighetsägarnas app", "fastighetsagarna")
    xml = requests.get(f"{endpoint}/requests/{made.public_id}.xml",
                       params={"jurisdiction_id": "1780", "api_key": key}, timeout=10).content  # fmt: skip
    root = ET.fromstring(xml)
    assert root.find("request/description").text.startswith("Klotter på muren")


def test_a_nul_character_is_refused_in_the_error_format(endpoint, live_demo):
    response = requests.get(f"{endpoint}/requests.json", params={"jurisdiction_id": "1780\x00"}, timeout=10)
    assert response.status_code == 400 and "NUL" in response.json()[0]["description"]


def test_a_nul_character_in_an_xml_request_is_refused_in_xml(endpoint, live_demo):
    response = requests.get(f"{endpoint}/requests.xml", params={"service_request_id": "\x00"}, timeout=10)
    assert response.status_code == 400
    assert ET.fromstring(response.content).find("error/code").text == "400"
