"""Company status, bankruptcies and trading bans, and relatives of listed people (issue 25): the same two people
whose restaurant went bankrupt in May open a new one at the same address in September; a managing director with a
trading ban on the cooperation's list; the brother of a sanctioned person as managing director, read from an FtM
file whose Sanction names the programme; what an FtM file holds that Trygg does not use is counted and named."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from tests.screening.conftest import Registry, case_data, csv_bytes
from trygg.screening.cases import create_case
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import screen, similar_names
from trygg.screening.importers import import_ftm, import_own_list, import_registry
from trygg.screening.models import Entity, Relation

pytestmark = pytest.mark.django_db

APPLIED = dt.date(2026, 11, 2)
COLUMNS = ["org_number", "name", "registered_on", "address", "postal_code", "city", "country", "status",
           "status_date"]  # fmt: skip


def registry_import(r: Registry) -> None:
    import_registry(csv_bytes(r.companies, COLUMNS), csv_bytes(r.roles, list(r.roles[0])), "Register")


def received(applicant, persons, day=APPLIED, reference="BAN 1"):
    return create_case({**case_data(applicant, persons, reference=reference), "received_on": day.isoformat()})


def test_the_same_people_at_the_same_address_after_a_bankruptcy_is_a_phoenix(demo_orgs):
    r = Registry()
    lena, per = r.person("Lena Åkesson"), r.person("Per Åkesson")
    old = r.company("Krogen Vid Ån AB", dt.date(2019, 3, 1), address="Ågatan 4")
    old |= {"status": "konkurs", "status_date": "2026-05-12"}
    new = r.company("Nya Krogen Vid Ån AB", dt.date(2026, 9, 1), address="Ågatan 4")
    for person in (lena, per):
        r.role(old, person, "board_member", dt.date(2019, 3, 1))
        r.role(new, person, "board_member", dt.date(2026, 9, 1))
    elsewhere = r.company("Annan Krog AB", dt.date(2015, 1, 1), address="Ågatan 4")
    elsewhere |= {"status": "bankrupt", "status_date": "2025-02-01"}
    long_ago = r.company("Gamla Krogen Vid Ån AB", dt.date(2010, 1, 1), address="Torget 1")
    long_ago |= {"status": "bankrupt", "status_date": "2021-01-10"}  # more than three years before
    r.role(long_ago, lena, "board_member", dt.date(2010, 1, 1))
    registry_import(r)
    assert Entity.objects.get(name="Krogen Vid Ån AB").properties == {"status": "bankrupt", "status_date": "2026-05-12"}
    run = screen(received(new, [(lena, "board_member"), (per, "board_member")]))
    findings = {f.code: f for f in run.findings.all()}
    assert run.recommendation == "serious", run.reasons
    phoenix = findings["phoenix"]
    assert phoenix.severity == "high" and phoenix.evidence["company"] == "Krogen Vid Ån AB"
    assert phoenix.evidence["shared"] == ["Lena Åkesson", "Per Åkesson"] and phoenix.evidence["same_address"]
    assert "gick i konkurs 2026-05-12 (174 dagar, ungefär 6 månader före ansökan)" in phoenix.summary
    assert "samma adress och liknande namn" in phoenix.summary
    assert [f.evidence["company"] for f in run.findings.filter(code="phoenix")] == ["Krogen Vid Ån AB"]
    at_address = findings["bankruptcy_at_address"]  # another company at the address, no shared people: low
    assert at_address.severity == "low" and at_address.evidence["company"] == "Annan Krog AB"


def test_a_status_the_importer_does_not_know_refuses_the_file_with_its_line(demo_orgs):
    r = Registry()
    company = r.company("Otydlig AB", dt.date(2020, 1, 1))
    company |= {"status": "vilande?", "status_date": ""}
    r.role(company, r.person("Eva Ek"), "ceo", dt.date(2020, 1, 1))
    report = import_registry(csv_bytes(r.companies, COLUMNS), csv_bytes(r.roles, list(r.roles[0])), "Register")
    assert not report.stored and "rad 2" in str(report.rejected[0]) and "vilande?" in str(report.rejected[0])
    assert not Entity.objects.filter(name="Otydlig AB").exists()


def banned_managing_director(demo_orgs) -> tuple[dict, dict]:
    """A café whose managing director is on Karlstad's own list with a trading ban (its date and reference)."""
    r = Registry()
    banned = r.person("Tomas Förbud")
    applicant = r.company("Kaféet Hörnet AB", dt.date(2018, 1, 1))
    r.role(applicant, banned, "ceo", dt.date(2018, 1, 1))
    registry_import(r)
    own = csv_bytes([{"name": banned["name"], "personal_number": banned["personal_number"], "flag": "näringsförbud",
                      "date": "2025-06-01", "reference": "Kronofogden 2025/77"}],
                    ["name", "personal_number", "flag", "date", "reference"])  # fmt: skip
    report = import_own_list(own, "Karlstads lista", owner=demo_orgs["orgs"]["karlstads-kommun"])
    assert report.stored and Entity.objects.get(dataset__name="Karlstads lista").flag == "trading_ban"
    crossmatch()
    return applicant, banned


def test_a_managing_director_with_a_trading_ban_is_serious(demo_orgs):
    applicant, banned = banned_managing_director(demo_orgs)
    run = screen(received(applicant, [(banned, "ceo")]))
    ban = run.findings.get(code="trading_ban")
    assert run.recommendation == "serious" and ban.severity == "high"
    assert "näringsförbud" in ban.summary and "2025-06-01" in ban.summary


def test_a_trading_ban_found_through_the_registry_is_named_with_its_date_and_reference(demo_orgs):
    """The banned managing director is not declared in the application; the registry names him: the finding
    says what the list holds him for, not only that he is on a list (officer's walk, 2026-12-07)."""
    applicant, _banned = banned_managing_director(demo_orgs)
    run = screen(received(applicant, []))
    links = [f for f in run.findings.all() if f.kind == "network" or f.code == "listed_owner"]
    assert links, [f.summary for f in run.findings.all()]
    assert "(Karlstads lista: näringsförbud 2025-06-01, Kronofogden 2025/77)" in links[0].summary


def ftm_line(id_, schema, **props) -> dict:
    return {"id": id_, "schema": schema, "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}}


def test_ftm_keeps_status_sanctions_and_family_and_names_what_it_skips(demo_orgs):
    watch = [
        ftm_line("p-ivan", "Person", name="Ivan Petrov", birthDate="1968-04-02", topics="sanction"),
        ftm_line("s-ivan", "Sanction", entity="p-ivan", authority="Europeiska unionens råd",
                 program="EU 269/2014 (Ukraina)", startDate="2022-03-15", reason="Stöd till ..."),
        ftm_line("n-1", "Note", entity="p-ivan", description="an analyst's note"),
    ]  # fmt: skip
    report = import_ftm(io.BytesIO("\n".join(json.dumps(o) for o in watch).encode()), "EU-listan", kind="watchlist")
    assert report.stored and report.extra["skipped"] == {"Note": 1}
    assert any("1 × Note" in w for w in report.warnings)
    ivan = Entity.objects.get(dataset__name="EU-listan", key="p-ivan")
    assert ivan.flag == "sanction" and ivan.properties["sanctions"][0]["program"] == "EU 269/2014 (Ukraina)"
    assert ivan.properties["sanctions"][0]["start"] == "2022-03-15"

    registry = [
        ftm_line("c-bar", "Company", name="Baren Hamnen AB", status="active", incorporationDate="2021-01-01"),
        ftm_line("c-old", "Company", name="Hamnbaren AB", status="in liquidation", dissolutionDate="2026-06-30"),
        ftm_line("p-dmitri", "Person", name="Dmitri Petrov", birthDate="1975-09-09"),
        ftm_line("p-ivan-r", "Person", name="Ivan Petrov", birthDate="1968-04-02"),
        ftm_line("d-1", "Directorship", director="p-dmitri", organization="c-bar", role="CEO",
                 startDate="2021-01-01"),
        ftm_line("f-1", "Family", person="p-dmitri", relative="p-ivan-r", relationship="brother"),
        ftm_line("u-1", "UnknownLink", subject="p-dmitri", object="c-old", role="friend"),
    ]  # fmt: skip
    report = import_ftm(io.BytesIO("\n".join(json.dumps(o) for o in registry).encode()), "FtM-register",
                        kind="registry")  # fmt: skip
    assert report.stored and report.extra["skipped"] == {"UnknownLink (friend)": 1}
    assert Entity.objects.get(key="c-old").properties["status"] == "liquidation"
    assert Entity.objects.get(key="c-old").properties["status_date"] == "2026-06-30"
    family = Relation.objects.get(key="f-1")
    assert family.role == "relative" and family.detail == "brother"
    crossmatch()
    bar = Entity.objects.get(key="c-bar")
    dmitri = {"name": "Dmitri Petrov", "birth_date": "1975-09-09", "personal_number": "", "country": ""}
    person = {"name": dmitri["name"], "birth_date": dmitri["birth_date"], "role": "ceo"}
    values = {"municipality": "1780", "kind": "serveringstillstand", "reference": "KIN 1",
              "received_on": APPLIED.isoformat(), "applicant": {"name": bar.name}, "persons": [person]}  # fmt: skip
    case = create_case(values)
    run = screen(case)
    kin = [f for f in run.findings.all() if f.code == "listed_relative"]
    assert run.recommendation == "serious", run.reasons
    assert kin and "släkting: brother" in kin[0].summary and "Ivan Petrov" in kin[0].summary


def test_a_sanction_naming_an_entity_not_in_the_file_refuses_it(demo_orgs):
    lines = [ftm_line("s-x", "Sanction", entity="p-nobody", program="X")]
    report = import_ftm(io.BytesIO(json.dumps(lines[0]).encode()), "Lista X", kind="watchlist")
    assert not report.stored and "p-nobody" in str(report.rejected[0])


def test_company_names_alike_once_the_legal_form_is_set_aside():
    assert similar_names("Krogen Vid Ån AB", "Nya Krogen Vid Ån Aktiebolag")
    assert similar_names("Ågårdens Kök AB", "Restaurang Ågården AB")  # the genitive -s; "restaurang" is generic
    assert not similar_names("Restaurang Torget AB", "Restaurang Hamnen AB")
    assert not similar_names("Krogen Vid Ån AB", "Fasadbygg Örebro AB")
    assert not similar_names("AB", "Aktiebolag")


@pytest.mark.django_db
def test_an_unknown_own_list_flag_is_refused_with_the_allowed_ones():
    report = import_own_list(csv_bytes([{"name": "X", "flag": "misstänkt"}], ["name", "flag"]), "Lista")
    assert not report.stored and "trading_ban" in str(report.rejected[0]) and "misstänkt" in str(report.rejected[0])
