"""The public pages pass axe-core's WCAG 2.1 A/AA rules with no serious or critical violation.

axe-core (Deque, MPL-2.0) is vendored under ``tests/browser/vendor`` and injected into the page by the test;
the application never serves it. The map tiles are blocked (no network), which does not affect the rules.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.browser.axe import violations
from trygg.citizens.models import Survey

pytestmark = pytest.mark.browser


@pytest.fixture
def survey(live_demo):
    today = dt.date.today()
    return Survey.objects.create(
        municipality_id="1780", title="Trygghetsundersökning Karlstad", wave=1,
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip


PUBLIC_PAGES = [
    "/", "/tips/?m=1780", "/kvitto/", "/kvitto/rapportera/", "/karta/1780/",
    "/karta/1780/?kategori=klotter&weeks=26", "/vad-vi-gor/", "survey", "/utan-nat/", "forwarded-tip",
]  # fmt: skip


def pages_violations(page, base_url: str, paths: list[str]) -> dict[str, list[dict]]:
    """Each page in turn in one browser context (one sign-in): its serious or critical violations, by page."""
    found = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        if violated := violations(page):
            found[path] = violated
    return found


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_accessibility_violations(page_for, live_demo, survey, mobile):
    named = {"survey": f"/trygghetsundersokning/{survey.pk}/", "forwarded-tip": ""}
    named["forwarded-tip"] = f"/tips/status/{forwarded_tip().public_id}/"
    paths = [named.get(path, path) for path in PUBLIC_PAGES]
    found = pages_violations(page_for(None, mobile=mobile), live_demo["url"], paths)
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def forwarded_tip():
    """A resident's tip sent to a department and closed there, with the department's note."""
    from trygg.citizens.models import Tip
    from trygg.citizens.updates import record_status
    from trygg.forwarding.models import Destination, Forwarding

    tip = Tip.objects.create(municipality_id="1780", service_code="belysning", description="Lampan är trasig",
                             lat=59.3794, lon=13.5035)  # fmt: skip
    destination = Destination.objects.create(
        municipality_id="1780", name="Gatu- och belysningsavdelningen", base_url="https://open311.example/v2/",
        key_name="A11Y",
    )  # fmt: skip
    Forwarding.objects.create(
        tip=tip, destination=destination, service_code="light", state="closed", service_request_id="D-1",
        remote_status="closed", remote_status_notes="Utbytt.",
    )  # fmt: skip
    for status in ("forwarded", "resolved"):
        old, tip.status = tip.status, status
        tip.save()
        record_status(tip, old, text="Utbytt." if status == "resolved" else "")
    return tip


def demo_walk_path(name: str) -> str:
    """The demo's safety walks (loaded here), by what the test calls them."""
    from django.utils import timezone

    from trygg.demo import walks as demo_walks
    from trygg.walks.models import Walk

    demo_walks.load(timezone.localdate())
    done = Walk.objects.get(title=demo_walks.DONE_TITLE)
    planned = Walk.objects.get(title=demo_walks.PLANNED_TITLE)
    return {
        "walk-report": f"/trygghetsvandringar/{done.pk}/rapport/",
        "walk-checklist": f"/trygghetsvandringar/checklistor/{done.template_id}/",
        "walk-planned": f"/trygghetsvandringar/{planned.pk}/",
    }[name]


PARTNER_PAGES = {
    "fastighet.rapportor": ["/m/1780/", "/report/", "/report/mina/", "/report/import/"],
    "karlstad.samordnare": [
        "/m/1780/incidents/", "/lagesbild/", "/atgarder/", "/atgarder/erfarenheter/", "/atgarder/moten/",
        "/atgarder/1780/ny/", "/invanare/tips/", "/invanare/kvitton/", "/invanare/undersokningar/",
        "/trygghetsvandringar/", "/trygghetsvandringar/1780/ny/", "/trygghetsvandringar/checklistor/", "walk-report",
        "walk-checklist", "/vidarebefordran/", "/vidarebefordran/skickade/", "/vidarebefordran/1780/ny/",
        "tip-forwarded",
    ],
    "centrum.rapportor": ["walk-planned"],
}  # fmt: skip


@pytest.mark.parametrize("user", list(PARTNER_PAGES))
@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_partner_pages_have_no_serious_accessibility_violations(page_for, live_demo, user, mobile):
    paths = []
    for path in PARTNER_PAGES[user]:
        if path.startswith("walk-"):
            path = demo_walk_path(path)
        elif path == "tip-forwarded":
            path = f"/invanare/tips/{forwarded_tip().pk}/"
        paths.append(path)
    found = pages_violations(page_for(user, mobile=mobile), live_demo["url"], paths)
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
