"""Open311 GeoReport v2 over real HTTP, with two independent clients from PyPI.

georeport (0.3) lists services and definitions and reads requests back in JSON and XML, but cannot create
requests. three (0.8, Code for America's client) can: it posts form-encoded, or multipart with a photo as
``media``. It was written for Python 2 and imports one name Python 3 no longer has (``itertools.ifilter``),
which is supplied before the import; nothing of its protocol code is changed. Other POSTs are sent as the
specification describes with the requests library. Responses are checked against the GeoReport v2 field
rules in JSON and in XML.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import xml.etree.ElementTree as ET

import pytest
import requests
from django.core.management import CommandError, call_command
from georeport import GeoReport

from trygg.audit.models import AuditEvent
from trygg.citizens.models import ApiClient, Tip

from .images import jpeg_with_gps

itertools.ifilter = filter  # the one Python 2 name three 0.8 imports
import three  # noqa: E402

REQUEST_FIELDS = {"service_request_id", "status", "service_name", "service_code", "requested_datetime", "lat", "long"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


@pytest.fixture
def endpoint(live_demo):
    return live_demo["url"] + "/open311/v2"


def check_request(item: dict):
    assert set(item) >= REQUEST_FIELDS, item
    assert item["status"] in ("open", "closed")
    dt.datetime.fromisoformat(item["requested_datetime"])  # W3C date-time
    float(item["lat"]), float(item["long"])


def test_an_independent_client_lists_services_posts_and_reads_back(endpoint):
    client = GeoReport(endpoint, jurisdiction="1780")
    services = client.get_service_list()
    assert {s["service_code"] for s in services} >= {"klotter", "otrygg-plats"}
    for service in services:
        assert set(service) >= SERVICE_FIELDS and service["type"] in ("realtime", "batch", "blackbox")
    definition = client.get_service_definition("otrygg-plats")
    assert definition["service_code"] == "otrygg-plats"
    for attribute in definition["attributes"]:
        assert {"variable", "code", "datatype", "required", "order", "description"} <= set(attribute)
        assert all({"key", "name"} <= set(v) for v in attribute["values"])

    posted = requests.post(
        f"{endpoint}/requests.json",
        data={
            "jurisdiction_id": "1780",
            "service_code": "otrygg-plats",
            "lat": "59.3794",
            "long": "13.5035",
            "description": "Mörk passage",
            "attribute[tid]": "natt",
            "first_name": "Anna",
            "phone": "070-1234567",
        },
        timeout=10,
    )
    assert posted.status_code == 201
    created = posted.json()[0]
    request_id = created["service_request_id"]
    assert "112" in created["service_notice"]
    tip = Tip.objects.get(public_id=request_id)
    assert tip.attributes == {"tid": "natt"}
    stored = str({k: v for k, v in tip.__dict__.items() if isinstance(v, str | dict | list)})  # not timestamps
    assert "Anna" not in stored and "070-1234567" not in stored and "1234567" not in stored  # not stored

    back = client.get_service_request(request_id)
    check_request(back)
    assert back["service_code"] == "otrygg-plats" and back["status"] == "open"
    assert back["description"] == ""  # the public does not read descriptions
    assert round(back["lat"], 3) == back["lat"]  # rounded to about 100 m
    listed = client.get_service_requests(service_code="otrygg-plats", status="open")
    assert request_id in {r["service_request_id"] for r in listed}
    for item in listed:
        check_request(item)


def test_a_second_client_posts_with_a_photo_and_reads_back(endpoint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = three.Three(endpoint, jurisdiction="1780")
    assert "klotter" in {s["service_code"] for s in client.services()}
    created = client.post(
        "klotter",
        lat="59.3794",
        long="13.5035",
        description="Klotter på elskåpet vid bron",
        media=("elskap.jpg", jpeg_with_gps(), "image/jpeg"),
    )
    assert client.post_response.status_code == 201
    request_id = created[0]["service_request_id"]
    tip = Tip.objects.get(public_id=request_id)
    assert tip.source == "open311" and tip.photo
    assert b"Exif" not in (tmp_path / "tips" / tip.photo).read_bytes()  # location data stripped
    back = client.request(request_id)[0]
    check_request(back)
    assert back["service_code"] == "klotter" and back["media_url"] == ""  # photos are not public
    assert client.token(request_id)[0]["service_request_id"] == request_id

    refused = client.post("klotter", lat="59.3794", long="13.5035", media=("x.jpg", b"%PDF-1.4", "image/jpeg"))
    assert client.post_response.status_code == 400 and refused[0]["description"].startswith("media:")
    assert len(list((tmp_path / "tips").glob("*"))) == 1  # nothing stored for the refused request


def test_xml_responses_follow_the_element_names_of_the_specification(endpoint):
    xml_client = GeoReport(endpoint, jurisdiction="1780", output_format="xml")
    services = xml_client.get_service_list()
    assert {s["service_code"] for s in services} >= {"klotter"}
    posted = requests.post(
        f"{endpoint}/requests.xml",
        data={"jurisdiction_id": "1780", "service_code": "klotter", "lat": 59.3794, "long": 13.5035},
        timeout=10,
    )
    root = ET.fromstring(posted.content)
    assert root.tag == "service_requests" and root.find("request/service_request_id") is not None
    request_id = root.find("request/service_request_id").text
    item = xml_client.get_service_request(request_id)
    assert item["service_request_id"] == request_id and item["status"] == "open"
    definition = ET.fromstring(
        requests.get(f"{endpoint}/services/otrygg-plats.xml?jurisdiction_id=1780", timeout=10).content
    )
    assert definition.tag == "service_definition"
    assert definition.find("attributes/attribute/values/value/key") is not None


@pytest.mark.parametrize(
    ("method", "path", "data", "status", "text"),
    [
        ("get", "/services.json", {}, 400, "jurisdiction_id is required"),
        ("get", "/services.json", {"jurisdiction_id": "0180"}, 404, "not a municipality using Trygg"),
        ("get", "/services/nope.json", {"jurisdiction_id": "1780"}, 404, "unknown service_code"),
        ("get", "/requests/nope.json", {"jurisdiction_id": "1780"}, 404, "no service request"),
        ("post", "/requests.json", {"jurisdiction_id": "1780", "lat": "59.38", "long": "13.50"}, 400, "service_code"),
        ("post", "/requests.json", {"jurisdiction_id": "1780", "service_code": "klotter"}, 400, "location"),
        (
            "post",
            "/requests.json",
            {"jurisdiction_id": "1780", "service_code": "klotter", "lat": "x", "long": "1"},
            400,
            "lat must be a number",
        ),
        (
            "post",
            "/requests.json",
            {"jurisdiction_id": "1780", "service_code": "klotter", "lat": "59.27", "long": "15.21"},
            400,
            "outside Karlstad",
        ),
        (
            "post",
            "/requests.json",
            {"jurisdiction_id": "1780", "service_code": "klotter", "lat": "59.38", "long": "13.50", "api_key": "wrong"},
            403,
            "invalid api_key",
        ),
        (
            "get",
            "/requests.json",
            {"jurisdiction_id": "1780", "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            400,
            "at most 90 days",
        ),
        ("get", "/requests.yaml", {"jurisdiction_id": "1780"}, 404, "unknown format"),
    ],
)
def test_errors_use_the_specifications_format_and_status_codes(endpoint, method, path, data, status, text):
    response = getattr(requests, method)(
        endpoint + path, **({"params": data} if method == "get" else {"data": data}), timeout=10
    )
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == status and text in body[0]["description"]


def test_errors_in_xml(endpoint):
    response = requests.get(f"{endpoint}/services.xml", timeout=10)
    root = ET.fromstring(response.content)
    assert response.status_code == 400 and root.tag == "errors" and root.find("error/code").text == "400"


def _issue_key(*args: str) -> str:
    out = io.StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue().strip()


def test_partner_systems_with_a_key_read_descriptions(endpoint, live_demo):
    key = _issue_key("Fastighetsägarnas app", "--organisation", "fastighetsagarna")
    assert len(key) >= 40 and not ApiClient.objects.filter(key_hash=key).exists()  # only the hash is stored
    posted = requests.post(
        f"{endpoint}/requests.json",
        data={
            "jurisdiction_id": "1780",
            "service_code": "klotter",
            "lat": 59.3794,
            "long": 13.5035,
            "description": "<b>Klotter</b> på elskåp",
            "api_key": key,
        },
        timeout=10,
    ).json()[0]
    with_key = requests.get(
        f"{endpoint}/requests/{posted['service_request_id']}.json",
        params={"jurisdiction_id": "1780", "api_key": key},
        timeout=10,
    ).json()[0]
    assert with_key["description"] == "<b>Klotter</b> på elskåp"  # JSON: data, not markup
    xml = requests.get(
        f"{endpoint}/requests/{posted['service_request_id']}.xml",
        params={"jurisdiction_id": "1780", "api_key": key},
        timeout=10,
    ).content
    assert b"&lt;b&gt;Klotter" in xml
    token = requests.get(
        f"{endpoint}/tokens/{posted['service_request_id']}.json", params={"jurisdiction_id": "1780"}, timeout=10
    ).json()[0]
    assert token["service_request_id"] == posted["service_request_id"]


def test_a_revoked_key_is_refused_and_both_steps_are_audited(endpoint, live_demo):
    key = _issue_key("Centrum Karlstads app")
    client = ApiClient.objects.get(name="Centrum Karlstads app")
    params = {"jurisdiction_id": "1780", "api_key": key}
    assert requests.get(f"{endpoint}/requests.json", params=params, timeout=10).status_code == 200
    _issue_key("--revoke", str(client.pk))
    refused = requests.get(f"{endpoint}/requests.json", params=params, timeout=10)
    assert refused.status_code == 403 and "api_key" in refused.json()[0]["description"]
    actions = list(
        AuditEvent.objects.filter(object_type="citizens.apiclient", object_id=str(client.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "update"]
    with pytest.raises(CommandError, match="--organisation"):
        _issue_key("Okänd", "--organisation", "finns-inte")
