"""A screening officer in a real browser: the second factor, then the case pages, checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.axe import violations
from trygg.screening import engine
from trygg.screening.cases import create_case

pytestmark = pytest.mark.browser


def test_officer_verifies_and_reads_a_case_with_no_accessibility_violations(page_for, live_demo):
    user = live_demo["users"]["karlstad.granskare"]
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    case = create_case(
        {
            "municipality": "1780", "kind": "serveringstillstand", "reference": "SOC 2026/9",
            "received_on": dt.date.today().isoformat(), "premises_address": "Storgatan 1, Karlstad",
            "applicant": {"name": "Krogen vid Torget AB", "org_number": "556677-8899"},
            "persons": [{"name": "Anna Berg", "personal_number": "19811228-9874", "role": "ceo"}],
        }
    )  # fmt: skip
    engine.screen(case)
    page = page_for("karlstad.granskare")
    page.goto(live_demo["url"] + "/granskning/")
    page.wait_for_url("**/verifiera/**")  # the code is asked for before any page (the app is set up)
    assert violations(page) == []
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("main input[name=token]", f"{code:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(live_demo["url"] + "/granskning/")
    party = case.parties.get(role="ceo")
    paths = ["/granskning/", f"/granskning/arenden/{case.pk}/", "/granskning/arenden/nytt/", "/granskning/listor/",
             f"/granskning/arenden/{case.pk}/utdrag/{party.pk}/", "/granskning/logg/"]  # fmt: skip
    for path in paths:
        assert page.goto(live_demo["url"] + path).status == 200
        found = violations(page)
        assert found == [], (path, found)
    page.goto(live_demo["url"] + f"/granskning/arenden/{case.pk}/")
    assert "Krogen vid Torget AB" in page.locator("h1").inner_text()
