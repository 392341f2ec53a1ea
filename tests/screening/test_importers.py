"""Watch-list, FollowTheMoney and registry imports: real OFAC file, re-import differences, bad records."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.screening.conftest import OFAC_ROWS, csv_bytes
from trygg.core.importing import open_binary
from trygg.screening.importers import export_ftm, import_ftm, import_ofac, import_registry
from trygg.screening.models import Dataset, Entity, Relation

pytestmark = pytest.mark.django_db


def test_the_real_ofac_list(base_data, shared_data):
    path = shared_data / "watchlists" / "ofac_sdn_2024-05-03.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        expected = sum(1 for row in csv.reader(fh) if len(row) == 12)
    with open_binary(path) as fh:
        report = import_ofac(fh, "OFAC SDN", "2024-05-03")
    assert report.ok and report.added == expected == 14965
    bank = Entity.objects.get(dataset__name="OFAC SDN", key="306")
    assert bank.name == "BANCO NACIONAL DE CUBA" and "BNC" in bank.aliases and bank.schema == "Company"
    abbas = Entity.objects.get(dataset__name="OFAC SDN", key="2674")
    assert abbas.schema == "Person" and abbas.birth_date == "1948-12-10"
    several = Entity.objects.get(dataset__name="OFAC SDN", key="2686")  # "SDGT] [SYRIA" in the file
    assert several.properties["program"] == "SDGT, SYRIA"
    with open_binary(path) as fh:
        again = import_ofac(fh, "OFAC SDN", "2024-05-03")
    assert (again.added, again.changed, again.removed, again.already_present) == (0, 0, 0, expected)


def test_a_reimport_reports_added_changed_and_removed(base_data):
    import_ofac(csv_bytes(OFAC_ROWS), "Lista")
    changed = [list(OFAC_ROWS[0]), ["9003", "NEW CO", "-0-", "X", *["-0- "] * 8]]
    changed[0][1] = "NORDSJO HOLDINGS LIMITED"
    report = import_ofac(csv_bytes(changed), "Lista")
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    assert set(Entity.objects.filter(dataset__name="Lista").values_list("key", flat=True)) == {"9001", "9003"}


def test_bad_sdn_rows_are_rejected_with_their_line_and_nothing_is_stored(base_data):
    import_ofac(csv_bytes(OFAC_ROWS), "Lista")
    before = sorted(Entity.objects.filter(dataset__name="Lista").values_list("key", "name"))
    rows = [OFAC_ROWS[0], ["x", "NAME", "-0-"], ["77", "", "-0-", *["-0- "] * 9], ["78", "A", "ship", *["-0- "] * 9]]
    report = import_ofac(csv_bytes(rows), "Lista")
    assert [(r.line, r.reason.split(" ")[0]) for r in report.rejected] == [(2, "väntade"), (3, "namnet"), (4, "okänd")]
    assert not report.stored and report.added == report.removed == 0
    # a truncated re-sync does not shrink the list: the party missing from the file is still there
    assert sorted(Entity.objects.filter(dataset__name="Lista").values_list("key", "name")) == before
    assert len(before) == 2


def test_a_nul_character_is_rejected_at_its_line_and_the_list_is_unchanged(base_data):
    """A damaged file with a NUL (which PostgreSQL cannot store) is refused with its line, not a database error."""
    import_ofac(csv_bytes(OFAC_ROWS), "Lista")
    before = sorted(Entity.objects.filter(dataset__name="Lista").values_list("key", "name", "properties"))
    damaged = [list(row) for row in OFAC_ROWS]
    damaged[1][3] = "SDGT\x00"
    report = import_ofac(csv_bytes(damaged), "Lista")
    assert [(r.line, "NUL" in r.reason) for r in report.rejected] == [(2, True)] and not report.stored
    assert sorted(Entity.objects.filter(dataset__name="Lista").values_list("key", "name", "properties")) == before
    line = json.dumps({"id": "nul-1", "schema": "Person", "properties": {"name": ["A\u0000B"]}})
    report = import_ftm(io.BytesIO(line.encode()), "FtM")
    assert [(r.line, "NUL" in r.reason) for r in report.rejected] == [(1, True)]
    assert not Entity.objects.filter(key="nul-1").exists()


def test_followthemoney_round_trip(base_data):
    lines = [
        {
            "id": "c1",
            "schema": "Company",
            "properties": {
                "name": ["Vänerhamn Trading AB"],
                "registrationNumber": ["556036-0793"],
                "incorporationDate": ["2012-01-01"],
            },
        },
        {"id": "p1", "schema": "Person", "properties": {"name": ["Lars Holm"], "birthDate": ["1970-05-05"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["60"]}},
        {
            "id": "d1",
            "schema": "Directorship",
            "properties": {"director": ["p1"], "organization": ["c1"], "role": ["CEO"], "startDate": ["2020-01-01"]},
        },
        {"id": "t1", "schema": "Thing", "properties": {}},
    ]
    stream = io.BytesIO("\n".join(json.dumps(line) for line in lines).encode())
    report = import_ftm(stream, "FtM test", kind="registry")
    assert report.added == 2 and report.relations == 2 and report.skipped == 1 and report.ok
    company = Entity.objects.get(key="c1")
    assert company.org_number == "556036-0793"
    owner = Relation.objects.get(role="owner")
    assert owner.share == 60 and owner.source.name == "Lars Holm"
    assert Relation.objects.get(role="ceo").valid_from.isoformat() == "2020-01-01"
    relations = Relation.objects.select_related("source", "target")
    exported = list(export_ftm(Entity.objects.filter(dataset__name="FtM test"), relations))
    schemata = sorted(obj["schema"] for obj in exported)
    assert schemata == ["Company", "Directorship", "Ownership", "Person"]
    ownership = next(obj for obj in exported if obj["schema"] == "Ownership")
    assert ownership["properties"]["percentage"] == ["60"]
    lines.append({"id": "x", "schema": "Directorship", "properties": {"director": ["nobody"], "organization": ["c1"]}})
    again = import_ftm(io.BytesIO("\n".join(json.dumps(line) for line in lines).encode()), "FtM test", kind="registry")
    assert [r.line for r in again.rejected] == [6] and "nobody" in again.rejected[0].reason and not again.stored


def test_registry_csv_rejects_bad_identifiers_with_line_numbers(base_data):
    companies = csv_bytes(
        [
            {
                "org_number": "556036-0793",
                "name": "Bra AB",
                "registered_on": "2020-01-01",
                "address": "Storgatan 1",
                "postal_code": "652 25",
                "city": "Karlstad",
            },
            {"org_number": "556036-0794", "name": "Fel AB"},
            {"org_number": "556036-0793x", "name": "Fel AB"},
        ],
        ["org_number", "name", "registered_on", "address", "postal_code", "city"],
    )
    roles = csv_bytes(
        [
            {"org_number": "556036-0793", "role": "ceo", "name": "Anna", "personal_number": "811228-9874"},
            {"org_number": "556036-0793", "role": "emperor", "name": "Bo"},
            {"org_number": "556036-0793", "role": "owner", "name": "Cia", "personal_number": "811228-9875"},
        ],
        ["org_number", "role", "name", "personal_number"],
    )
    report = import_registry(companies, roles, "Reg")
    assert not report.stored and not Dataset.objects.filter(name="Reg").exists()
    companies_rejected = {r.line: r.reason for r in report.rejected if r.reason.startswith("companies:")}
    roles_rejected = {r.line: r.reason for r in report.rejected if r.reason.startswith("roles:")}
    assert set(companies_rejected) == {3, 4} and all("org_number" in r for r in companies_rejected.values())
    assert "okänd roll 'emperor'" in roles_rejected[3]
    assert "kontrollsiffra" in roles_rejected[4]


def test_commands_report_and_exit_non_zero_on_rejections(base_data, tmp_path):
    good = tmp_path / "sdn.csv"
    good.write_bytes(csv_bytes(OFAC_ROWS).getvalue())
    out = io.StringIO()
    call_command("import_watchlist", str(good), "--format", "ofac", stdout=out)
    assert "tillagda 2" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([*OFAC_ROWS, ["x"]]).getvalue())
    with pytest.raises(CommandError) as excinfo:
        call_command("import_watchlist", str(bad), "--format", "ofac", stdout=io.StringIO(), stderr=io.StringIO())
    assert excinfo.value.returncode == 1 and "inget sparades" in str(excinfo.value)
    target = tmp_path / "out.jsonl"
    call_command("export_ftm", "OFAC SDN", "-o", str(target), stdout=io.StringIO())
    exported = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert {e["properties"]["name"][0] for e in exported} == {"NORDSJO HOLDING LTD", "AHMADI, Reza"}
    assert Dataset.objects.get(name="OFAC SDN").kind == "watchlist"


def test_an_own_list_upload_with_a_bad_row_stores_nothing_and_says_so(officer):
    client = officer("orebro.granskare")
    columns = ["name", "org_number", "personal_number", "birth_date", "flag", "date", "reference"]
    first = csv_bytes([{"name": "Krogen Kanalen AB", "org_number": "556036-0793", "flag": "refused"}], columns)
    first.name = "lista.csv"
    assert client.post("/granskning/listor/", {"name": "Egen", "file": first}).status_code == 302
    before = sorted(Entity.objects.filter(dataset__name="Egen").values_list("key", "name", "flag"))
    rows = [{"name": "Nytt Namn AB", "org_number": "556036-0793", "flag": "revoked"},
            {"name": "Bo Ek", "flag": "suspected"}]  # fmt: skip
    second = csv_bytes(rows, columns)
    second.name = "lista.csv"
    response = client.post("/granskning/listor/", {"name": "Egen", "file": second})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Inget sparades" in text and "rad 3:" in text and "line 3" not in text
    assert sorted(Entity.objects.filter(dataset__name="Egen").values_list("key", "name", "flag")) == before


@pytest.mark.parametrize("share", [0.3, 0.6, None], ids=["at 30 %", "at 60 %", "at a line end"])
def test_a_truncated_ofac_download_does_not_shrink_the_list(base_data, shared_data, tmp_path, share):
    real = (shared_data / "watchlists" / "ofac_sdn_2024-05-03.csv").read_bytes()
    first = tmp_path / "sdn.csv"
    first.write_bytes(real)
    call_command("import_watchlist", str(first), "--format", "ofac", stdout=io.StringIO())
    before = sorted(Entity.objects.filter(dataset__name="OFAC SDN").values_list("key", "name", "properties"))
    # a cut inside a record (often inside a quoted remark), or at a line end: valid CSV, half the list
    cut = int(len(real) * share) if share else real.rindex(b"\n", 0, len(real) // 2) + 1
    truncated = tmp_path / "cut.csv"
    truncated.write_bytes(real[:cut])
    with pytest.raises(CommandError) as excinfo:
        call_command("import_watchlist", str(truncated), "--format", "ofac", stdout=io.StringIO(), stderr=io.StringIO())
    assert excinfo.value.returncode == 1 and "inget sparades" in str(excinfo.value).lower()
    assert sorted(Entity.objects.filter(dataset__name="OFAC SDN").values_list("key", "name", "properties")) == before
    if share is None:  # a list that really shrank goes in when the officer says so
        call_command("import_watchlist", str(truncated), "--format", "ofac", "--allow-removals", stdout=io.StringIO())
        assert Entity.objects.filter(dataset__name="OFAC SDN").count() < len(before) * 0.6
