"""The Open311 client's small functions: what is posted, how answers are read, and errors that say what was
wrong (GeoReport v2: http://wiki.open311.org/GeoReport_v2)."""

from __future__ import annotations

import json

import pytest

from trygg.forwarding import client
from trygg.forwarding.client import Open311ClientError


def test_the_post_body_holds_what_the_department_needs_and_nothing_personal():
    body = client.post_body(service_code="light", description=" Trasig lampa ", lat=59.37941234, lon=13.5035,
                            jurisdiction_id="karlstad.se", api_key="k")  # fmt: skip
    assert body == {"service_code": "light", "description": "Trasig lampa", "lat": "59.379412", "long": "13.503500",
                    "jurisdiction_id": "karlstad.se", "api_key": "k"}  # fmt: skip
    by_address = client.post_body(service_code="light", description="", lat=None, lon=None, address="Storgatan 1")
    assert by_address == {"service_code": "light", "description": "", "address_string": "Storgatan 1"}
    with pytest.raises(Open311ClientError, match="neither a position nor an address"):
        client.post_body(service_code="light", description="x", lat=None, lon=None)
    with pytest.raises(Open311ClientError, match="no service_code"):
        client.post_body(service_code="", description="x", lat=1.0, lon=2.0)
    assert len(client.post_body(service_code="a", description="x" * 5000, lat=1, lon=2)["description"]) == 4000


def test_the_answer_to_a_post_gives_an_id_or_a_token():
    assert client.parse_post(201, '[{"service_request_id": "638344", "service_notice": ""}]').service_request_id == (
        "638344"
    )
    assert client.parse_post(200, '[{"token": "12345"}]') == client.Posted("", "12345")
    assert client.parse_post(201, '{"service_requests": [{"service_request_id": 7}]}').service_request_id == "7"


@pytest.mark.parametrize(
    ("status", "text", "message"),
    [
        (500, '[{"code": 500, "description": "Databasen svarar inte"}]', "HTTP 500 from the department: Databasen"),
        (403, '[{"code": 403, "description": "Invalid api_key"}]', "HTTP 403 from the department: Invalid api_key"),
        (502, "<html>Bad gateway</html>", "HTTP 502 from the department: <html>Bad gateway"),
        (200, "<html>Underhåll</html>", "not JSON: '<html>Underhåll</html>'"),
        (201, "[]", "empty list"),
        (201, '[{"service_notice": "tack"}]', "neither service_request_id nor token"),
        (201, '"ok"', "expected a JSON list of objects"),
        (201, "[1, 2]", "expected a JSON list of objects"),
    ],
)
def test_a_bad_answer_to_a_post_says_what_was_wrong(status, text, message):
    with pytest.raises(Open311ClientError) as caught:
        client.parse_post(status, text)
    assert message in str(caught.value) and str(caught.value).startswith("posting the request")


def test_requests_read_back_and_statuses_mapped():
    text = json.dumps([
        {"service_request_id": "1", "status": "open", "status_notes": None, "updated_datetime": "2026-03-01T10:00Z"},
        {"service_request_id": "2", "status": "Closed", "status_notes": "Lagad"},
        {"status": "open"},  # no id: cannot be anyone's, left out
        {"service_request_id": "9", "status": "lost"},  # mapped per request: does not spoil the others
    ])  # fmt: skip
    first, second, unknown = client.parse_requests(200, text)
    assert (first.closed, first.status_notes, second.closed, second.status_notes) == (False, "", True, "Lagad")
    assert client.map_status("in_progress") == "open" and client.map_status("fixed") == "closed"
    with pytest.raises(Open311ClientError, match=r"request 9: unknown status 'lost' \(expected open or closed\)"):
        client.map_status(unknown.status, where="reading the requests: request 9")
    assert client.parse_token(200, '[{"token": "t", "service_request_id": null}]') == ""
    assert client.parse_token(200, '[{"token": "t", "service_request_id": "55"}]') == "55"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 200_000, "nested deeper than 32 levels"),
        ("[" * 40 + "]" * 40, "nested deeper than 32 levels"),
        ('[{"service_request_id": NaN}]', "NaN, which is not JSON"),
        ('[{"service_request_id": ' + "9" * 5000 + "}]", "a number of more than 4300 digits"),
    ],
)
def test_a_hostile_answer_is_a_clear_error_not_a_crash(text, message):
    with pytest.raises(Open311ClientError, match=f"^posting the request: the answer (is|holds) .*{message}"):
        client.parse_post(201, text)


def test_an_endpoint_that_cannot_be_reached_is_named(settings, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TRYGG_OPEN311_HOSTS = [f"http://127.0.0.1:{port}"]
    monkeypatch.setattr(client, "CONNECT_TIMEOUT", 1)
    with pytest.raises(Open311ClientError, match=f"posting the request: could not connect to http://127.0.0.1:{port}$"):
        client.post(f"http://127.0.0.1:{port}/v2", {"service_code": "x"})


def test_a_host_the_installation_does_not_allow_is_never_called(settings, department):
    """A destination typed by a coordinator cannot point the server at another internal address."""
    settings.TRYGG_OPEN311_HOSTS = ["open311.karlstad.se"]
    before = len(department.attempts)
    with pytest.raises(client.Open311ClientError, match="TRYGG_OPEN311_HOSTS"):
        client.post(department.url, {"service_code": "light", "description": "x", "lat": "59.38", "long": "13.5"})
    assert len(department.attempts) == before
