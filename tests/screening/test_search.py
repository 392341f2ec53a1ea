"""The search for a case: companies by name and organisation number, persons by name, birth date and personal
identity number, nothing below a sensible score, only the lists the case may use, and every search audited."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.screening.conftest import csv_bytes
from tests.screening.test_network_view import build_planted_network
from trygg.audit.models import AuditEvent
from trygg.screening.importers import import_ofac, import_own_list
from trygg.screening.models import Entity
from trygg.screening.search import parse_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(demo_orgs):
    return build_planted_network(demo_orgs)


def search(client, case, q, schema=""):
    response = client.get("/granskning/sok/", {"case": case.pk, "q": q, "schema": schema})
    assert response.status_code == 200
    return response


def names(response) -> list[str]:
    return [e.name for _, e in response.context["results"]]


def test_the_applicant_is_found_by_its_name_and_nothing_unrelated_is_listed(planted, officer):
    # a real OFAC entry whose alias resembles one word of the query ("Kogen" ~ "Krogen")
    row = ["7100", "KOREA GENERAL CORPORATION FOR EXTERNAL CONSTRUCTION", "-0-", "DPRK", *["-0- "] * 7,
           "a.k.a. 'KOGEN'; Pyongyang, Korea, North."]  # fmt: skip
    import_ofac(csv_bytes([row]), "OFAC SDN", "test 2")
    client = officer()
    response = search(client, planted["case"], "Krogen Stora Torget")
    assert names(response)[0] == "Krogen Stora Torget AB"
    assert all(score >= 0.75 for score, _ in response.context["results"])  # nothing far below the best
    assert not any(e.dataset.kind == "watchlist" for _, e in response.context["results"])
    page = response.content.decode()
    applicant = Entity.objects.get(name="Krogen Stora Torget AB", dataset__kind="registry")
    assert f"/granskning/arenden/{planted['case'].pk}/natverk/?expand={applicant.pk}" in page  # in the network
    assert planted["applicant"]["org_number"] in page and "Register" in page


def test_a_company_is_found_by_its_organisation_number_with_or_without_the_dash(planted, officer):
    client = officer()
    number = planted["applicant"]["org_number"]
    for query in (number, number.replace("-", ""), f" {number[:6]} {number[7:]} "):
        assert names(search(client, planted["case"], query)) == ["Krogen Stora Torget AB"], query
    assert names(search(client, planted["case"], "Nordlig Invest", schema="company")) == ["Nordlig Invest Holding AB"]


def test_a_person_is_found_by_birth_date_and_by_personal_number(planted, officer):
    client = officer()
    straw = planted["straw"]
    by_date = search(client, planted["case"], straw["birth_date"])
    assert "Alex Nyberg" in names(by_date)
    assert all(e.birth_date == straw["birth_date"] for _, e in by_date.context["results"])
    assert names(search(client, planted["case"], straw["personal_number"])) == ["Alex Nyberg"]
    assert names(search(client, planted["case"], f"Alex Nyberg {straw['birth_date']}")) == ["Alex Nyberg"]
    listed = search(client, planted["case"], "1972-03-12")  # the sanctioned owner: in the registry and on OFAC
    assert {e.dataset.kind for _, e in listed.context["results"]} == {"registry", "watchlist"}
    assert names(search(client, planted["case"], "Alex Nyberg", schema="person")) == ["Alex Nyberg"]


def test_nonsense_gives_no_hits_and_says_so(planted, officer):
    client = officer()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = search(client, planted["case"], "Qwxzy Plonkbert")
    assert response.context["results"] == []
    assert "No hits for “Qwxzy Plonkbert”" in response.content.decode()
    assert search(client, planted["case"], "2026-02-30").context["results"] == []  # not a date


def test_other_municipalities_own_lists_are_not_searched(planted, officer, demo_orgs):
    orebro = demo_orgs["orgs"]["orebro-kommun"]
    rows = [{"name": "Hemlig Restaurang AB", "org_number": "556036-0793", "flag": "refused", "date": "2025-01-01"}]
    import_own_list(csv_bytes(rows, ["name", "org_number", "flag", "date"]), "Örebros egna", owner=orebro)
    client = officer()
    assert names(search(client, planted["case"], "Hemlig Restaurang")) == []
    assert names(search(client, planted["case"], "556036-0793")) == []
    for page in ("/granskning/", "/granskning/listor/"):  # nor is the list named to Karlstad's officers
        assert "Örebros egna" not in client.get(page).content.decode(), page
    assert "Örebros egna" in officer("orebro.granskare").get("/granskning/listor/").content.decode()


def test_every_search_is_audited_with_the_case_as_purpose(planted, officer):
    case = planted["case"]
    search(officer(), case, "Krogen Stora Torget")
    event = AuditEvent.objects.get(action="search", purpose=case.reference, actor__username="karlstad.granskare")
    assert event.summary.startswith("search: Krogen Stora Torget") and "hits" in event.summary
    assert officer("orebro.granskare").get("/granskning/sok/", {"case": case.pk, "q": "x"}).status_code == 403


def test_queries_are_taken_apart():
    q = parse_query("Anna Berg 1981-12-28")
    assert q.name == "Anna Berg" and q.birth_dates == ["1981-12-28"]
    q = parse_query("5560360793")
    assert q.org_numbers == ["556036-0793"] and not q.name
    q = parse_query("19811228-9874")
    assert q.personal_numbers == ["198112289874"] and q.birth_dates == ["1981-12-28"]
    assert parse_query("Krogen 2026-02-30").name == "Krogen 2026-02-30"
