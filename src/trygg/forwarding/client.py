"""Trygg as an Open311 GeoReport v2 client (http://wiki.open311.org/GeoReport_v2): small functions that build
what is posted, read what comes back and map statuses, and three thin HTTP calls through the guarded outbound
client (``trygg.core.outbound``: the address checked at every call, the connection pinned to the checked address,
no redirects, one deadline for the whole exchange and a cap on the answer's size).

* ``POST {base}requests.json`` — ``api_key``, ``jurisdiction_id`` (if the destination has one),
  ``service_code``, ``lat``/``long`` (or ``address_string`` when the tip has no position) and ``description``.
  Nothing else: no e-mail, name, phone or device id of the resident, no photo or ``media_url``.
* The answer carries either ``service_request_id`` or, when the endpoint creates requests later, a ``token``;
  ``GET {base}tokens/{token}.json`` gives the id once it exists (the specification's token flow).
* ``GET {base}requests.json?service_request_id=a,b,c`` reads several requests at once: ``status`` (``open`` or
  ``closed``), ``status_notes`` and ``updated_datetime``.

Every problem raises :class:`Open311ClientError` with a message that says what was wrong and where (the HTTP
status, the department's own error description, the field missing from the answer, the first characters of an
answer that is not JSON) — it is shown to the coordinator on the forwardings page. Answers are parsed defensively
(:func:`trygg.core.outbound.loads_json`: a depth limit, no NaN, no endless integers): a hostile answer is an error
of that forwarding, never a crash of the job.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from trygg.core import outbound

DEADLINE = 20.0  # seconds for a whole exchange: connecting, sending and the complete answer
CONNECT_TIMEOUT = 5.0  # seconds for one connection attempt (within the deadline)
MAX_ANSWER = 1_000_000  # bytes: the largest answer read (a batch of 20 requests is a few kB)
MAX_DESCRIPTION = 4000  # the specification's limit
USER_AGENT = "Trygg (Open311 GeoReport v2 client)"

# statuses some endpoints use beside the specification's two, read as what they mean
OPEN_WORDS = {"open", "acknowledged", "in_progress", "in progress", "investigating", "action_scheduled", "planned"}
CLOSED_WORDS = {
    "closed",
    "fixed",
    "resolved",
    "duplicate",
    "not_responsible",
    "not_councils_responsibility",
    "no_further_action",
    "internal_referral",
    "unable_to_fix",
}


class Open311ClientError(Exception):
    """The department's endpoint could not be reached, or answered something Trygg cannot use."""


@dataclass(frozen=True)
class Posted:
    service_request_id: str = ""
    token: str = ""


@dataclass(frozen=True)
class RemoteRequest:
    service_request_id: str
    status: str  # as the department wrote it
    status_notes: str = ""
    updated_datetime: str = ""

    @property
    def closed(self) -> bool:
        return map_status(self.status) == "closed"


def url(base_url: str, path: str) -> str:
    """``path`` under the endpoint's base address (with or without its trailing slash)."""
    return base_url.rstrip("/") + "/" + path


def post_body(
    *,
    service_code: str,
    description: str,
    lat: float | None,
    lon: float | None,
    address: str = "",
    jurisdiction_id: str = "",
    api_key: str = "",
) -> dict[str, str]:
    """The form fields of the POST: only what the department needs to find and fix the thing."""
    if not service_code:
        raise Open311ClientError("no service_code to post (the category has no code at the department)")
    body = {"service_code": service_code, "description": description.strip()[:MAX_DESCRIPTION]}
    if lat is not None and lon is not None:
        body["lat"], body["long"] = f"{lat:.6f}", f"{lon:.6f}"
    elif address.strip():
        body["address_string"] = address.strip()[:300]
    else:
        raise Open311ClientError("the tip has neither a position nor an address (lat/long or address_string)")
    if jurisdiction_id:
        body["jurisdiction_id"] = jurisdiction_id
    if api_key:
        body["api_key"] = api_key
    return body


def _items(status_code: int, text: str, what: str) -> list[dict[str, Any]]:
    """The answer's list of objects; an HTTP error or an answer of another shape raises, saying which."""
    problem = ""
    try:
        data = outbound.loads_json(text) if text.strip() else None
    except outbound.BadJSON as exc:
        data, problem = _NOT_JSON, str(exc)
    if not 200 <= status_code < 300:
        detail = _error_description(data) or _snippet(text)
        raise Open311ClientError(f"{what}: HTTP {status_code} from the department" + (f": {detail}" if detail else ""))
    if data is _NOT_JSON:
        if not problem.startswith("the answer is not JSON"):  # too deep, NaN, an endless number
            raise Open311ClientError(f"{what}: {problem}")
        raise Open311ClientError(f"{what}: the answer is not JSON: {_snippet(text)!r}")
    if isinstance(data, dict):  # some endpoints wrap the list: {"service_requests": [...]}
        lists = [v for k, v in data.items() if k in ("service_requests", "requests", "request") and isinstance(v, list)]
        data = lists[0] if lists else [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise Open311ClientError(f"{what}: expected a JSON list of objects, got {_snippet(text)!r}")
    return data


_NOT_JSON = object()


def _error_description(data: Any) -> str:
    """The specification's error format: ``[{"code": 403, "description": "Invalid api_key"}]``."""
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    texts = [str(item.get("description", "")).strip() for item in items if isinstance(item, dict)]
    return "; ".join(t for t in texts if t)[:300]


def _snippet(text: str, length: int = 120) -> str:
    return " ".join(text.split())[:length]


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return "" if value is None else str(value).strip()


def parse_post(status_code: int, text: str) -> Posted:
    """The answer to the POST: a ``service_request_id`` or a ``token`` (the first object of the list)."""
    items = _items(status_code, text, "posting the request")
    if not items:
        raise Open311ClientError("posting the request: the answer is an empty list (no service_request_id or token)")
    first = items[0]
    posted = Posted(_text(first, "service_request_id")[:200], _text(first, "token")[:200])
    if not posted.service_request_id and not posted.token:
        raise Open311ClientError(
            f"posting the request: the answer has neither service_request_id nor token: {_snippet(json.dumps(first))}"
        )
    return posted


def parse_token(status_code: int, text: str) -> str:
    """The id a token became ("" while the department has not created the request yet)."""
    items = _items(status_code, text, "reading the token")
    return _text(items[0], "service_request_id")[:200] if items else ""


def parse_requests(status_code: int, text: str) -> list[RemoteRequest]:
    """The requests read back, as the department wrote them. An item without a ``service_request_id`` is left out
    (its forwarding is told that the answer lacks it); a status is mapped per request (:func:`map_status`), so one
    request with a status Trygg does not know never keeps the others of its batch from being read."""
    found = []
    for item in _items(status_code, text, "reading the requests"):
        request_id, status = _text(item, "service_request_id"), _text(item, "status")
        if request_id:
            found.append(RemoteRequest(request_id[:200], status[:60], _text(item, "status_notes"),
                                       _text(item, "updated_datetime")[:40]))  # fmt: skip
    return found


def map_status(value: str, where: str = "status") -> str:
    """``open`` or ``closed`` from the department's status (the specification's two, and common synonyms)."""
    word = (value or "").strip().lower()
    if word in OPEN_WORDS:
        return "open"
    if word in CLOSED_WORDS:
        return "closed"
    raise Open311ClientError(f"{where}: unknown status {value!r} (expected open or closed)")


# -- HTTP ----------------------------------------------------------------------------------------------------


def policy() -> outbound.Policy:
    """Where the installation lets Trygg send: ``TRYGG_OPEN311_HOSTS`` (host, host:port or http://host:port) and,
    for a host whose address is internal, ``TRYGG_OUTBOUND_ALLOW_NETWORKS``."""
    from django.conf import settings

    return outbound.Policy(
        origins=outbound.parse_origins(settings.TRYGG_OPEN311_HOSTS, "TRYGG_OPEN311_HOSTS"),
        allow_networks=outbound.parse_networks(settings.TRYGG_OUTBOUND_ALLOW_NETWORKS),
        origins_setting="TRYGG_OPEN311_HOSTS",
    )


def check_address(address: str, *, resolve_names: bool = True) -> None:
    """The check every call makes, without calling (the destination form's, at saving):
    :class:`trygg.core.outbound.AddressRefused` saying why an address may not be called."""
    outbound.check_url(address, policy(), resolve_names=resolve_names)


def host_allowed(address: str) -> bool:
    """Whether the installation lets Trygg send to this address's scheme, host and port (without DNS)."""
    try:
        check_address(address, resolve_names=False)
    except outbound.AddressRefused:
        return False
    return True


def _call(method: str, address: str, what: str, *, data: dict[str, str] | None = None) -> outbound.Answer:
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    body = None
    if data is not None:
        body = urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        return outbound.request(
            method, address, policy=policy(), headers=headers, body=body, max_bytes=MAX_ANSWER, deadline=DEADLINE,
            connect_timeout=CONNECT_TIMEOUT,
        )  # fmt: skip
    except outbound.OutboundError as exc:
        raise Open311ClientError(f"{what}: {exc}") from None


def post(base_url: str, body: dict[str, str]) -> Posted:
    answer = _call("POST", url(base_url, "requests.json"), "posting the request", data=body)
    return parse_post(answer.status, answer.text())


def _with_query(address: str, params: dict[str, str]) -> str:
    return address + ("?" + urlencode(params) if params else "")


def read_token(base_url: str, token: str, jurisdiction_id: str = "") -> str:
    """GET of a token (the key is not sent on reads: a query string ends up in logs)."""
    params = {"jurisdiction_id": jurisdiction_id} if jurisdiction_id else {}
    address = url(base_url, f"tokens/{quote(token, safe='')}.json")
    answer = _call("GET", _with_query(address, params), "reading the token")
    return parse_token(answer.status, answer.text())


def read_requests(base_url: str, ids: Sequence[str], jurisdiction_id: str = "") -> list[RemoteRequest]:
    """GET of several requests by id (comma-separated, as the specification allows)."""
    params = {"service_request_id": ",".join(ids)}
    if jurisdiction_id:
        params["jurisdiction_id"] = jurisdiction_id
    answer = _call("GET", _with_query(url(base_url, "requests.json"), params), "reading the requests")
    return parse_requests(answer.status, answer.text())
