"""Partner reports from CSV: the layout, every kind of bad row, idempotency, dry run and the audit entry."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.audit.models import AuditEvent
from trygg.incidents.models import Incident

pytestmark = pytest.mark.django_db

HEADER = "id;category;occurred;occurred_end;lat;lon;place;precision;description;persons;police_report;visibility"
GOOD = [
    "A-1;klotter;2026-10-03 22:15;;59,3790;13,5040;;exact;Tags på fasaden;;nej;partners",
    "A-2;Samling som stör;2026-10-03T23:40;2026-10-04 00:30;;;Stora torget;;Grupp vid fontänen;6;ja;intern",
    "A-3;nedskrapning;2026-10-04 01:05+02:00;;59.3801;13.5001;;street;;;;",
]


def write(tmp_path, lines, name="log.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run(path, *args, organisation="centrum-karlstad"):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_incidents", path, "--organisation", organisation, *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def test_good_rows_are_stored_as_the_file_says(tmp_path, demo_orgs):
    code, out, _ = run(write(tmp_path, [HEADER, *GOOD]))
    assert code == 0 and "created 3" in out
    rows = {i.external_id: i for i in Incident.objects.filter(source="csv")}
    assert set(rows) == {"centrum-karlstad:A-1", "centrum-karlstad:A-2", "centrum-karlstad:A-3"}
    first, second, third = rows["centrum-karlstad:A-1"], rows["centrum-karlstad:A-2"], rows["centrum-karlstad:A-3"]
    stockholm = ZoneInfo("Europe/Stockholm")
    assert first.occurred_start == dt.datetime(2026, 10, 3, 22, 15, tzinfo=stockholm)
    assert (first.lat, first.lon, first.precision) == (59.379, 13.504, "exact")
    assert first.municipality_id == "1780" and first.county_id == "17"
    assert first.reporter_org.slug == "centrum-karlstad" and first.police_report_made is False
    assert first.category.code == "klotter" and first.visibility == "partners"
    assert second.category.code == "samling_som_stor"
    assert second.place.name == "Stora torget" and second.persons_count == 6 and second.police_report_made is True
    assert second.visibility == "internal"
    assert second.occurred_end == dt.datetime(2026, 10, 4, 0, 30, tzinfo=stockholm)
    assert third.occurred_start == dt.datetime(2026, 10, 3, 23, 5, tzinfo=dt.UTC)
    assert third.precision == "street" and third.police_report_made is None


def test_reimport_creates_nothing_and_says_so(tmp_path, demo_orgs):
    path = write(tmp_path, [HEADER, *GOOD])
    run(path)
    code, out, _ = run(path)
    assert code == 0
    assert "created 0" in out and "already present 3" in out and "nothing new" in out
    assert Incident.objects.filter(source="csv").count() == 3


def test_the_same_ids_from_another_partner_are_other_incidents(tmp_path, demo_orgs):
    path = write(tmp_path, [HEADER, *GOOD])
    run(path)
    code, out, _ = run(path, organisation="fastighetsagarna")
    assert code == 0 and "created 3" in out
    assert Incident.objects.filter(source="csv", reporter_org__slug="fastighetsagarna").count() == 3


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (";klotter;2026-10-03 22:15;;59.379;13.504;;;;;;", "'id' is empty"),
        ("B;fyrverkerier;2026-10-03 22:15;;59.379;13.504;;;;;;", "unknown category 'fyrverkerier'"),
        ("B;klotter;2026-10-03;;59.379;13.504;;;;;;", "needs a date and a time"),
        ("B;klotter;3 okt kl 22;;59.379;13.504;;;;;;", "is not a date and time"),
        ("B;klotter;2099-01-01 10:00;;59.379;13.504;;;;;;", "in the future"),
        ("B;klotter;2026-10-03 22:15;2026-10-03 21:00;59.379;13.504;;;;;;", "before 'occurred'"),
        ("B;klotter;2026-10-03 22:15;;59.379;;;;;;;", "give both 'lat' and 'lon'"),
        ("B;klotter;2026-10-03 22:15;;norr;13.504;;;;;;", "'lat' is not a number"),
        ("B;klotter;2026-10-03 22:15;;95;13.504;;;;;;", "'lat' must be between"),
        ("B;klotter;2026-10-03 22:15;;59.2727;15.2130;;;;;;", "outside the municipalities where Centrum Karlstad"),
        ("B;klotter;2026-10-03 22:15;;;;Stortorget;;;;;", "no named place 'Stortorget'"),
        ("B;klotter;2026-10-03 22:15;;;;;;;;;", "say where"),
        ("B;klotter;2026-10-03 22:15;;59.379;13.504;;overallt;;;;", "'precision' must be one of"),
        ("B;klotter;2026-10-03 22:15;;59.379;13.504;;;;många;;", "'persons' must be a whole number"),
        ("B;klotter;2026-10-03 22:15;;59.379;13.504;;;;;kanske;", "'police_report' must be one of"),
        ("B;klotter;2026-10-03 22:15;;59.379;13.504;;;;;;alla", "'visibility' must be one of"),
        ("B;klotter;2026-10-03 22:15;;59.379;13.504;;;Gärningsman 811228-9874;;;", "personal identity number"),
        ("B;klotter;2026-10-03 22:15;;59.379;13.504;;;Anna Svensson sprayade;;;", "seems to name a person"),
    ],
)
def test_a_bad_row_is_rejected_with_line_and_reason_and_the_rest_is_imported(tmp_path, demo_orgs, row, reason):
    code, out, err = run(write(tmp_path, [HEADER, GOOD[0], row, GOOD[2]]))
    assert code == 1
    rejected = [line for line in err.splitlines() if line.startswith("rejected line")]
    assert len(rejected) == 1 and rejected[0].startswith("rejected line 3: ") and reason in rejected[0], err
    assert "created 2" in out and "rejected 1" in out
    assert Incident.objects.filter(source="csv").count() == 2


def test_an_ambiguous_place_name_is_refused(tmp_path, demo_orgs):
    row = "C;klotter;2026-10-03 22:15;;;;Centrum;;;;;"  # "Centrum" exists in Karlstad and in Örebro
    code, _, err = run(write(tmp_path, [HEADER, row]), organisation="fastighetsagarna")
    assert code == 1 and "line 2: the place name 'Centrum' is ambiguous" in err


def test_names_can_be_allowed_after_a_check_but_identity_numbers_never(tmp_path, demo_orgs):
    named = "N;klotter;2026-10-03 22:15;;59.379;13.504;;;Klotter på Maria Kyrkogata;;;"
    numbered = "P;klotter;2026-10-03 22:15;;59.379;13.504;;;Ägare 811228-9874;;;"
    code, out, err = run(write(tmp_path, [HEADER, named, numbered]), "--allow-names")
    assert code == 1 and "created 1" in out and "line 3:" in err
    assert Incident.objects.get(source="csv").external_id == "centrum-karlstad:N"


def test_a_duplicate_id_in_the_file_is_rejected_the_second_time(tmp_path, demo_orgs):
    code, _, err = run(write(tmp_path, [HEADER, GOOD[0], GOOD[0]]))
    assert code == 1 and "line 3: duplicate id 'A-1' (first seen on line 2)" in err
    assert Incident.objects.filter(source="csv").count() == 1


def test_dry_run_checks_everything_and_writes_nothing(tmp_path, demo_orgs):
    before = AuditEvent.objects.count()
    code, out, _ = run(write(tmp_path, [HEADER, *GOOD]), "--dry-run")
    assert code == 0 and "check only" in out and "created 3" in out
    assert not Incident.objects.filter(source="csv").exists()
    assert AuditEvent.objects.count() == before


def test_an_import_is_written_to_the_audit_log(tmp_path, demo_orgs):
    run(write(tmp_path, [HEADER, *GOOD]))
    event = AuditEvent.objects.filter(action="import", actor_label="import_incidents").latest("pk")
    assert event.changes == {"organisation": "centrum-karlstad", "created": 3, "rejected": 0}
    created = AuditEvent.objects.filter(action="create", object_type="incidents.incident")
    assert sorted(int(e.object_id) for e in created) == sorted(
        Incident.objects.filter(source="csv").values_list("pk", flat=True)
    )
    assert {e.actor_label for e in created} == {"import_incidents"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["id;category;lat;lon", "1;klotter;59.379;13.504"], "missing column(s): occurred"),
        ([], "missing column(s): id, category, occurred"),
    ],
)
def test_a_file_without_the_required_columns_stops_before_anything_is_written(tmp_path, demo_orgs, lines, message):
    code, _, err = run(write(tmp_path, lines or [""]))
    assert code == 1 and message in err
    assert not Incident.objects.filter(source="csv").exists()


def test_unknown_organisation_and_missing_file_are_clear_errors(tmp_path, demo_orgs):
    code, _, err = run(write(tmp_path, [HEADER, *GOOD]), organisation="nobody")
    assert code == 1 and "no organisation 'nobody'" in err
    code, _, err = run(str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv" in err


def test_imported_reports_follow_the_visibility_rules(tmp_path, demo_orgs, login):
    run(write(tmp_path, [HEADER, *GOOD]))
    internal = Incident.objects.get(external_id="centrum-karlstad:A-2")
    other_org = login(demo_orgs["users"]["city.orebro"])
    assert other_org.get(f"/incidents/{internal.pk}/").status_code in (403, 404)


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused_whole(tmp_path, demo_orgs):
    path = tmp_path / "binary.csv"
    path.write_bytes(HEADER.encode() + b"\n\x81\x8d\x90;klotter\n")  # bytes undefined in Windows-1252
    code, _, err = run(str(path))
    assert code == 1 and "neither UTF-8 nor Windows-1252" in err
    assert not Incident.objects.filter(source="csv").exists()


def test_default_points_without_a_precision_are_not_stored_as_exact(tmp_path, demo_orgs):
    """Twelve rows on the very same point and two at Karlstad's centroid, all without a precision: a reporting
    tool's default point and the municipality's centre are not exact places (they would make a hot spot)."""
    from trygg.orgs.models import Municipality

    karlstad = Municipality.objects.get(code="1780")
    stacked = [f"S-{i};klotter;2026-10-0{1 + i % 9} 12:00;;59.379100;13.503900;;;;;;" for i in range(12)]
    centre = [f"C-{i};klotter;2026-10-02 12:00;;{karlstad.centroid_lat:.6f};{karlstad.centroid_lon:.6f};;;;;;"
              for i in range(2)]  # fmt: skip
    spread = [f"E-{i};klotter;2026-10-03 12:00;;59.37{80 + i};13.50{10 + i};;;;;;" for i in range(3)]
    stated = [f"X-{i};klotter;2026-10-04 12:00;;59.379100;13.503900;;exact;;;;" for i in range(10)]
    code, out, _ = run(write(tmp_path, [HEADER, *stacked, *centre, *spread, *stated]))
    assert code == 0 and "created 27" in out
    precision = dict(Incident.objects.filter(source="csv").values_list("external_id", "precision"))
    assert {precision[f"centrum-karlstad:S-{i}"] for i in range(12)} == {"district"}
    assert {precision[f"centrum-karlstad:C-{i}"] for i in range(2)} == {"municipality"}
    assert {precision[f"centrum-karlstad:E-{i}"] for i in range(3)} == {"exact"}
    assert {precision[f"centrum-karlstad:X-{i}"] for i in range(10)} == {"exact"}  # stated by the partner: kept
    assert "12 rows without a precision share the point 59.3791, 13.5039" in out
    assert "2 rows without a precision lie at the municipality's centre point" in out
