"""Every importer, given damaged or hostile input: no traceback, a clear error with its line, and nothing stored
where the import refuses (rows counted before and after)."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.screening.conftest import OFAC_ROWS
from trygg.core.importing import RecordError, iter_json_records
from trygg.incidents.csv_import import import_reports, read_rows
from trygg.incidents.models import Incident
from trygg.incidents.police import import_events
from trygg.screening.importers import import_ftm, import_ofac, import_own_list, import_registry
from trygg.screening.models import Entity, Relation

pytestmark = pytest.mark.django_db

EVENT = {"id": 1, "datetime": "2026-03-01 21:40:00 +01:00", "name": "01 mars 21.40, Skadegörelse, Karlstad",
         "summary": "Klotter", "url": "/x", "type": "Skadegörelse",
         "location": {"name": "Karlstad", "gps": "59.402181,13.511497"}}  # fmt: skip
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)  # control characters and NUL included
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=12
)


def damage(data: bytes, draw_cut: int, junk: bytes) -> bytes:
    """The file cut somewhere, with junk inserted there (a broken download, a bad editor)."""
    cut = draw_cut % (len(data) + 1)
    return data[:cut] + junk + data[cut:]


def counts() -> tuple[int, int, int]:
    return Incident.objects.count(), Entity.objects.count(), Relation.objects.count()


def check_report(report) -> None:
    for rejection in report.rejected:
        assert rejection.line >= 1 and rejection.reason.strip()


def imports_or_refuses_cleanly(run) -> None:
    """``run()`` imports; either it raises a RecordError with a message, or its report names every rejected line —
    and when it refuses (an error, or nothing stored), no row has changed."""
    before = counts()
    try:
        report = run()
    except RecordError as exc:
        assert str(exc).strip() and counts() == before
        return
    check_report(report)
    if not report.stored:
        assert counts() == before


@given(events=st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(EVENT, json_values)), max_size=4),
       cut=st.integers(min_value=0), junk=st.binary(max_size=12), gzipped=st.booleans())  # fmt: skip
def test_police_events(base_data, events, cut, junk, gzipped):
    lines = [json.dumps({**EVENT, "id": 100 + i}) for i in range(3)] + [json.dumps(e, default=str) for e in events]
    data = damage("\n".join(lines).encode(), cut, junk)
    if gzipped:
        data = damage(gzip.compress(data), cut, junk)
    try:
        check_report(import_events(iter_json_records(io.BytesIO(data) if not gzipped else data), "fuzz"))
    except RecordError as exc:
        assert str(exc).strip()


@given(cells=st.lists(st.lists(text, min_size=1, max_size=8), max_size=5), delimiter=st.sampled_from([",", ";", "\t"]),
       cut=st.integers(min_value=0), junk=st.binary(max_size=8), dry_run=st.booleans())  # fmt: skip
def test_partner_csv(demo_orgs, cells, delimiter, cut, junk, dry_run):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["id", "category", "occurred", "lat", "lon", "description"])
    writer.writerow(["A-1", "klotter", "2026-03-01 21:40", "59,3790", "13,5040", "Tags på fasaden"])
    writer.writerows(cells)
    data = damage(out.getvalue().encode("utf-8"), cut, junk)
    before = counts()
    try:
        report = import_reports(read_rows(data), demo_orgs["orgs"]["centrum-karlstad"], "fuzz", dry_run=dry_run)
    except RecordError as exc:
        assert str(exc).strip() and counts() == before
        return
    check_report(report)
    if dry_run:
        assert counts() == before


@given(rows=st.lists(st.lists(text, max_size=13), max_size=4), cut=st.integers(min_value=0), junk=st.binary(max_size=8))
def test_watch_list_resync(base_data, rows, cut, junk):
    good = io.StringIO()
    csv.writer(good).writerows(OFAC_ROWS)
    import_ofac(io.BytesIO(good.getvalue().encode()), "Fuzzlista")
    before = counts()
    out = io.StringIO()
    csv.writer(out).writerows([*OFAC_ROWS, *rows])
    try:
        report = import_ofac(io.BytesIO(damage(out.getvalue().encode(), cut, junk)), "Fuzzlista")
    except RecordError as exc:
        assert str(exc).strip() and counts() == before
        return
    check_report(report)
    if not report.stored:
        assert counts() == before


OWN_COLUMNS = ["name", "org_number", "personal_number", "birth_date", "flag", "date", "reference"]


@given(rows=st.lists(st.dictionaries(st.sampled_from(OWN_COLUMNS), text, max_size=7), max_size=4))
def test_own_list(base_data, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OWN_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    imports_or_refuses_cleanly(lambda: import_own_list(io.BytesIO(out.getvalue().encode()), "Fuzz egen"))


@given(
    companies=st.lists(st.lists(text, max_size=7), max_size=3), roles=st.lists(st.lists(text, max_size=10), max_size=3)
)
def test_registry_csv(base_data, companies, roles):
    c, r = io.StringIO(), io.StringIO()
    csv.writer(c).writerows([["org_number", "name", "registered_on", "address", "postal_code", "city", "country"],
                             ["556036-0793", "Bra AB", "2020-01-01", "Storgatan 1", "652 25", "Karlstad", "SE"],
                             *companies])  # fmt: skip
    csv.writer(r).writerows([["org_number", "role", "personal_number", "name", "birth_date", "country", "share",
                              "valid_from", "valid_to"], *roles])  # fmt: skip
    imports_or_refuses_cleanly(
        lambda: import_registry(io.BytesIO(c.getvalue().encode()), io.BytesIO(r.getvalue().encode()), "Fuzzregister")
    )


FTM_SCHEMATA = ["Person", "Company", "Address", "Ownership", "Directorship", "UnknownLink", "Thing", "Nope"]
FTM_PROPERTIES = ["name", "full", "owner", "asset", "director", "organization", "subject", "object", "role",
                  "percentage", "birthDate", "incorporationDate", "idNumber", "registrationNumber", "addressEntity",
                  "topics", "startDate", "endDate"]  # fmt: skip
ftm_properties = st.dictionaries(st.sampled_from(FTM_PROPERTIES), st.lists(text, max_size=2) | json_values, max_size=6)
ftm_objects = st.fixed_dictionaries(
    {"id": text, "schema": st.sampled_from(FTM_SCHEMATA)}, optional={"properties": ftm_properties}
)


@given(objects=st.lists(ftm_objects, max_size=5), cut=st.integers(min_value=0), junk=st.binary(max_size=8))
def test_followthemoney(base_data, objects, cut, junk):
    data = damage("\n".join(json.dumps(o) for o in objects).encode(), cut, junk)
    imports_or_refuses_cleanly(lambda: import_ftm(io.BytesIO(data), "Fuzz FtM", kind="registry"))
