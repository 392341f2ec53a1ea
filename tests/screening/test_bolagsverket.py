"""Bolagsverket's open API (issue 25, scope 3): the client against a loopback server built from the published
description, the answer read as the API lays it out (the published AB example included), the officer's fetch
for a case kept as a registry extract of the day, and a bankruptcy it reports becoming a finding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.screening.bolagsverket_server import Bolagsverket, company, not_found
from tests.screening.conftest import Registry, case_data, csv_bytes
from trygg.audit.models import AuditEvent
from trygg.screening import bolagsverket
from trygg.screening.bolagsverket import BolagsverketError, Client, company_from_answer
from trygg.screening.cases import create_case, fetch_registry
from trygg.screening.engine import resolve, screen
from trygg.screening.importers import import_registry
from trygg.screening.models import Dataset, Entity

# The published example "organisationer-aktiebolag-svar" (Cykelbolaget AB), in the shape of the schema.
PUBLISHED = {"organisationer": [{
    "organisationsidentitet": {"identitetsbeteckning": "5299999994",
                               "typ": {"kod": "ORGANISATIONSNUMMER", "klartext": "Organisationsnummer"}},
    "namnskyddslopnummer": None,
    "organisationsnamn": {"organisationsnamnLista": [
        {"registreringsdatum": "2020-03-15", "namn": "Cykelbolaget AB",
         "organisationsnamntyp": {"kod": "FORETAGSNAMN", "klartext": "Företagsnamn"}},
        {"registreringsdatum": "2024-03-15", "namn": "Mopedbolaget AB",
         "organisationsnamntyp": {"kod": "SARSKILT_FORETAGSNAMN", "klartext": "Särskilt företagsnamn"}}],
        "fel": None, "dataproducent": "Bolagsverket"},
    "organisationsform": {"kod": "AB", "klartext": "Aktiebolag", "fel": None, "dataproducent": "Bolagsverket"},
    "avregistreradOrganisation": {"avregistreringsdatum": "2023-05-05T00:00:00.000+00:00", "fel": None,
                                  "dataproducent": "Bolagsverket"},
    "avregistreringsorsak": {"kod": "LIAV", "klartext": "Likvidation", "fel": None, "dataproducent": "Bolagsverket"},
    "pagaendeAvvecklingsEllerOmstruktureringsforfarande": {
        "pagaendeAvvecklingsEllerOmstruktureringsforfarandeLista": [
            {"kod": "KK", "klartext": "Konkurs", "fromDatum": "2024-01-26T00:00:00.000+00:00"},
            {"kod": "LI", "klartext": "Likvidation", "fromDatum": "2024-05-26T00:00:00.000+00:00"}],
        "fel": None, "dataproducent": "Bolagsverket"},
    "organisationsdatum": {"registreringsdatum": "2000-01-23", "infortHosScb": "2000-02-03", "fel": None,
                           "dataproducent": "Bolagsverket"},
    "postadressOrganisation": {"postadress": {"postnummer": "12345", "utdelningsadress": "Jobbstigen 2",
                                              "land": "Sverige", "coAdress": "C/o Annat företag",
                                              "postort": "Grönköping"}, "fel": None, "dataproducent": "SCB"},
}]}  # fmt: skip


def test_the_published_example_is_read_as_a_deregistered_company_with_its_procedures():
    c = company_from_answer(PUBLISHED, "5299999994")
    assert c.name == "Cykelbolaget AB" and c.form == "AB" and c.registered_on == dt.date(2000, 1, 23)
    assert c.status == "deregistered" and c.status_date == dt.date(2023, 5, 5)
    assert c.deregistration_reason == "Likvidation"
    assert c.procedures == ("Konkurs från 2024-01-26", "Likvidation från 2024-05-26")
    assert c.address == "C/o Annat företag, Jobbstigen 2, 12345, Grönköping"
    assert c.producers["postadressOrganisation"] == "SCB" and not c.unavailable


def test_bankruptcy_in_progress_active_unknown_and_an_unreachable_source():
    bankrupt = company("5560000001", "Krogen AB", "2020-01-01", "Kajen 1", "65225", "KARLSTAD",
                       procedures=[("KK", "Konkurs", "2026-10-02")])  # fmt: skip
    c = company_from_answer({"organisationer": [bankrupt]}, "5560000001")
    assert c.status == "bankrupt" and c.status_date == dt.date(2026, 10, 2)
    active = company_from_answer({"organisationer": [company("5560000001", "Krogen AB", "2020-01-01", "Kajen 1",
                                                            "65225", "KARLSTAD")]}, "5560000001")  # fmt: skip
    assert active.status == "active" and active.status_date is None
    assert company_from_answer({"organisationer": [not_found("5560000001")]}, "5560000001") is None
    down = {"organisationer": [{"organisationsnamn": {"organisationsnamnLista": [], "dataproducent": "Bolagsverket",
            "fel": {"typ": "OTILLGANGLIG_UPPGIFTSKALLA", "felBeskrivning": "Uppkoppling misslyckades."}}}]}  # fmt: skip
    with pytest.raises(BolagsverketError, match="OTILLGANGLIG_UPPGIFTSKALLA"):
        company_from_answer(down, "5560000001")  # never read as an active company
    with pytest.raises(BolagsverketError, match="organisationer"):
        company_from_answer({}, "5560000001")


def test_the_client_keeps_its_token_renews_it_once_and_says_why_a_request_failed():
    number = "5569999998" if bolagsverket_valid("5569999998") else next_valid()
    answers = {number: company(number, "Krogen AB", "2020-01-01", "Kajen 1", "65225", "KARLSTAD")}
    with Bolagsverket(answers) as bv:
        client = Client("trygg-test", "hemligt", token_url=bv.token_url, base_url=bv.base_url)
        assert client.company(number).name == "Krogen AB"
        assert client.company(number[:6] + "-" + number[6:]).name == "Krogen AB"  # with the hyphen too
        assert bv.issued == 1  # one token for both
        bv.revoke()  # as when it expires early
        assert client.company(number).name == "Krogen AB" and bv.issued == 2
        assert all(r["request_id"] for r in bv.requests) and len({r["request_id"] for r in bv.requests}) == 3
        wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
        with pytest.raises(BolagsverketError, match="ogiltig kontrollsiffra"):
            client.company(wrong)
        bad = Client("trygg-test", "fel", token_url=bv.token_url, base_url=bv.base_url)
        with pytest.raises(BolagsverketError, match="klient-id"):
            bad.company(number)
    with pytest.raises(BolagsverketError, match="TRYGG_BOLAGSVERKET_CLIENT_ID"):
        Client("", "")


def bolagsverket_valid(number: str) -> bool:
    from stdnum.se import orgnr

    return orgnr.is_valid(number)


def next_valid() -> str:
    return next(f"556999{n:04d}" for n in range(10000) if bolagsverket_valid(f"556999{n:04d}"))


@pytest.mark.django_db
def test_a_fetch_for_a_case_is_a_registry_extract_of_the_day_and_its_bankruptcy_a_finding(demo_orgs):
    r = Registry()
    applicant = r.company("Krogen Kajen AB", dt.date(2020, 1, 1), address="Kajgatan 2")
    r.role(applicant, r.person("Sara Lind"), "ceo", dt.date(2020, 1, 1))
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register",
                    version="uttag 2026-11-30")  # fmt: skip
    digits = applicant["org_number"].replace("-", "")
    answers = {digits: company(digits, "Krogen Kajen AB", "2020-01-01", "Kajgatan 2", "65225", "KARLSTAD",
                               procedures=[("KK", "Konkurs", "2026-10-02")])}  # fmt: skip
    case = create_case(case_data(applicant, [(r.people["Sara Lind"], "ceo")], reference="BV 1"))
    before = screen(case)
    assert not before.findings.filter(code="applicant_status").exists()
    with Bolagsverket(answers) as bv:
        client = Client("trygg-test", "hemligt", token_url=bv.token_url, base_url=bv.base_url)
        result = fetch_registry(case, demo_orgs["users"]["karlstad.samordnare"], client)
    assert result.fetched == [digits] and not result.not_found and not result.failed
    dataset = Dataset.objects.get(name=bolagsverket.DATASET)
    assert dataset.kind == "registry" and dataset.version == f"API {timezone.localdate().isoformat()}"
    stored = Entity.objects.get(dataset=dataset, org_number=applicant["org_number"])
    assert stored.properties["status"] == "bankrupt" and stored.properties["status_date"] == "2026-10-02"
    assert stored.properties["source"].startswith("Bolagsverket")
    assert resolve(case.applicant).dataset.name == "Register"  # the extract with board and owners first
    event = AuditEvent.objects.get(object_type="screening.bolagsverket")
    assert event.object_id == str(case.pk) and "1 hämtade" in event.summary
    after = screen(case)
    status = after.findings.get(code="applicant_status")
    assert status.severity == "high" and "gick i konkurs (2026-10-02) enligt Bolagsverket (hämtat" in status.summary
    assert after.recommendation == "serious"
    assert {v["dataset"] for v in after.versions} >= {"Register", bolagsverket.DATASET}


@pytest.mark.django_db
def test_the_officer_fetches_from_the_case_page_and_is_told_when_it_is_not_set_up(screening_data, officer):
    case = create_case(case_data(screening_data["krogen"], [], reference="BV WEB"))
    client = officer()
    with override_settings(TRYGG_BOLAGSVERKET_CLIENT_ID="", TRYGG_BOLAGSVERKET_CLIENT_SECRET=""):
        response = client.post(f"/granskning/arenden/{case.pk}/bolagsverket/", follow=True)
    assert "inte uppsatt" in response.content.decode() and not Dataset.objects.filter(name=bolagsverket.DATASET)
    digits = screening_data["krogen"]["org_number"].replace("-", "")
    answers = {digits: company(digits, "Krogen Torget AB", "2020-01-01", "Torget 3", "65225", "KARLSTAD")}
    with Bolagsverket(answers) as bv, override_settings(
        TRYGG_BOLAGSVERKET_CLIENT_ID="trygg-test", TRYGG_BOLAGSVERKET_CLIENT_SECRET="hemligt",
        TRYGG_BOLAGSVERKET_TOKEN_URL=bv.token_url, TRYGG_BOLAGSVERKET_BASE_URL=bv.base_url,
    ):  # fmt: skip
        response = client.post(f"/granskning/arenden/{case.pk}/bolagsverket/", follow=True)
        assert client.get(f"/granskning/arenden/{case.pk}/bolagsverket/").status_code == 405  # POST only
    page = response.content.decode()
    assert response.status_code == 200 and "Hämtat från Bolagsverket: 1 bolag" in page
    assert Entity.objects.filter(dataset__name=bolagsverket.DATASET, name="Krogen Torget AB").exists()
