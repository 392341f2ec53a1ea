"""Open311 GeoReport v2 at ``/open311/v2/`` (https://wiki.open311.org/GeoReport_v2), JSON and XML.

``jurisdiction_id`` is the municipality's SCB code. Residents' apps post without a key; partner systems send
their ``api_key``, which is checked when given. What the public can read back is minimised: no description,
no contact details, positions rounded to about 100 m. A partner system's key reads descriptions, addresses and
positions of the municipalities its organisation works in, and the public read elsewhere. Reads are paginated
(``page``, ``page_size`` ≤ 100, default 50, newest first; a ``Link: rel="next"`` header when there is more — an
extension of the specification) and rate-limited per client address; a key has its own, higher limit.
Personal fields a client may send (first_name, last_name, phone, device_id, account_id) are not stored;
``media_url`` is not fetched. Errors follow the specification's error format with matching status codes.

Extensions of GeoReport v2 (as other Open311 servers have them, e.g. Chicago's and FixMyStreet's; listed in the
discovery document under ``extensions``):

* ``extensions=true`` on ``requests.{fmt}`` and ``requests/{id}.{fmt}`` adds to each request
  ``extended_attributes`` — ``status_url``, the tip's public status page, and, for a partner key reading its
  municipality, ``reference``, the short reference read out on the phone ("T-4821"; not published to everyone:
  said on the phone it stays something the sender and the staff know) — and ``notes``, the tip's public
  updates oldest first, each ``{datetime, type, summary, description}`` with ``type`` ``status_change`` or
  ``reply`` (a reply is the municipality's text, signed by the municipality, never by a person).
* ``updated_after`` (a W3C/ISO 8601 date and time) on ``requests.{fmt}``: the requests whose
  ``updated_datetime`` is after it, oldest change first, paged like any read (``page``, ``page_size``,
  ``Link: rel="next"``). Without ``start_date``/``end_date`` it reads all time (not the last 90 days), and it
  includes tips merged into another (closed), so a client can keep in step by asking again with the last
  ``updated_datetime`` it saw. Pages are offsets: a tip changed while a client pages moves to the end, so a
  client that must miss nothing asks again from the last ``updated_datetime`` (whole seconds, so it may see
  a request twice, never lose one) rather than following ``page`` for long.
* ``reference`` in the answer to POST ``requests.{fmt}``: beside ``service_request_id`` (the id to read the
  request back with), the tip's short reference ("T-4821") that the sender may read out on the phone; the
  poster is the sender (or their app), so it is theirs to know.

Statuses: a tip that is new, or that the municipality sent to the department that fixes such things
(``trygg.forwarding``), is ``open``; a tip accepted as an incident, merged, rejected, or closed by the department
is ``closed``, with its status in ``status_notes``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from trygg.core import photos, ratelimit
from trygg.core.importing import RecordError
from trygg.orgs.models import Municipality

from .models import OPEN_STATUSES, ApiClient, Tip, TipUpdate
from .services import BY_CODE, SERVICES
from .tips import TipInput, active_municipalities, create_tip, validate

MAX_DAYS = 90
PAGE_SIZE, MAX_PAGE_SIZE = 50, 100  # an extension of GeoReport v2: ?page=N&page_size=M on GET requests
FORMATS = {"json", "xml"}
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
PUBLIC_ROUNDING = 3  # decimals of latitude/longitude shown to the public (about 100 m)


def public_position(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    """A position as the public may see it: rounded to ``PUBLIC_ROUNDING`` decimals (about 100 m). Open311's
    public read and a tip's public status page both show positions only through this."""
    if lat is None or lon is None:
        return None, None
    return round(lat, PUBLIC_ROUNDING), round(lon, PUBLIC_ROUNDING)


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _xml(root_name: str, item_name: str, items: list[dict]) -> bytes:
    """GeoReport v2 XML, written directly (a tree of elements costs ten times as much for a page of requests)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root_name}>"]
    for item in items:
        parts.append(f"<{item_name}>")
        _fill(parts, item)
        parts.append(f"</{item_name}>")
    parts.append(f"</{root_name}>")
    return "".join(parts).encode("utf-8")


def _xml_document(root_name: str, data: dict) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root_name}>"]
    _fill(parts, data)
    parts.append(f"</{root_name}>")
    return "".join(parts).encode("utf-8")


def _element(parts: list[str], key: str, value) -> None:
    if isinstance(value, dict):
        parts.append(f"<{key}>")
        _fill(parts, value)
        parts.append(f"</{key}>")
        return
    text = "" if value is None else (str(value).lower() if isinstance(value, bool) else escape(_xml_text(str(value))))
    parts.append(f"<{key}>{text}</{key}>" if text else f"<{key} />")


def _fill(parts: list[str], data: dict) -> None:
    for key, value in data.items():
        if isinstance(value, list):
            parts.append(f"<{key}>")
            child = key.rstrip("s") if key.endswith("s") else "item"
            for entry in value:
                _element(parts, child, entry)
            parts.append(f"</{key}>")
        else:
            _element(parts, key, value)


def _xml_text(text: str) -> str:
    """Text as XML 1.0 allows it: control characters (other than tab and newlines) are left out."""
    return _NOT_XML.sub("", text)


def respond(fmt: str, root: str, item: str, items: list[dict], status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_xml(root, item, items), content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(items, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", "error", [{"code": status, "description": description}], status)


def api(view):
    """Format check, error format, CORS for browser apps."""

    def wrapper(request, *args, fmt="json", **kwargs):
        if fmt not in FORMATS:
            return error("json", 404, f"unknown format {fmt!r}; use .json or .xml")
        try:
            response = view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            response = error(fmt, exc.status, exc.description)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return login_not_required(csrf_exempt(wrapper))  # the public read and residents' apps need no login


def _param(request, name: str) -> str:
    return (request.POST.get(name) if request.method == "POST" else None) or request.GET.get(name, "")


def _municipality(request):
    code = _param(request, "jurisdiction_id")
    if not code:
        active = active_municipalities().defer("boundary")  # a large JSON document no answer needs
        if active.count() == 1:
            return active.first()
        raise Open311Error(400, "jurisdiction_id is required: the municipality's SCB code, e.g. 1780")
    if not (len(code) == 4 and code.isdigit()):  # SCB municipality codes are four digits
        raise Open311Error(404, f"jurisdiction_id {code[:40]!r} is not a municipality using Trygg")
    key = f"open311:jurisdiction:{code}"
    municipality = caches["local"].get(key)
    if municipality is None:  # a municipality starts or stops using Trygg rarely: a minute's delay is fine
        municipality = (
            Municipality.objects.defer("boundary").filter(code=code, organisations__kind="municipality").first()
        )
        caches["local"].set(key, municipality or False, JURISDICTION_CACHE_SECONDS)
    if not municipality:
        raise Open311Error(404, f"jurisdiction_id {code!r} is not a municipality using Trygg")
    return municipality


def _client(request) -> ApiClient | None:
    key = _param(request, "api_key")
    if not key:
        return None
    client = (
        ApiClient.objects.filter(key_hash=hashlib.sha256(key.encode()).hexdigest(), active=True)
        .select_related("organisation")
        .first()
    )
    if client is None:
        raise Open311Error(403, "invalid api_key")
    return client


def _reader(request, municipality) -> bool:
    """Counts the read against its rate limit; True when a partner key may read the municipality's tips in full
    (its organisation works there). Other keys and anonymous readers get the public read."""
    client = _client(request)
    if client is not None:
        if not ratelimit.allow(request, "open311_partner", who=f"key:{client.pk}"):
            raise Open311Error(429, "too many requests for this api_key; try again later")
        organisation = client.organisation
        return organisation is not None and organisation.municipalities.filter(code=municipality.code).exists()
    if not ratelimit.allow(request, "open311_read"):
        raise Open311Error(429, "too many requests; try again later")
    return False


def _service_json(service) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": bool(service.attributes),
        "type": "realtime",
        "keywords": service.category,
        "group": service.group,
    }


@api
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:base"))
    data = {
        "changeset": "2026-11-01T00:00:00Z",
        "contact": "Kommunens trygghetssamordnare",
        "key_service": "Partnersystem får api_key av kommunen; invånares appar behöver ingen nyckel.",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-01T00:00:00Z",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
        "extensions": [
            {
                "name": "extensions",
                "parameter": "extensions=true",
                "description": "GET requests: extended_attributes (status_url; reference for partner keys) and "
                "notes (datetime, type status_change or reply, summary, description), oldest first.",
            },
            {
                "name": "updated_after",
                "parameter": "updated_after=2026-03-01T00:00:00Z",
                "description": "GET requests: those updated after the time, oldest change first; paged.",
            },
            {
                "name": "reference",
                "parameter": "",
                "description": "POST requests: the answer carries reference, the tip's short reference (T-4821) "
                "to read out on the phone, beside service_request_id.",
            },
            {
                "name": "paging",
                "parameter": "page=1&page_size=50",
                "description": f"GET requests: pages of at most {MAX_PAGE_SIZE}; a Link header rel=next when more.",
            },
        ],
    }
    if fmt == "xml":
        return HttpResponse(_xml_document("discovery", data), content_type="text/xml; charset=utf-8")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@api
def services(request, fmt):
    _municipality(request)
    return respond(fmt, "services", "service", [_service_json(s) for s in SERVICES])


@api
def service_definition(request, code, fmt):
    _municipality(request)
    service = BY_CODE.get(code)
    if service is None:
        raise Open311Error(404, f"unknown service_code {code!r}")
    attributes = [
        {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": "",
            "order": i + 1,
            "description": a.description,
            "values": [{"key": k, "name": name} for k, name in a.values],
        }
        for i, a in enumerate(service.attributes)
    ]
    data = {"service_code": service.code, "attributes": attributes}
    if fmt == "xml":
        return HttpResponse(_xml_document("service_definition", data), content_type="text/xml; charset=utf-8")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _float(request, name: str) -> float | None:
    value = _param(request, name).strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a number, not {value!r}") from exc


JURISDICTION_CACHE_SECONDS = 60

# the columns an answer reads (not the e-mail address, the photo or the raw contact fields)
ANSWERED = ("public_id", "status", "service_code", "description", "created_at", "updated_at", "address", "lat", "lon")
EXTENDED = ("id", "reference")  # read too with extensions=true (the id only to find the notes)


def _request_json(row: Mapping[str, Any], agency: str, partner: bool, tz) -> dict:
    """One service request from a tip's ``ANSWERED`` columns (read as values: no model is built per row)."""
    service = BY_CODE[row["service_code"]]
    closed = row["status"] not in OPEN_STATUSES
    lat, lon = row["lat"], row["lon"]
    if lat is not None and not partner:
        lat, lon = public_position(lat, lon)
    return {
        "service_request_id": row["public_id"],
        "status": "closed" if closed else "open",
        "status_notes": str(Tip.Status(row["status"]).label) if row["status"] != Tip.Status.OPEN else "",
        "service_name": service.name,
        "service_code": service.code,
        "description": row["description"] if partner else "",
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": row["created_at"].astimezone(tz).isoformat(timespec="seconds"),
        "updated_datetime": row["updated_at"].astimezone(tz).isoformat(timespec="seconds"),
        "expected_datetime": "",
        "address": row["address"] if partner else "",
        "address_id": "",
        "zipcode": "",
        "lat": lat,
        "long": lon,
        "media_url": "",
    }


def _extensions(request) -> bool:
    value = request.GET.get("extensions", "").strip().lower()
    if value not in ("", "true", "false"):
        raise Open311Error(400, "extensions must be true or false")
    return value == "true"


def _extend(request, items: list[dict], rows: list[Mapping[str, Any]], partner: bool, municipality, tz) -> None:
    """Add ``extended_attributes`` and ``notes`` to the answered requests (one query for all their notes)."""
    from .updates import public_status, signed_by

    notes: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    signed = signed_by(municipality.name)
    for update in TipUpdate.objects.filter(tip__in=list(notes)).order_by("created_at", "id"):
        is_reply = update.kind == TipUpdate.Kind.REPLY
        summary = f"Svar från {signed}" if is_reply else f"Ny status: {public_status(update.new_status)}"
        notes[update.tip_id].append(
            {
                "datetime": update.created_at.astimezone(tz).isoformat(timespec="seconds"),
                "type": update.kind,
                "summary": summary,
                "description": update.text,
            }
        )
    for item, row in zip(items, rows, strict=False):
        attributes = {"status_url": request.build_absolute_uri(reverse("citizens:tip_status", args=[row["public_id"]]))}
        if partner:
            attributes["reference"] = row["reference"]
        item["extended_attributes"] = attributes
        item["notes"] = notes[row["id"]]


def _date(request, name: str) -> dt.datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+"))
    except ValueError:  # well-formed but not a real date, e.g. 2026-02-30
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} must be a W3C date and time, e.g. 2026-03-01T00:00:00Z")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


@api
def requests_view(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    municipality = _municipality(request)
    partner = _reader(request, municipality)
    extended = _extensions(request)
    updated_after = _date(request, "updated_after")
    order = ("updated_at", "id") if updated_after else ("-created_at", "-id")
    qs = Tip.objects.filter(municipality=municipality)
    # with updated_after, merged tips too: a client keeping in step learns that they closed
    qs = qs.filter(updated_at__gt=updated_after) if updated_after else qs.exclude(status=Tip.Status.MERGED)
    ids = [i for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(public_id__in=[i.strip() for i in ids])
    else:
        codes = [c for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            unknown = [c for c in codes if c not in BY_CODE]
            if unknown:
                raise Open311Error(400, f"unknown service_code {', '.join(unknown)}")
            qs = qs.filter(service_code__in=codes)
        status = [s.strip() for s in request.GET.get("status", "").split(",") if s.strip()]
        if status:
            if not set(status) <= {"open", "closed"}:
                raise Open311Error(400, "status must be open or closed")
            if status == ["open"]:
                qs = qs.filter(status__in=OPEN_STATUSES)
            elif status == ["closed"]:
                qs = qs.exclude(status__in=OPEN_STATUSES)
        end, start = _date(request, "end_date"), _date(request, "start_date")
        if not updated_after or end or start:  # updated_after alone reads all time
            end = end or timezone.now()
            start = start or end - dt.timedelta(days=MAX_DAYS)
            if start > end:
                raise Open311Error(400, "start_date is after end_date")
            if end - start > dt.timedelta(days=MAX_DAYS):
                raise Open311Error(400, f"start_date and end_date may be at most {MAX_DAYS} days apart")
            qs = qs.filter(created_at__gte=start, created_at__lte=end)
    page, size = _page(request)
    # every row is of this municipality: it is attached, not joined (its boundary is a large JSON document)
    columns = ANSWERED + EXTENDED if extended else ANSWERED
    rows = list(qs.order_by(*order).values(*columns)[(page - 1) * size : page * size + 1])
    tz = timezone.get_current_timezone()
    items = [_request_json(row, municipality.name, partner, tz) for row in rows[:size]]
    if extended:
        _extend(request, items, rows[:size], partner, municipality, tz)
    response = respond(fmt, "service_requests", "request", items)
    if len(rows) > size:  # more on the next page (RFC 8288 link)
        query = request.GET.copy()
        query["page"], query["page_size"] = str(page + 1), str(size)
        query.pop("api_key", None)
        response["Link"] = f'<{request.path}?{query.urlencode()}>; rel="next"'
    return response


def _page(request) -> tuple[int, int]:
    """``page`` (from 1) and ``page_size`` (1–100, default 50) of a GET of requests."""
    try:
        page = int(request.GET.get("page") or 1)
        size = int(request.GET.get("page_size") or PAGE_SIZE)
    except ValueError as exc:
        raise Open311Error(400, "page and page_size must be whole numbers") from exc
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise Open311Error(400, f"page must be 1 or more and page_size between 1 and {MAX_PAGE_SIZE}")
    return page, size


def _post_request(request, fmt) -> HttpResponse:
    client = _client(request)
    allowed = (
        ratelimit.allow(request, "open311_partner", who=f"key:{client.pk}")
        if client is not None
        else ratelimit.allow(request, "open311")
    )
    if not allowed:
        raise Open311Error(429, "too many requests; try again later")
    municipality = _municipality(request)
    service_code = _param(request, "service_code")
    if not service_code:
        raise Open311Error(400, "service_code is required")
    attributes = {
        key[len("attribute[") : -1]: value
        for key, value in request.POST.items()
        if key.startswith("attribute[") and key.endswith("]")
    }
    data = TipInput(
        municipality=municipality.code,
        service_code=service_code,
        description=_param(request, "description"),
        lat=_float(request, "lat"),
        lon=_float(request, "long"),
        address=_param(request, "address_string"),
        email=_param(request, "email")[:254],
        attributes=attributes,
    )
    if data.email and "@" not in data.email:
        raise Open311Error(400, "email is not an e-mail address")
    try:
        validate(data)  # before a photo is stored for a request that is refused
    except RecordError as exc:
        raise Open311Error(400, str(exc)) from exc
    photo = ""
    if "media" in request.FILES:  # a photo sent with the request (multipart), as FixMyStreet's apps do;
        try:  # media_url is not fetched: the server does not download what a request points at
            photo = photos.clean_photo(request.FILES["media"])
        except photos.PhotoError as exc:
            raise Open311Error(400, f"media: {exc}") from exc
    try:
        tip = create_tip(data, photo=photo, source="open311", api_client=client)
    except RecordError as exc:
        raise Open311Error(400, str(exc)) from exc
    notice = "Tack! Detta är ingen polisanmälan. Vid brott eller fara: ring 112, annars 114 14."
    return respond(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": tip.public_id, "reference": tip.reference, "service_notice": notice, "account_id": ""}],
        201,
    )


@api
def request_detail(request, request_id, fmt):
    municipality = _municipality(request)
    partner = _reader(request, municipality)
    extended = _extensions(request)
    columns = ANSWERED + EXTENDED if extended else ANSWERED
    row = Tip.objects.filter(municipality=municipality, public_id=request_id).values(*columns).first()
    if row is None:
        raise Open311Error(404, f"no service request {request_id!r}")
    tz = timezone.get_current_timezone()
    item = _request_json(row, municipality.name, partner, tz)
    if extended:
        _extend(request, [item], [row], partner, municipality, tz)
    return respond(fmt, "service_requests", "request", [item])


@api
def token(request, token_id, fmt):
    municipality = _municipality(request)
    tip = Tip.objects.filter(municipality=municipality, public_id=token_id).first()
    if tip is None:
        raise Open311Error(404, f"no token {token_id!r}")
    return respond(fmt, "service_requests", "request", [{"service_request_id": tip.public_id, "token": token_id}])


@login_not_required
def base(request):
    return discovery(request, fmt="json")
