"""Partners' own check of a company (issue 26, scope 6): planted registry and list data with a known answer.

The screening's planted registry (``tests/screening/conftest.py``) has a sanctioned holding company (on OFAC SDN),
a company it owns 40 % of, a company whose managing director and board member changed a month ago, and 21
companies at one address in Örebro; a second extract planted here adds a bankrupt company and a phoenix (a board
member of a company that went bankrupt last year sits on another board). The municipality's own list, a case and
Bolagsverket's answer to an officer all say something about a clean café: none of it may reach the partner.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.english_left import english_on
from tests.screening.conftest import Registry, case_data, csv_bytes, screening_data  # noqa: F401 - the fixture
from trygg.audit.models import AuditEvent
from trygg.core import todo
from trygg.orgs.models import Membership, Organisation, Role, User
from trygg.partnercheck import assess, lookup
from trygg.partnercheck.models import CompanyCheck, Concern, concern_municipalities
from trygg.screening import bolagsverket
from trygg.screening.cases import create_case
from trygg.screening.crossmatch import crossmatch
from trygg.screening.importers import import_own_list, import_registry
from trygg.screening.models import Dataset, Entity
from trygg.screening.rules import Thresholds

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CASE_REFERENCE = "SOC 2026/77"


def verified(user) -> Client:
    """A client logged in as ``user`` with a second factor entered (screening officers)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    assert client.post("/granskning/verifiera/", {"token": f"{code:06d}"}).status_code == 302
    return client


def checker(org: Organisation, username: str = "centrum.kontroll") -> User:
    user = User.objects.create_user(username, password="x" * 12, first_name="Kim", last_name="Kontroll")
    Membership.objects.create(user=user, organisation=org, role=Role.BUSINESS_CHECK)
    return user


@pytest.fixture
def world(screening_data):  # noqa: F811
    d = screening_data
    orgs = d["orgs"]
    r = Registry()
    old = dt.date(2015, 1, 1)
    columns = ["org_number", "name", "registered_on", "address", "postal_code", "city", "country", "status",
               "status_date"]  # fmt: skip
    bankrupt = r.company("Konkursen i Karlstad AB", old, address="Hamngatan 2")
    bankrupt |= {"status": "konkurs", "status_date": (TODAY - dt.timedelta(days=60)).isoformat()}
    earlier = r.company("Gamla Fenix Bistro AB", old, address="Västra Torggatan 9")
    earlier |= {"status": "konkurs", "status_date": (TODAY - dt.timedelta(days=400)).isoformat()}
    phoenix = r.company("Nya Fenix Bistro AB", TODAY - dt.timedelta(days=3 * 365), address="Östra Torggatan 4")
    per = r.person("Per Fenix")
    r.role(earlier, per, "board_member", old)
    r.role(phoenix, per, "board_member", TODAY - dt.timedelta(days=3 * 365))
    import_registry(csv_bytes(r.companies, columns), csv_bytes(r.roles, list(r.roles[0])), "Bolagsregistret",
                    version="2026-11-30")  # fmt: skip
    clean = d["clean"]
    # the municipality's own list refused the café a licence; a case names it and its board member; an officer
    # asked Bolagsverket about it, which said (here) bankrupt: none of this is the partner's to see
    import_own_list(
        csv_bytes([{"name": clean["name"], "org_number": clean["org_number"], "flag": "refused",
                    "date": "2025-01-10", "reference": "SOC 2025/3"}],
                  ["name", "org_number", "flag", "date", "reference"]),
        "Karlstads egen lista", owner=orgs["karlstads-kommun"],
    )  # fmt: skip
    create_case(case_data(clean, [(d["anna"], "board_member")], reference=CASE_REFERENCE))
    api = Dataset.objects.create(name=bolagsverket.DATASET, kind=Dataset.Kind.REGISTRY, version="API")
    Entity.objects.create(dataset=api, key=f"se:{clean['org_number']}", schema="Company", name=clean["name"],
                          org_number=clean["org_number"],
                          properties={"status": "bankrupt", "status_date": "2026-01-01"})  # fmt: skip
    crossmatch()
    user = checker(orgs["centrum-karlstad"])
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return {**d, "user": user, "client": client, "bankrupt": bankrupt, "phoenix": phoenix, "per": per}


def check(world, query: str):
    """Run a check through the page; the check made and its receipt page."""
    client = world["client"]
    response = client.post("/foretagskontroll/", {"query": query})
    assert response.status_code == 302, response.content.decode()[:2000]
    made = CompanyCheck.objects.order_by("-pk").first()
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    return made, receipt.content.decode()


def outcome(made: CompanyCheck) -> assess.Outcome:
    return assess.Outcome.from_json(made.result)


def codes(made: CompanyCheck) -> set[str]:
    return {s.code for s in outcome(made).signals}


# -- what the check finds ----------------------------------------------------------------------------------------


def test_a_sanctioned_company_is_found_by_name_and_by_organisation_number(world):
    number = next(c["org_number"] for c in world["registry"].companies if c["name"] == "Nordsjö Holding Ltd")
    by_name, page = check(world, "Nordsjö Holding Ltd")
    hits = outcome(by_name).hits
    assert [h.list_name for h in hits] == ["OFAC SDN"] and hits[0].listed_name == "NORDSJO HOLDING LTD"
    assert not by_name.clean and "NORDSJO HOLDING LTD" in page and "träff på en sanktionslista" in page
    assert by_name.org_number == number  # the registry's company by its name (its owner's role names it too)
    by_number, page = check(world, number.replace("-", ""))
    assert by_number.org_number == number and by_number.company_name == "Nordsjö Holding Ltd"
    assert [h.listed_name for h in outcome(by_number).hits] == ["NORDSJO HOLDING LTD"]


def test_a_clean_company_gives_no_hits_and_names_every_list_and_extract_read(world):
    clean = world["clean"]
    made, page = check(world, clean["org_number"])
    assert made.clean and outcome(made).signals == [] and outcome(made).hits == []
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    today = TODAY.isoformat()
    assert f"Kontrollerad {today} mot OFAC SDN test (inläst {today})" in text
    assert "registerutdraget Testregister" in text
    assert f"registerutdraget Bolagsregistret 2026-11-30 (inläst {today})" in text
    assert text.count(": inga träffar.") >= 1


def test_the_municipality_s_own_list_its_cases_and_bolagsverket_s_answers_are_not_revealed(world):
    clean, anna = world["clean"], world["anna"]
    made, page = check(world, clean["name"])
    assert made.clean and made.org_number == clean["org_number"]  # the café by its name: one company fits
    for secret in ("Karlstads egen lista", "Örebros lista", "nekat", "SOC 2025/3", CASE_REFERENCE, anna["name"],
                   anna["personal_number"], "Bolagsverket", "värdefulla"):  # fmt: skip
        assert secret not in page, secret
    # the registry's cross-match flagged the café on the own list: not a hit for the partner
    assert outcome(made).hits == []


def test_a_company_at_a_mass_registration_address_has_that_signal(world):
    made, page = check(world, world["fasad"]["org_number"])
    signal = next(s for s in outcome(made).signals if s.code == "mass_address")
    assert signal.params["companies"] == 21 and "Kungsgatan 5" in signal.params["address"]
    assert "21 bolag är registrerade på bolagets adress" in page


def test_a_bankrupt_company_and_a_phoenix_have_their_signals(world):
    made, page = check(world, world["bankrupt"]["org_number"])
    assert codes(made) == {"status"} and "Bolaget är försatt i konkurs enligt registret" in page
    made, page = check(world, world["phoenix"]["org_number"])
    signal = next(s for s in outcome(made).signals if s.code == "related_bankruptcy")
    assert signal.params["company"] == "Gamla Fenix Bistro AB" and signal.params["people"] == 1
    assert "Gamla Fenix Bistro AB" in page and world["per"]["name"] not in page  # the person is only counted


def test_a_recent_board_swap_is_counted_without_naming_the_people(world):
    made, page = check(world, world["krogen"]["org_number"])
    signal = next(s for s in outcome(made).signals if s.code == "recent_board_change")
    assert signal.params == {"days": 90, "persons": 2, "joined": 1, "left": 1}
    assert "Kennet Bergvall" not in page and "Tidigare Ledamot" not in page
    assert world["front"]["personal_number"] not in page


def test_a_company_owned_by_a_sanctioned_company_has_that_signal(world):
    trading = next(c for c in world["registry"].companies if c["name"] == "Vänerhamn Trading AB")
    made, _page = check(world, trading["org_number"])
    signal = next(s for s in outcome(made).signals if s.code == "listed_owner")
    assert signal.params["owner"] == "Nordsjö Holding Ltd" and signal.params["share"] == 40
    assert signal.severity == "medium"


def test_a_name_that_fits_several_companies_offers_them_to_choose_from(world):
    made, page = check(world, "Fenix Bistro AB")
    result = outcome(made)
    assert result.company is None and len(result.candidates) >= 2
    assert "Flera bolag i registret har ett liknande namn" in page and "Kontrollera det här bolaget" in page


def test_a_personal_identity_number_is_refused_and_not_kept(world):
    number = world["anna"]["personal_number"]
    response = world["client"].post("/foretagskontroll/", {"query": number})
    assert response.status_code == 200 and "Personnummer kontrolleras inte här" in response.content.decode()
    assert not CompanyCheck.objects.exists()
    assert not AuditEvent.objects.filter(summary__contains=number[-4:]).exists()


# -- who may, what is recorded -----------------------------------------------------------------------------------


def test_users_without_the_role_are_refused(world):
    users = world["users"]
    for name in ("centrum.rapportor", "karlstad.granskare", "karlstad.admin"):
        client = Client()
        client.force_login(users[name])
        assert client.get("/foretagskontroll/").status_code == 403, name
        assert client.post("/foretagskontroll/", {"query": "Nordsjö Holding Ltd"}).status_code == 403, name
    root = User.objects.create_superuser("root", password="x" * 12)
    client = Client()
    client.force_login(root)
    assert client.get("/foretagskontroll/").status_code == 403
    assert Client().get("/foretagskontroll/").status_code == 302  # to the login page
    assert not CompanyCheck.objects.exists()


def test_each_check_is_audited_and_its_receipt_is_only_the_maker_s(world):
    made, _page = check(world, world["clean"]["org_number"])
    entry = AuditEvent.objects.get(action="search", object_type="partnercheck.companycheck", object_id=str(made.pk))
    assert entry.actor == world["user"] and "Lugna Caféet AB" in entry.summary
    assert any("OFAC SDN" in s for s in entry.changes["sources"])
    other = checker(world["orgs"]["city-orebro"], "city.kontroll")
    client = Client()
    client.force_login(other)
    assert client.get(f"/foretagskontroll/{made.pk}/").status_code == 403
    assert client.get(f"/foretagskontroll/{made.pk}/kvitto.pdf").status_code == 403
    sent = client.post(f"/foretagskontroll/{made.pk}/tipsa/", {"municipalities": ["1880"], "message": "x"})
    assert sent.status_code == 403
    assert AuditEvent.objects.filter(actor=other, action="denied").exists()
    assert not Concern.objects.exists()
    # the maker loses the role: the receipt is no longer theirs to open
    Membership.objects.filter(user=world["user"]).update(role=Role.REPORTER)
    assert world["client"].get(f"/foretagskontroll/{made.pk}/").status_code == 403


@override_settings(TRYGG_RATE_LIMITS={"business_check": (3, 3600)})
def test_the_rate_limit_refuses_after_n_checks_per_user(world):
    for _ in range(3):
        check(world, world["clean"]["org_number"])
    response = world["client"].post("/foretagskontroll/", {"query": world["clean"]["org_number"]})
    assert response.status_code == 429 and "Försök igen senare" in response.content.decode()
    assert CompanyCheck.objects.count() == 3
    assert AuditEvent.objects.filter(actor=world["user"], action="denied",
                                     summary__contains="rate limit").exists()  # fmt: skip
    colleague = checker(world["orgs"]["centrum-karlstad"], "centrum.kontroll2")  # per user, not per address
    client = Client()
    client.force_login(colleague)
    assert client.post("/foretagskontroll/", {"query": world["clean"]["org_number"]}).status_code == 302


def test_the_receipt_as_pdf(world):
    made, _page = check(world, world["clean"]["org_number"])
    response = world["client"].get(f"/foretagskontroll/{made.pk}/kvitto.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# -- Tipsa kommunen ----------------------------------------------------------------------------------------------


def test_a_concern_reaches_the_chosen_municipality_s_officers_and_no_other(world):
    users = world["users"]
    assert [m.code for m in concern_municipalities(world["user"])] == ["1780", "1880"]  # Karlstad, Örebro
    made, page = check(world, world["krogen"]["org_number"])
    assert "Tipsa kommunen" in page
    url = f"/foretagskontroll/{made.pk}/tipsa/"
    # a municipality outside the partner's cooperations is not one to send to
    assert world["client"].post(url, {"municipalities": ["1715"], "message": "Oro"}).status_code == 302
    assert not Concern.objects.exists()
    response = world["client"].post(url, {"municipalities": ["1780"], "message": "Ny styrelse, kontant betalning."})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.municipality_id == "1780" and concern.company_name == "Krogen Torget AB"
    assert AuditEvent.objects.filter(action="create", object_type="partnercheck.concern").count() == 1

    karlstad, orebro = verified(users["karlstad.granskare"]), verified(users["orebro.granskare"])
    page = karlstad.get("/foretagskontroll/tips/").content.decode()
    assert "Krogen Torget AB" in page and "Ny styrelse, kontant betalning." in page and "Kim Kontroll" in page
    assert "Krogen Torget AB" not in orebro.get("/foretagskontroll/tips/").content.decode()
    texts = [i.text for _s, items in todo.for_user(users["karlstad.granskare"]) for i in items]
    assert "1 tips om ett bolag från en partner att gå igenom" in texts
    assert not [i for _s, items in todo.for_user(users["orebro.granskare"]) for i in items
                if "partner" in i.text]  # fmt: skip
    # only Karlstad's officers mark it handled
    assert orebro.post(f"/foretagskontroll/tips/{concern.pk}/hanterad/").status_code == 403
    assert karlstad.post(f"/foretagskontroll/tips/{concern.pk}/hanterad/", {"note": "Till ärende"}).status_code == 302
    concern.refresh_from_db()
    assert concern.handled_by == users["karlstad.granskare"] and concern.handled_note == "Till ärende"
    assert not [i for _s, items in todo.for_user(users["karlstad.granskare"]) for i in items
                if "partner" in i.text]  # fmt: skip
    # the officers' page needs the second factor
    plain = Client()
    plain.force_login(users["karlstad.granskare"])
    assert plain.get("/foretagskontroll/tips/").status_code == 302


def test_a_message_with_a_personal_identity_number_is_not_sent(world):
    made, _page = check(world, world["krogen"]["org_number"])
    number = world["anna"]["personal_number"]
    world["client"].post(f"/foretagskontroll/{made.pk}/tipsa/", {"municipalities": ["1780"], "message": number})
    assert not Concern.objects.exists()


# -- the pages read as Swedish, the menu leads there ---------------------------------------------------------------


def test_the_pages_read_as_swedish_and_the_menu_leads_to_them(world):
    made, page = check(world, world["krogen"]["org_number"])
    assert english_on(page) == []
    index = world["client"].get("/foretagskontroll/").content.decode()
    assert english_on(index) == [] and 'href="/foretagskontroll/"' in index and "Företagskontroll" in index
    world["client"].post(f"/foretagskontroll/{made.pk}/tipsa/", {"municipalities": ["1780"], "message": "Oro"})
    officer = verified(world["users"]["karlstad.granskare"])
    concerns = officer.get("/foretagskontroll/tips/").content.decode()
    assert english_on(concerns) == [] and "Tips från partner" in concerns
    candidates = world["client"].post("/foretagskontroll/", {"query": "Fenix Bistro AB"}, follow=True).content.decode()
    assert english_on(candidates) == []


# -- the pure assessment -----------------------------------------------------------------------------------------


def test_the_assessment_from_plain_data():
    today = dt.date(2026, 12, 6)
    t = Thresholds()
    company = assess.Company(
        name="Exempel AB", org_number="556677-8899", status="liquidation", status_date="2026-11-01",
        address="Storgatan 1", companies_at_address=t.mass_address_companies,
        changes=[assess.Change("1", "board_member", "joined", today - dt.timedelta(days=10)),
                 assess.Change("2", "board_member", "left", today - dt.timedelta(days=10)),
                 assess.Change("3", "ceo", "joined", today - dt.timedelta(days=200))],
        bankruptcies=[assess.Bankruptcy("Gamla AB", "bankrupt", dt.date(2026, 1, 5), 0, True)],
        listed_owners=[assess.ListedOwner("Ägaren Ltd", "OFAC SDN", 60.0)],
    )  # fmt: skip
    sources = [assess.Source("OFAC SDN", "watchlist", "2024-05-03", "2026-12-01")]
    result = assess.assess(today, "556677-8899", [], sources, company, t)
    assert [s.code for s in result.signals] == ["status", "listed_owner", "mass_address", "recent_board_change",
                                                "frequent_changes", "bankruptcy_at_address"]  # fmt: skip
    assert not result.clean
    assert assess.Outcome.from_json(result.as_json()) == result
    quiet = assess.assess(today, "Lugnt AB", [], sources, assess.Company("Lugnt AB", "556000-0001"), t)
    assert quiet.clean and quiet.signals == []
    founding_only = assess.Company("Nytt AB", "x", changes=[])  # a new company's first board is no change
    assert assess.assess(today, "Nytt AB", [], sources, founding_only, t).clean


def test_the_query_is_an_organisation_number_or_a_name():
    assert lookup.parse("556677-8899").org_number == "556677-8899"
    assert lookup.parse("16 5566778899").org_number == "556677-8899"
    assert lookup.parse("  Krogen   Torget AB ").name == "Krogen Torget AB"
    # a legal form alone ("AB" matched a sanctioned company strongly) names no company
    for refused in ("19811228-9874", "811228-9874", "", "12", "Anna 19811228-9874", "AB", "Ltd", "Aktiebolag"):
        with pytest.raises(lookup.QueryError):
            lookup.parse(refused)
