"""Import of partner reports from a CSV file (a security company's or housing company's own incident log).

One row is one incident reported by one organisation. The layout (header row, comma or semicolon
separated, UTF-8; decimal commas accepted in coordinates, as Swedish spreadsheets write them):

======================  ========  =====================================================================
column                  required  value
======================  ========  =====================================================================
``id``                  yes       the row's id in the partner's own log; re-importing it creates nothing
``category``            yes       an EST category code (``klotter``) or its Swedish/English label
``occurred``            yes       date and time, ``2026-11-28 21:40`` (Swedish time unless an offset is given)
``occurred_end``        no        same form, not before ``occurred``
``lat``, ``lon``        yes*      WGS84 decimal degrees (*or a ``place`` instead)
``place``               no        the name of a named place in the municipality (used when no lat/lon)
``precision``           no        ``exact`` (default), ``street`` or ``district`` (Swedish: exakt, gata, område);
                                  without it, ten or more rows on the very same point are stored as
                                  ``district`` and points at the municipality's centroid as located to the
                                  municipality only, with a warning in the import report
``description``         no        free text; must not name people or hold personal identity numbers
``persons``             no        number of persons involved (0–1000)
``police_report``       no        ``ja``/``nej`` (or yes/no, true/false, 1/0); empty = unknown
``assessment``          no        ``low``/``medium``/``high`` (låg/medel/hög)
``visibility``          no        ``internal``, ``partners`` (default) or ``public`` (intern/partner/offentlig)
======================  ========  =====================================================================

A file that is not UTF-8 is read as Windows-1252, which is what Swedish Excel writes when saving "CSV".
The point must lie inside a municipality where the organisation works. A row that fails any rule is
rejected with its line number and reason; the other rows are imported in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core.identity import find_person_names, find_personal_numbers
from trygg.core.importing import ImportReport, ReadError, RecordError, iter_csv_records
from trygg.incidents.models import AUDITED_FIELDS, Assessment, Category, Incident, Precision, Source, Status, Visibility
from trygg.orgs.loaders import municipality_at
from trygg.orgs.models import Organisation, Place

REQUIRED_COLUMNS = ("id", "category", "occurred")
MAX_DESCRIPTION = 5000
MAX_PERSONS = 1000
FUTURE_TOLERANCE = dt.timedelta(minutes=10)

PRECISIONS = {
    "exact": Precision.EXACT, "exakt": Precision.EXACT,
    "street": Precision.STREET, "gata": Precision.STREET, "kvarter": Precision.STREET,
    "district": Precision.DISTRICT, "område": Precision.DISTRICT, "omrade": Precision.DISTRICT,
    "stadsdel": Precision.DISTRICT,
}  # fmt: skip
VISIBILITIES = {
    "internal": Visibility.INTERNAL, "intern": Visibility.INTERNAL,
    "partners": Visibility.PARTNERS, "partner": Visibility.PARTNERS, "samverkanspartner": Visibility.PARTNERS,
    "public": Visibility.PUBLIC, "offentlig": Visibility.PUBLIC,
}  # fmt: skip
ASSESSMENTS = {
    "low": Assessment.LOW, "låg": Assessment.LOW, "lag": Assessment.LOW,
    "medium": Assessment.MEDIUM, "medel": Assessment.MEDIUM,
    "high": Assessment.HIGH, "hög": Assessment.HIGH, "hog": Assessment.HIGH,
}  # fmt: skip
YES_NO = {"ja": True, "yes": True, "true": True, "1": True, "nej": False, "no": False, "false": False, "0": False}


def read_rows(data: bytes) -> Iterable[tuple[int, Any]]:
    """``(line, row)`` pairs of an uploaded or opened file (UTF-8 or Windows-1252); checks the columns."""
    return iter_csv_records(io.BytesIO(data), required=REQUIRED_COLUMNS)


def external_id(organisation: Organisation, row_id: str) -> str:
    """The stored id: the organisation's slug and its own id, so two partners may both have a row '17'."""
    return f"{organisation.slug}:{row_id}"[:64]


def _choice(row: dict[str, str], column: str, choices: dict[str, Any], default: Any) -> Any:
    value = (row.get(column) or "").strip().casefold()
    if not value:
        return default
    if value not in choices:
        raise RecordError(
            _("'%(column)s' must be one of %(choices)s, not %(value)r")
            % {"column": column, "choices": ", ".join(sorted(set(choices))), "value": value}
        )
    return choices[value]


def parse_time(text: str, column: str) -> dt.datetime:
    """A date and time in ISO form; naive times are Swedish local time. A bare date is refused."""
    value = (text or "").strip()
    if len(value) <= 10:
        raise RecordError(
            _("'%(column)s' needs a date and a time, e.g. 2026-11-28 21:40 (got %(value)r)")
            % {"column": column, "value": value}
        )
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise RecordError(
            _("'%(column)s' is not a date and time like 2026-11-28 21:40: %(value)r")
            % {"column": column, "value": value}
        ) from exc
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _coordinate(text: str, column: str, low: float, high: float) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError as exc:
        raise RecordError(_("'%(column)s' is not a number: %(value)r") % {"column": column, "value": text}) from exc
    if not low <= value <= high:
        raise RecordError(
            _("'%(column)s' must be between %(low)s and %(high)s, not %(value)s")
            % {"column": column, "low": low, "high": high, "value": value}
        )
    return value


class RowReader:
    """Validates rows for one organisation; lookups are loaded once."""

    def __init__(self, organisation: Organisation, allow_names: bool = False):
        self.organisation = organisation
        self.allow_names = allow_names
        self.municipalities = organisation.municipalities.all()
        if not self.municipalities.exists():
            raise RecordError(
                _("%(organisation)s works in no municipality; add one before importing its reports")
                % {"organisation": organisation}
            )
        self.categories: dict[str, Category] = {}
        for category in Category.objects.est():
            for key in (category.code, category.label_sv, category.label_en):
                self.categories[key.casefold()] = category
        self.places = {
            (place.municipality_id, place.name.casefold()): place
            for place in Place.objects.filter(municipality__in=self.municipalities).select_related("municipality")
        }
        self.now = timezone.now()

    def category(self, row: dict[str, str]) -> Category:
        value = (row.get("category") or "").strip()
        found = self.categories.get(value.casefold())
        if found is None:
            codes = ", ".join(sorted({c.label for c in self.categories.values()}))
            raise RecordError(_("unknown category %(value)r; use one of: %(codes)s") % {"value": value, "codes": codes})
        return found

    def position(self, row: dict[str, str]) -> tuple[float, float, str, Place | None, Any]:
        lat_text, lon_text = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
        place_name = (row.get("place") or "").strip()
        precision = _choice(row, "precision", PRECISIONS, Precision.EXACT)
        if lat_text or lon_text:
            if not (lat_text and lon_text):
                raise RecordError(_("give both 'lat' and 'lon', or neither and a 'place'"))
            lat = _coordinate(lat_text, "lat", -90, 90)
            lon = _coordinate(lon_text, "lon", -180, 180)
            municipality = municipality_at(lon, lat, self.municipalities)
            if municipality is None:
                names = ", ".join(m.name for m in self.municipalities)
                raise RecordError(
                    _("the point %(lat)s, %(lon)s is outside the municipalities where %(org)s works (%(names)s)")
                    % {"lat": lat, "lon": lon, "org": self.organisation, "names": names}
                )
            place = self.places.get((municipality.code, place_name.casefold())) if place_name else None
            return lat, lon, precision, place, municipality
        if not place_name:
            raise RecordError(_("say where: 'lat' and 'lon', or the name of a named place in 'place'"))
        matches = [p for (_code, name), p in self.places.items() if name == place_name.casefold()]
        if not matches:
            raise RecordError(
                _("no named place %(place)r in the municipalities where %(org)s works")
                % {"place": place_name, "org": self.organisation}
            )
        if len(matches) > 1:
            raise RecordError(_("the place name %(place)r is ambiguous; give lat and lon") % {"place": place_name})
        place = matches[0]
        if place.is_area:
            precision = Precision.DISTRICT
        return place.lat, place.lon, precision, place, place.municipality

    def description(self, row: dict[str, str]) -> str:
        text = (row.get("description") or "").strip()
        if len(text) > MAX_DESCRIPTION:
            raise RecordError(_("'description' is longer than %(n)d characters") % {"n": MAX_DESCRIPTION})
        if find_personal_numbers(text):
            raise RecordError(_("'description' holds what looks like a personal identity number; remove it"))
        names = find_person_names(text)
        if names and not self.allow_names:
            raise RecordError(
                _(
                    "'description' seems to name a person (%(names)s); remove the name, or confirm that it is "
                    "not a person (--allow-names)"
                )
                % {"names": ", ".join(names)}
            )
        return text

    def persons(self, row: dict[str, str]) -> int | None:
        text = (row.get("persons") or "").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) > MAX_PERSONS:
            raise RecordError(
                _("'persons' must be a whole number from 0 to %(max)d, not %(value)r")
                % {"max": MAX_PERSONS, "value": text}
            )
        return int(text)

    def incident(self, row: dict[str, str]) -> Incident:
        """Validate one row and return an unsaved Incident; raises RecordError naming the column."""
        row_id = (row.get("id") or "").strip()
        if not row_id:
            raise RecordError(_("'id' is empty"))
        category = self.category(row)
        start = parse_time(row.get("occurred", ""), "occurred")
        end = parse_time(row["occurred_end"], "occurred_end") if (row.get("occurred_end") or "").strip() else None
        if start > self.now + FUTURE_TOLERANCE:
            raise RecordError(_("'occurred' is in the future: %(when)s") % {"when": f"{start:%Y-%m-%d %H:%M}"})
        if end is not None and end < start:
            raise RecordError(_("'occurred_end' is before 'occurred'"))
        lat, lon, precision, place, municipality = self.position(row)
        incident = Incident(
            category=category,
            source=Source.CSV,
            external_id=external_id(self.organisation, row_id),
            description=self.description(row),
            municipality=municipality,
            county_id=municipality.county_id,
            place=place,
            lat=lat,
            lon=lon,
            precision=precision,
            occurred_start=start,
            occurred_end=end,
            reported_at=self.now,
            reporter_org=self.organisation,
            assessment=_choice(row, "assessment", ASSESSMENTS, ""),
            persons_count=self.persons(row),
            police_report_made=_choice(row, "police_report", YES_NO, None),
            visibility=_choice(row, "visibility", VISIBILITIES, Visibility.PARTNERS),
            status=Status.NEW,
        )
        # coordinates without a stated precision: checked for default points in coarsen_default_points
        stated = (row.get("precision") or "").strip()
        incident._precision_defaulted = bool((row.get("lat") or "").strip()) and not stated
        return incident


STACKED = 10  # rows at the very same point without a stated precision: a default point, not ten exact ones
CENTROID_M = 150  # a point this close to the municipality's centroid is taken for the centroid


def coarsen_default_points(incidents: list[Incident]) -> list[str]:
    """Rows that gave coordinates but no precision are stored as exact; this catches the two ways such a file
    is wrong (before anything is stored): ``STACKED`` or more rows on the very same point without a named place
    (a reporting tool's default point: stored as *district*) and points at the municipality's centroid (stored
    as *municipality*, so they are counted but not placed on the map). Returns the warnings for the report."""
    defaulted = [i for i in incidents if getattr(i, "_precision_defaulted", False)]
    warnings: list[str] = []
    centroid = [i for i in defaulted if _near_centroid(i)]
    for incident in centroid:
        incident.precision = Precision.MUNICIPALITY
    if centroid:
        warnings.append(_("%(n)s rows without a precision lie at the municipality's centre point: stored as "
                          "located to the municipality only") % {"n": len(centroid)})  # fmt: skip
    stacks: dict[tuple[float, float], list[Incident]] = {}
    for incident in defaulted:
        if incident.precision == Precision.EXACT and incident.place_id is None:
            stacks.setdefault((round(incident.lat, 6), round(incident.lon, 6)), []).append(incident)
    for (lat, lon), group in stacks.items():
        if len(group) >= STACKED:
            for incident in group:
                incident.precision = Precision.DISTRICT
            warnings.append(_("%(n)s rows without a precision share the point %(lat)s, %(lon)s: stored as located to "
                              "the area, not exactly") % {"n": len(group), "lat": lat, "lon": lon})  # fmt: skip
    return warnings


def _near_centroid(incident: Incident) -> bool:
    m = incident.municipality
    if m is None or m.centroid_lat is None:
        return False
    dy = (incident.lat - m.centroid_lat) * 111_320
    dx = (incident.lon - m.centroid_lon) * 111_320 * math.cos(math.radians(m.centroid_lat))
    return math.hypot(dx, dy) <= CENTROID_M


def import_reports(
    records: Iterable[tuple[int, Any]],
    organisation: Organisation,
    source: str,
    *,
    allow_names: bool = False,
    dry_run: bool = False,
    actor: Any = "import_incidents",
) -> ImportReport:
    """Import a partner's CSV rows as incidents; idempotent by (organisation, id).

    Rows are validated first and the valid ones written in one transaction, each with its "created" entry in
    the audit log (by ``actor``) and one "import" entry for the file, so a failure while writing leaves
    nothing half-imported. With ``dry_run``
    nothing is written and ``created`` counts what would be.
    """
    report = ImportReport(source=source)
    reader = RowReader(organisation, allow_names=allow_names)
    prefix = external_id(organisation, "")
    existing = set(
        Incident.objects.filter(source=Source.CSV, external_id__startswith=prefix).values_list("external_id", flat=True)
    )
    seen: dict[str, int] = {}
    valid: list[Incident] = []
    for line, row in records:
        if isinstance(row, ReadError):
            report.reject(row.line, str(row))
            continue
        report.read += 1
        try:
            key = external_id(organisation, (row.get("id") or "").strip())
            if key in seen and key != prefix:
                raise RecordError(
                    _("duplicate id %(id)r (first seen on line %(line)d)")
                    % {"id": row["id"].strip(), "line": seen[key]}
                )
            seen[key] = line
            if key in existing:
                report.already_present += 1
                continue
            valid.append(reader.incident(row))
        except RecordError as exc:
            report.reject(line, str(exc))
    report.warnings += coarsen_default_points(valid)
    report.created = len(valid)
    if not dry_run:
        with transaction.atomic():
            created = Incident.objects.bulk_create(valid, batch_size=500)
            log.record_many(actor, "create", created, summary=f"CSV import: {source}"[:300], fields=AUDITED_FIELDS)
            log.record(
                actor,
                "import",
                object_type="incidents.incident",
                summary=f"{organisation.slug}: {report.summary()}",
                changes={"organisation": organisation.slug, "created": report.created,
                         "rejected": len(report.rejected)},
            )  # fmt: skip
    return report
