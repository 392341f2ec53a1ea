"""Foreign owners (issue 25): a Cypriot holding with its own registration number owns 60 % of the applicant and is
on a sanctions list under its name. The registry CSV carries it (before, the whole file was refused; without the
number it became a *person* named "… Ltd"), the web form declares it as a company with its country, and both
the CLI's and the form's case find the listing."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.screening.conftest import Registry, csv_bytes
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import screen
from trygg.screening.importers import import_ofac, import_registry
from trygg.screening.models import Case, Entity

pytestmark = pytest.mark.django_db

OFAC = [["7300", "CASPIAN CREST HOLDINGS LTD", "-0-", "RUSSIA-EO14024", *["-0- "] * 7, "Limassol, Cyprus."]]


@pytest.fixture
def foreign_owner(demo_orgs):
    r = Registry()
    applicant = r.company("Restaurang Kaspian AB", dt.date(2022, 1, 1))
    r.role(applicant, {"name": "Caspian Crest Holdings Ltd", "country": "CY"}, "owner", dt.date(2022, 1, 1), share=60,
           owner_org="HE 412345")  # fmt: skip
    r.role(applicant, {"name": "Nordic Grill Ltd", "country": "GB"}, "owner", dt.date(2022, 1, 1), share=40)
    r.role(applicant, r.person("Sara Lind"), "ceo", dt.date(2022, 1, 1))
    report = import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])),
                             "Register")  # fmt: skip
    assert report.stored, report.rejected
    import_ofac(csv_bytes(OFAC), "OFAC SDN", "2026-11-28")
    crossmatch()
    return {"applicant": applicant, **demo_orgs}


def test_a_foreign_holding_is_a_company_with_its_own_number_and_its_listing_is_found(foreign_owner):
    holding = Entity.objects.get(dataset__name="Register", name="Caspian Crest Holdings Ltd")
    assert holding.schema == "Company" and holding.country == "CY"
    assert holding.properties["registration_number"] == "HE 412345" and holding.org_number == ""
    assert Entity.objects.get(dataset__name="Register", name="Nordic Grill Ltd").schema == "Company"  # no number
    from tests.screening.conftest import case_data
    from trygg.screening.cases import create_case

    run = screen(create_case(case_data(foreign_owner["applicant"], [], reference="FOREIGN CLI")))
    owner = run.findings.get(code="listed_owner")
    assert run.recommendation == "serious" and owner.evidence["effective_share"] == 60.0
    assert "Caspian Crest Holdings Ltd" in owner.summary


def test_the_web_form_declares_a_foreign_company_owner_with_its_country(foreign_owner, officer):
    applicant = foreign_owner["applicant"]
    client = officer()
    response = client.post("/granskning/arenden/nytt/", {
        "municipality": "1780", "kind": "serveringstillstand", "reference": "FOREIGN WEB", "received_on": "2026-11-02",
        "applicant_name": applicant["name"], "applicant_org_number": applicant["org_number"],
        "persons": "Caspian Crest Holdings Ltd; HE 412345; owner; 60; CY\nSara Lind; 1985-04-01; ceo",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(reference="FOREIGN WEB")
    holding = case.parties.get(role="owner").entity
    assert (
        holding.schema == "Company"
        and holding.country == "CY"
        and holding.properties == {"registration_number": "HE 412345"}
    )
    client.post(f"/granskning/arenden/{case.pk}/granska/", {"as_of": "2026-11-02"})
    run = case.runs.first()
    assert run.recommendation == "serious", run.reasons
    assert run.findings.filter(code="watchlist", matched__name="CASPIAN CREST HOLDINGS LTD").exists()
    bad = client.post("/granskning/arenden/nytt/", {
        "municipality": "1780", "kind": "serveringstillstand", "reference": "FOREIGN BAD", "received_on": "2026-11-02",
        "applicant_name": applicant["name"], "applicant_org_number": applicant["org_number"],
        "persons": "Caspian Crest Holdings Ltd; HE 412345; owner; 60; Cyprus",
    })  # fmt: skip
    assert "landet anges med två bokstäver" in bad.content.decode() and not Case.objects.filter(
        reference="FOREIGN BAD").exists()  # fmt: skip


def test_roles_in_swedish_and_findings_with_the_serious_first(foreign_owner, officer):
    applicant = foreign_owner["applicant"]
    client = officer()
    base = {"municipality": "1780", "kind": "serveringstillstand", "received_on": "2026-11-02",
            "applicant_name": applicant["name"], "applicant_org_number": applicant["org_number"]}  # fmt: skip
    persons = "Sara Lind; 1985-04-01; VD\nCaspian Crest Holdings Ltd; HE 412345; ägare; 60; CY"
    response = client.post("/granskning/arenden/nytt/", {**base, "reference": "ROLES SV", "persons": persons})
    assert response.status_code == 302
    case = Case.objects.get(reference="ROLES SV")
    assert sorted(case.parties.values_list("role", flat=True)) == ["applicant", "ceo", "owner"]
    bad = client.post(
        "/granskning/arenden/nytt/", {**base, "reference": "ROLES BAD", "persons": "Sara Lind; 1985-04-01; chef"}
    )
    assert "Rad 1 bland personerna: ”chef” är ingen roll" in bad.content.decode()
    client.post(f"/granskning/arenden/{case.pk}/granska/", {"as_of": "2026-11-02"})
    page = client.get(f"/granskning/arenden/{case.pk}/").content.decode()
    severities = [s for s in ("severity-high", "severity-medium", "severity-low", "severity-info") if s in page]
    assert severities and [page.index(s) for s in severities] == sorted(page.index(s) for s in severities)


OFAC_PERSON = [["7301", "VOLKOV, Dmitrij", "individual", "RUSSIA-EO14024", *["-0- "] * 7, "DOB 02 Feb 1970."]]


def test_a_foreign_company_with_its_own_owners_is_a_link_in_the_chain(demo_orgs):
    """The Cypriot holding is a row of companies.csv under its own number, and a role row names it by that number:
    the listed person owning all of it owns 60 % of the applicant through it."""
    r = Registry()
    applicant = r.company("Restaurang Volga AB", dt.date(2022, 1, 1))
    holding = r.company("Volga Crest Holdings Ltd", dt.date(2019, 1, 1), address="Makariou 1", city="Limassol",
                        country="CY")  # fmt: skip
    holding["org_number"] = "HE 398877"
    r.role(holding, {"name": "Dmitrij Volkov", "birth_date": "1970-02-02", "country": "RU"}, "owner",
           dt.date(2019, 1, 1), share=100)  # fmt: skip
    r.role(applicant, {"name": "Volga Crest Holdings Ltd", "country": "CY"}, "owner", dt.date(2022, 1, 1), share=60,
           owner_org="HE 398877")  # fmt: skip
    r.role(applicant, r.person("Sara Lind"), "ceo", dt.date(2022, 1, 1))
    report = import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])),
                             "Register")  # fmt: skip
    assert report.stored and not report.rejected, report.rejected
    company = Entity.objects.get(dataset__name="Register", name="Volga Crest Holdings Ltd")
    assert company.schema == "Company" and company.country == "CY" and company.org_number == ""
    assert company.properties["registration_number"] == "HE 398877" and "Limassol" in company.address
    assert Entity.objects.filter(dataset__name="Register", name="Volga Crest Holdings Ltd").count() == 1  # one entity
    import_ofac(csv_bytes(OFAC_PERSON), "OFAC SDN", "2026-11-28")
    crossmatch()
    from tests.screening.conftest import case_data
    from trygg.screening.cases import create_case

    run = screen(create_case(case_data(applicant, [], reference="FOREIGN CHAIN")))
    owner = run.findings.get(code="listed_owner")
    assert run.recommendation == "serious" and owner.evidence["effective_share"] == 60.0
    assert "Volga Crest Holdings Ltd" in owner.summary and "Volkov" in owner.summary


def test_a_role_of_an_unknown_foreign_number_is_refused_with_where_and_why(demo_orgs):
    r = Registry()
    applicant = r.company("Restaurang Volga AB", dt.date(2022, 1, 1))
    r.role(applicant, r.person("Sara Lind"), "ceo", dt.date(2022, 1, 1))
    r.roles.append({**r.roles[0], "org_number": "HE 000001"})
    report = import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])),
                             "Register")  # fmt: skip
    assert not report.stored and len(report.rejected) == 1
    line, reason = report.rejected[0].line, report.rejected[0].reason
    assert line == 3 and "HE 000001" not in Entity.objects.values_list("name", flat=True)
    assert "inte heller numret för ett utländskt företag i companies.csv" in reason
