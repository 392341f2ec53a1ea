"""Import of the Swedish Police's public events (polisen.se ``/api/events`` format).

Each event has ``id, datetime, name, summary, url, type, location{name, gps}``. The coordinates are the
centroid of the municipality or county named in ``location.name``, so events are stored with precision
"municipality centroid" or "county centroid" and never shown as exact points. The time in ``name``
("26 september 14:21, …") is when the event happened; ``datetime`` is when it was published.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import connection
from django.utils.translation import gettext as _

from trygg.core.bulk import insert_rows
from trygg.core.importing import ImportReport, ReadError, RecordError, iter_json_records
from trygg.incidents.models import Category, Incident, PoliceTypeMapping, Precision, Source, Status, Visibility
from trygg.incidents.polisen_format import (
    POLICE_BASE_URL,
    occurred_from_name,
    parse_gps,
    parse_published,
)
from trygg.incidents.taxonomy import FALLBACK_CATEGORY, normalise_police_type
from trygg.orgs.models import County, Municipality


@dataclass(frozen=True)
class Area:
    municipality: str | None
    county: str
    precision: str


class AreaResolver:
    """Maps ``location.name`` to a municipality (by name) or county ("Värmlands län")."""

    def __init__(self) -> None:
        self._by_name: dict[str, Area] = {}
        self._centroids: dict[str, tuple[float | None, float | None]] = {}
        # (location.name, the title's last part) -> resolve_event's answer: the feed repeats a few hundred places
        self._events: dict[tuple[str, str | None], tuple[Area | None, tuple[float, float] | None]] = {}
        for county in County.objects.all():
            self._by_name[county.name.casefold()] = Area(None, county.code, Precision.COUNTY.value)
        rows = Municipality.objects.values_list("code", "name", "county_id", "centroid_lat", "centroid_lon")
        for code, name, county, lat, lon in rows:
            self._by_name[name.casefold()] = Area(code, county, Precision.MUNICIPALITY.value)
            self._centroids[code] = (lat, lon)
        if not self._by_name:
            raise RecordError(_("no municipalities are loaded; run 'trygg load_municipalities' first"))

    def resolve(self, name: str) -> Area | None:
        return self._by_name.get(" ".join(name.split()).casefold())

    def resolve_event(self, location_name: str, title: str) -> tuple[Area | None, tuple[float, float] | None]:
        """The event's area, and the municipality's centroid when it was read from the title. Since 2026-02 the
        feed names the county in ``location.name`` (its centroid in ``gps``) and the municipality at the end of
        the title ("03 mars 10.00, Mord/dråp, Degerfors"); such an event belongs to that municipality when it
        lies in the named county. A title that ends with the county ("Sammanfattning natt, Örebro län") or
        with no known municipality of that county stays county-level."""
        key = (location_name, title.rsplit(",", 1)[-1] if "," in title else None)
        answer = self._events.get(key)
        if answer is None:
            answer = self._events[key] = self._resolve_event(*key)
        return answer

    def _resolve_event(self, location_name: str, last_part: str | None):
        area = self.resolve(location_name)
        if area is None or area.municipality is not None:
            return area, None
        named = self.resolve(last_part) if last_part is not None else None
        if named is None or named.municipality is None or named.county != area.county:
            return area, None
        lat, lon = self._centroids.get(named.municipality, (None, None))
        return named, (lat, lon) if lat is not None and lon is not None else None


class CategoryResolver:
    def __init__(self) -> None:
        current = Category.objects.current()
        self._fallback = current.get(code=FALLBACK_CATEGORY)
        self._by_type = {
            m.police_type: m.category
            for m in PoliceTypeMapping.objects.filter(category__in=current).select_related("category")
        }
        self._ids = {police_type: category.pk for police_type, category in self._by_type.items()}
        self.unmapped: dict[str, int] = {}

    def resolve(self, police_type: str) -> int:
        """The category id for a police type (the fallback category if the type is unknown)."""
        category = self._ids.get(police_type)
        if category is None:
            self.unmapped[police_type] = self.unmapped.get(police_type, 0) + 1
            return self._fallback.pk
        return category


def _require(record: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in record:
        raise RecordError(_("missing field %(key)r") % {"key": key})
    value = record[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        names = "/".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise RecordError(
            _("%(key)r must be %(kinds)s, not %(kind)s") % {"key": key, "kinds": names, "kind": type(value).__name__}
        )
    return value


INSERT_FIELDS = (
    "category",
    "source",
    "external_id",
    "source_type",
    "title",
    "description",
    "url",
    "municipality",
    "county",
    "lat",
    "lon",
    "precision",
    "occurred_start",
    "reported_at",
    "visibility",
    "status",
    "is_generated",
    "assessment",
)  # created_at and updated_at: insert_rows gives them the time of the import, as auto_now fields

_MUNICIPALITY = INSERT_FIELDS.index("municipality")
# the choices' values as plain text (as are the areas' precisions), which SQLite's driver binds without first asking
# how to adapt them
_POLICE, _PUBLIC, _CONFIRMED = Source.POLICE.value, Visibility.PUBLIC.value, Status.CONFIRMED.value


def event_id(record: Any) -> str:
    if not isinstance(record, dict):
        raise RecordError(_("expected a JSON object, not %(kind)s") % {"kind": type(record).__name__})
    return str(_require(record, "id", int))


# The feed's own form of ``datetime`` ("2022-09-26 15:55:23 +02:00", the hour perhaps of one digit): read without
# parse_published's general steps, to the same value; anything else (or a date that does not exist) goes there.
_PUBLISHED = re.compile(r"(\d{4}-\d\d-\d\d) (\d\d?):(\d\d:\d\d) ([+-]\d\d:\d\d)", re.ASCII)


def _published(value: Any) -> dt.datetime:
    match = _PUBLISHED.fullmatch(value) if type(value) is str else None
    if match is not None:
        date, hour, rest, zone = match.groups()
        try:
            return dt.datetime.fromisoformat(f"{date}T{hour:0>2}:{rest}{zone}")
        except ValueError:
            pass
    return parse_published(value)


class EventRows:
    """Validates events and makes their Incident rows, remembering what the feed repeats: a few hundred places
    (``location.name`` with the title's last part and ``gps``) and about a hundred types."""

    def __init__(self, areas: AreaResolver, categories: CategoryResolver) -> None:
        self.areas = areas
        self.categories = categories
        self._places: dict[tuple[str, str | None, str], tuple[Area, float, float]] = {}
        self._types: dict[str, str] = {}

    def row(self, record: dict[str, Any], external_id: str) -> tuple:
        """The event's row in ``INSERT_FIELDS`` order (``external_id`` from :func:`event_id`); raises RecordError.

        The checks are made in the order they always were, so that an event with several faults is rejected for
        the same one.
        """
        published = _published(record.get("datetime"))
        name = record.get("name")
        if type(name) is not str:
            name = _require(record, "name", str)
        raw_type = record.get("type")
        police_type = self._types.get(raw_type) if type(raw_type) is str else None
        if police_type is None:
            police_type = normalise_police_type(_require(record, "type", str))
            if not police_type:
                raise RecordError(_("%(key)r is empty") % {"key": "type"})
            self._types[raw_type] = police_type
        summary = record.get("summary") or ""
        if not isinstance(summary, str):
            raise RecordError(
                _("%(key)r must be %(kinds)s, not %(kind)s")
                % {"key": "summary", "kinds": "str", "kind": type(summary).__name__}
            )
        url = record.get("url") or ""
        if not isinstance(url, str):
            raise RecordError(
                _("%(key)r must be %(kinds)s, not %(kind)s")
                % {"key": "url", "kinds": "str", "kind": type(url).__name__}
            )
        location = record.get("location")
        if type(location) is not dict:
            location = _require(record, "location", dict)
        location_name = location.get("name")
        if type(location_name) is not str:
            location_name = _require(location, "name", str)
        gps = location.get("gps")
        place = (location_name, name.rsplit(",", 1)[-1] if "," in name else None, gps) if type(gps) is str else None
        known = self._places.get(place) if place is not None else None
        if known is None:
            lat, lon = parse_gps(gps)
            area, centroid = self.areas.resolve_event(location_name, name)
            if centroid is not None:  # the municipality's centroid, not the county's the feed gave
                lat, lon = centroid
            if area is None:
                raise RecordError(
                    _("unknown location %(name)r (not a municipality or county name)") % {"name": location_name}
                )
            if place is not None:
                self._places[place] = (area, lat, lon)
        else:
            area, lat, lon = known
        occurred = occurred_from_name(name, published) or published
        return (
            self.categories.resolve(police_type),
            _POLICE,
            external_id,
            police_type,
            name[:200],
            summary,
            (POLICE_BASE_URL + url if url.startswith("/") else url)[:400],
            area.municipality,
            area.county,
            lat,
            lon,
            area.precision,
            occurred,
            published,
            _PUBLIC,
            _CONFIRMED,
            False,
            "",
        )


def event_to_row(record: dict[str, Any], areas: AreaResolver, categories: CategoryResolver) -> tuple:
    """Validate one event and return its Incident row in ``INSERT_FIELDS`` order; raises RecordError."""
    return EventRows(areas, categories).row(record, event_id(record))


def _outside(record: dict[str, Any], areas: AreaResolver, only_areas: set[str]) -> bool:
    """True when the event's location resolves to an area that is not wanted (unresolvable: validate later)."""
    location = record.get("location")
    name = location.get("name") if isinstance(location, dict) else None
    title = record.get("name") if isinstance(record.get("name"), str) else ""
    area = areas.resolve_event(name, title)[0] if isinstance(name, str) else None
    return area is not None and (area.municipality or area.county) not in only_areas


class AlreadyPresent(str):
    """A line of the feed passed over unread: the id of its event, which is already stored."""

    __slots__ = ()


# A line that opens with its event's id; when that is the line's only "id" (a quotation mark inside a JSON string is
# escaped, so the text cannot occur there), it is the event's own.
_LEADING_ID = re.compile(r'\{"id": ?(\d+),', re.ASCII)


def _known_lines(existing: set[str]) -> Callable[[str], AlreadyPresent | None]:
    def known(line: str) -> AlreadyPresent | None:
        match = _LEADING_ID.match(line)
        if match is not None and match[1] in existing and line.count('"id"') == 1:
            return AlreadyPresent(match[1])
        return None

    return known


def _stored_ids() -> set[str]:
    # an event's id is never empty, so the ids can be read from the unique index alone (in no particular order)
    police = Incident.objects.filter(source=Source.POLICE).exclude(external_id="").order_by()
    sql, params = police.values_list("external_id").query.sql_with_params()
    with connection.cursor() as cursor:  # without the ORM's per-row steps: 85 000 ids in a few hundredths
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def import_event_file(stream: BinaryIO | bytes, source: str, only_areas: set[str] | None = None) -> ImportReport:
    """:func:`import_events` of a file or download (JSON lines or a JSON array). A line of an event already stored
    is passed over without being parsed (a re-import reads little more than the ids); it counts as already present
    even where ``only_areas`` would have skipped it, and is not checked further."""
    existing = _stored_ids()
    return import_events(iter_json_records(stream, known=_known_lines(existing)), source, only_areas, existing)


def import_events(
    records: Iterable[tuple[int, Any]],
    source: str,
    only_areas: set[str] | None = None,
    existing: set[str] | None = None,
) -> ImportReport:
    """Import police events; idempotent by event id.

    ``only_areas`` keeps events whose ``location.name`` is one of these municipalities (by code) or, for
    county codes, county-level events of that county. An id seen twice in the input is rejected the second
    time; an id already in the database counts as "already present" and is not read further (nor placed).
    ``county_level`` in the report counts the events created that could be placed only in their county.
    """
    report = ImportReport(source=source)
    areas = AreaResolver()
    categories = CategoryResolver()
    existing = _stored_ids() if existing is None else existing
    seen_in_file: dict[str, int] = {}
    convert = EventRows(areas, categories)

    def rows():
        for line, record in records:
            if type(record) is not dict and isinstance(record, ReadError):
                report.reject(record.line, str(record))
                continue
            report.read += 1
            try:
                passed_over = type(record) is AlreadyPresent
                if passed_over:
                    key = str(record)
                else:
                    key = record.get("id") if type(record) is dict else None
                    key = str(key) if type(key) is int else event_id(record)
                if key in seen_in_file:
                    raise RecordError(
                        _("duplicate event id %(key)s (first seen on line %(line)s)")
                        % {"key": key, "line": seen_in_file[key]}
                    )
                seen_in_file[key] = line
                if passed_over:
                    report.already_present += 1
                    continue
                if only_areas is not None and _outside(record, areas, only_areas):
                    report.skipped += 1
                    continue
                if key in existing:
                    report.already_present += 1
                    continue
                row = convert.row(record, key)
            except RecordError as exc:
                report.reject(line, str(exc))
                continue
            if row[_MUNICIPALITY] is None:
                report.county_level += 1
            yield row

    report.created = insert_rows(Incident, INSERT_FIELDS, rows(), beside=True)  # rows(): no database
    for police_type, count in sorted(categories.unmapped.items()):
        report.warnings.append(
            _("unknown police event type %(type)s (%(n)s times) filed under %(category)s")
            % {"type": repr(police_type), "n": count, "category": repr(FALLBACK_CATEGORY)}
        )
    return report


def area_filter(codes: Iterable[str]) -> set[str]:
    """Validate municipality (4 digits) or county (2 digits) codes given on the command line."""
    result: set[str] = set()
    known_m = set(Municipality.objects.values_list("code", flat=True))
    known_c = set(County.objects.values_list("code", flat=True))
    for code in codes:
        if code not in known_m and code not in known_c:
            raise RecordError(_("unknown municipality or county code %(code)r") % {"code": code})
        result.add(code)
    return result
