"""The start page is a to-do list per role: a coordinator, a reporter, a measure owner and a screening officer
each see what waits for them, linked to where it is done — and the page passes axe."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.browser.axe import violations
from tests.factories import make_incident
from trygg.citizens.models import Tip
from trygg.incidents.models import Incident
from trygg.measures.models import Measure
from trygg.screening.cases import create_case

pytestmark = pytest.mark.browser


@pytest.fixture
def work(live_demo):
    orgs, users = live_demo["orgs"], live_demo["users"]
    today = timezone.localdate()
    Tip.objects.create(municipality_id="1780", service_code="klotter", description="Klotter på skolan")
    Measure.objects.create(title="Belysning i gångtunneln", kind="lighting", municipality_id="1780",
                           owner=orgs["centrum-karlstad"], due=today - dt.timedelta(days=3))  # fmt: skip
    Measure.objects.create(title="Städning av torget", kind="cleaning", municipality_id="1780",
                           owner=orgs["centrum-karlstad"], due=today + dt.timedelta(days=20))  # fmt: skip
    incident = make_incident(municipality="1780", org=orgs["fastighetsagarna"], visibility="partners")
    Incident.objects.filter(pk=incident.pk).update(reported_by=users["fastighet.rapportor"])
    create_case({"municipality": "1780", "kind": "serveringstillstand", "reference": "SOC 2026/77",
                 "received_on": (today - dt.timedelta(days=30)).isoformat(),
                 "applicant": {"name": "Krogen AB", "org_number": "556036-0793"}})  # fmt: skip
    return live_demo


@pytest.mark.parametrize(
    ("user", "expected", "link"),
    [
        ("karlstad.samordnare", ["Att göra", "Karlstad: 1 nytt tips att gå igenom", "Belysning i gångtunneln",
                                 "Veckans möte"], "/invanare/tips/"),
        ("centrum.rapportor", ["Mina organisationers åtgärder", "Städning av torget", "Belysning i gångtunneln"],
         "/atgarder/"),
        ("fastighet.rapportor", ["Mina senaste rapporter", "ny"], "/incidents/"),
        ("karlstad.granskare", ["Granskning", "1 ärende väntar på beslut", "1 av dem har väntat längre än 14 dagar"],
         "/granskning/"),
    ],
)  # fmt: skip
def test_start_page_shows_each_roles_to_do_list(page_for, work, user, expected, link):
    page = page_for(user)
    page.goto(work["url"] + "/")
    text = page.inner_text("main")
    for words in expected:
        assert words in text, f"{user}: {words!r} not on the start page:\n{text}"
    assert "Klotter på skolan" not in text  # a resident's words stay on the triage page
    assert "Krogen" not in text and "SOC 2026/77" not in text  # nor a case's parties or reference
    hrefs = page.eval_on_selector_all(".todo a", "links => links.map(a => a.getAttribute('href'))")
    assert any(link in h for h in hrefs), hrefs
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
