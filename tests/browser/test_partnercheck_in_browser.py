"""A partner with the business-check role checks a company in a real browser: from the menu to the receipt, which
names the list it was found on, prints, and sends a concern to Karlstad's screening officers; axe-core finds no
serious violation on the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.axe import violations
from tests.screening.conftest import OFAC_ROWS, Registry, csv_bytes
from trygg.demo.orgs import DEMO_PASSWORD
from trygg.orgs.models import Membership, Role, User
from trygg.partnercheck.models import Concern
from trygg.screening.crossmatch import crossmatch
from trygg.screening.importers import import_ofac, import_registry

pytestmark = pytest.mark.browser


@pytest.fixture
def checker(live_demo):
    r = Registry()
    holding = r.company("Nordsjö Holding Ltd", dt.date(2010, 1, 1), address="Makariou 1", city="Nicosia", country="CY")
    r.role(holding, r.person("Lars Holm"), "board_member", dt.date(2010, 1, 1))
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Testregister")
    import_ofac(csv_bytes(OFAC_ROWS), "OFAC SDN", "2024-05-03")
    crossmatch()
    user = User.objects.create_user("centrum.kontroll", password=DEMO_PASSWORD, first_name="Kim", last_name="Kontroll")
    Membership.objects.create(user=user, organisation=live_demo["orgs"]["centrum-karlstad"], role=Role.BUSINESS_CHECK)
    return user


def test_a_partner_checks_a_company_and_tells_the_municipality(page_for, live_demo, checker):
    page = page_for("centrum.kontroll")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.click("header.site nav a[href='/foretagskontroll/']")
    page.wait_for_url(live_demo["url"] + "/foretagskontroll/")
    assert violations(page) == []
    page.fill("input[name=query]", "Nordsjö Holding Ltd")
    page.click("main form button[type=submit].primary")
    page.wait_for_url("**/foretagskontroll/*/")
    receipt = page.locator("[data-receipt]").inner_text()
    assert "mot OFAC SDN 2024-05-03" in receipt and "1 träff på en sanktionslista" in receipt, receipt
    assert "NORDSJO HOLDING LTD" in page.locator("main table").inner_text()
    assert page.locator("button.js-print").is_visible()  # the script shows the print button
    assert violations(page) == []
    page.uncheck("input[name=municipalities][value='1880']")
    page.fill("textarea[name=message]", "Vill betala kontant för bevakningen.")
    page.click("#tipsa button[type=submit]")
    page.wait_for_url("**/foretagskontroll/*/")
    assert "Skickat till granskarna i Karlstad" in page.locator(".messages").inner_text()
    concern = Concern.objects.get()
    assert concern.municipality_id == "1780" and concern.company_name == "Nordsjö Holding Ltd"
    assert errors == []
