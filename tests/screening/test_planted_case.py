"""The planted case of issue 11: a sanctioned person owns 100 % of a holding that owns 60 % of the applicant; a
24-year-old straw man was made board member and managing director 14 days before the application; 40
companies share the applicant's address; a board member is a namesake of a listed person, born another year."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.screening.conftest import TODAY, Registry, case_data, csv_bytes
from trygg.screening.cases import create_case
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import screen
from trygg.screening.importers import import_ofac, import_registry

pytestmark = pytest.mark.django_db

OFAC = [
    ["7001", "KHRISTOFOROV, Vasiliy Aleksandrovich", "individual", "RUSSIA-EO14024", *["-0- "] * 7,
     "DOB 12 Mar 1972; nationality Russia."],
    ["7002", "AHMADI, Reza", "individual", "IRAN", *["-0- "] * 7, "DOB 12 Mar 1971; nationality Iran."],
]  # fmt: skip


def born_on(name: str, day: dt.date) -> dict:
    """A person with a valid personnummer for the birth date ``day``."""
    from stdnum import luhn

    nine = f"{day:%y%m%d}123"
    return {"name": name, "personal_number": f"{day:%Y%m%d}123{luhn.calc_check_digit(nine)}",
            "birth_date": day.isoformat(), "country": "SE"}  # fmt: skip


@pytest.fixture
def planted(demo_orgs):
    r = Registry()
    old = dt.date(2015, 1, 1)
    address = "Hamngatan 10"
    for i in range(39):  # with the applicant: 40 companies at the address
        r.company(f"Hamnbolaget {i + 1} AB", old, address=address)
    applicant = r.company("Krogen Hamnen AB", TODAY - dt.timedelta(days=500), address=address)
    holding = r.company("Nordlig Invest Holding AB", dt.date(2019, 1, 1), address="Box 100")
    sanctioned = {"name": "Vasiliy Aleksandrovich Khristoforov", "birth_date": "1972-03-12", "country": "RU"}
    r.role(holding, sanctioned, "owner", dt.date(2019, 1, 1), share=100)
    r.role(applicant, {"name": "Nordlig Invest Holding AB", "country": "SE"}, "owner", dt.date(2024, 1, 1), share=60,
           owner_org=holding["org_number"])  # fmt: skip
    minority = r.person("Eva Ek")
    r.role(applicant, minority, "owner", dt.date(2024, 1, 1), share=40)
    straw = born_on("Alex Nyberg", TODAY - dt.timedelta(days=24 * 365 + 100))
    r.role(applicant, straw, "board_member", TODAY - dt.timedelta(days=14))
    r.role(applicant, straw, "ceo", TODAY - dt.timedelta(days=14))
    leaver = r.person("Gunnar Gammal")
    r.role(applicant, leaver, "board_member", old, end=TODAY - dt.timedelta(days=14))
    namesake = r.person("Reza Ahmadi")  # born in the 1980s or later by the generator, not 1971
    r.role(applicant, namesake, "board_member", old)
    for person in (leaver, namesake):
        r.role(r.company(f"{person['name']} Konsult AB", old), person, "board_member", old)
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register")
    import_ofac(csv_bytes(OFAC), "OFAC SDN", "test")
    crossmatch()
    return {"applicant": applicant, "straw": straw, "namesake": namesake, "minority": minority}


def test_the_planted_case_is_serious_for_the_right_reasons(planted):
    persons = [(planted["straw"], "ceo"), (planted["namesake"], "board_member"), (planted["minority"], "owner")]
    case = create_case(case_data(planted["applicant"], persons))
    run = screen(case)
    findings = {f.code: f for f in run.findings.all()}
    assert run.recommendation == "serious"

    owner = findings["listed_owner"]
    assert owner.severity == "high" and owner.kind == "network"
    assert owner.evidence["effective_share"] == 60.0 and owner.evidence["controls"] is True
    assert [step["share"] for step in owner.evidence["chain"]] == [100.0, 60.0]
    assert "äger i praktiken 60 % av sökanden" in owner.summary
    assert "network_link" not in findings  # the same listed person is not reported again as a bare link
    assert any("60 %" in reason for reason in run.reasons)

    straw = findings["straw_man_sign"]
    assert straw.evidence["age"] == 24 and straw.evidence["days_before"] == 14 and straw.evidence["other_roles"] == 0
    assert straw.evidence["roles"] == ["board_member", "ceo"]

    change = findings["recent_board_change"]
    assert change.evidence["persons"] == 2  # the straw man (board seat and CEO: one person) and the leaver

    assert findings["mass_registration_address"].evidence["companies"] == 40

    excluded = findings["excluded_namesake"]
    assert excluded.severity == "info" and excluded.matched.name == "AHMADI, Reza"
    assert excluded.evidence["listed_birth_date"].startswith("1971")
    assert "utesluten" in excluded.summary
    # the score shown is the one the birth dates allow, the names' own likeness kept beside it
    assert excluded.score <= 0.3 < excluded.evidence["features"]["name_score"]
    assert "watchlist" not in findings  # the namesake is not a hit


def test_the_case_page_explains_the_evidence_in_words_and_tables(planted, officer):
    persons = [(planted["straw"], "ceo"), (planted["namesake"], "board_member")]
    case = create_case(case_data(planted["applicant"], persons))
    screen(case)
    page = officer().get(f"/granskning/arenden/{case.pk}/").content.decode()
    assert "Ägarkedja" in page and "Nordlig Invest Holding AB" in page and "60 %" in page
    assert "bulvan" in page and "utesluten som namne" in page
    assert "{'" not in page and "&#x27;:" not in page  # no raw Python dicts


def test_one_straw_man_appointment_alone_is_not_serious_and_founders_are_not_changes(demo_orgs):
    """A new company, founded 118 days ago by two people; a 24-year-old made board member and CEO 14 days before:
    the signs of that one change count as one medium finding together, and the founders are no "changes"."""
    r = Registry()
    founded = TODAY - dt.timedelta(days=118)
    applicant = r.company("Krogen Nystart AB", founded, address="Nygatan 3")
    for name in ("Lena Grund", "Per Grund"):
        r.role(applicant, r.person(name), "board_member", founded)
    straw = born_on("Alex Nyberg", TODAY - dt.timedelta(days=24 * 365 + 100))
    r.role(applicant, straw, "board_member", TODAY - dt.timedelta(days=14))
    r.role(applicant, straw, "ceo", TODAY - dt.timedelta(days=14))
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register")
    run = screen(create_case(case_data(applicant, [(straw, "ceo")])))
    codes = {f.code for f in run.findings.all()}
    assert "straw_man_sign" in codes and "frequent_changes" not in codes
    assert run.recommendation == "lesser", run.reasons


def test_a_share_summed_over_two_chains_shows_both(demo_orgs):
    """A listed person owns 30 % directly and 100 % of a holding that owns 20 %: 50 %, serious, both chains shown."""
    r = Registry()
    applicant = r.company("Krogen Två Vägar AB", TODAY - dt.timedelta(days=900), address="Torget 2")
    holding = r.company("Mellan Holding AB", dt.date(2019, 1, 1), address="Box 7")
    listed = {"name": "Vasiliy Aleksandrovich Khristoforov", "birth_date": "1972-03-12", "country": "RU"}
    r.role(applicant, listed, "owner", dt.date(2024, 1, 1), share=30)
    r.role(holding, listed, "owner", dt.date(2019, 1, 1), share=100)
    r.role(applicant, {"name": "Mellan Holding AB", "country": "SE"}, "owner", dt.date(2024, 1, 1), share=20,
           owner_org=holding["org_number"])  # fmt: skip
    r.role(applicant, r.person("Eva Ek"), "owner", dt.date(2024, 1, 1), share=50)
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register")
    import_ofac(csv_bytes(OFAC), "OFAC SDN", "test")
    crossmatch()
    run = screen(create_case(case_data(applicant, [])))
    owner = run.findings.get(code="listed_owner")
    assert run.recommendation == "serious" and owner.evidence["effective_share"] == 50.0
    assert owner.evidence["chain_count"] == 2 and "genom 2 ägarkedjor" in owner.summary
    assert sorted(len(c) for c in owner.evidence["chains"]) == [1, 2]
