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


@pytest.mark.parametrize(
    "path",
    [
        "/", "/tips/?m=1780", "/kvitto/", "/kvitto/rapportera/", "/karta/1780/",
        "/karta/1780/?kategori=klotter&weeks=26", "/vad-vi-gor/", "survey", "/utan-nat/", "forwarded-tip",
    ],
)  # fmt: skip
@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_accessibility_violations(page_for, live_demo, survey, path, mobile):
    page = page_for(None, mobile=mobile)
    url = f"/trygghetsundersokning/{survey.pk}/" if path == "survey" else path
    if path == "forwarded-tip":
        url = f"/tips/status/{forwarded_tip().public_id}/"
    response = page.goto(live_demo["url"] + url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


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


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("fastighet.rapportor", "/m/1780/"), ("fastighet.rapportor", "/report/"),
        ("fastighet.rapportor", "/report/mina/"), ("fastighet.rapportor", "/report/import/"),
        ("karlstad.samordnare", "/m/1780/incidents/"),
        ("karlstad.samordnare", "/lagesbild/"), ("karlstad.samordnare", "/atgarder/"),
        ("karlstad.samordnare", "/atgarder/erfarenheter/"), ("karlstad.samordnare", "/atgarder/moten/"),
        ("karlstad.samordnare", "/atgarder/1780/ny/"), ("karlstad.samordnare", "/invanare/tips/"),
        ("karlstad.samordnare", "/invanare/kvitton/"), ("karlstad.samordnare", "/invanare/undersokningar/"),
        ("karlstad.samordnare", "/trygghetsvandringar/"), ("karlstad.samordnare", "/trygghetsvandringar/1780/ny/"),
        ("karlstad.samordnare", "/trygghetsvandringar/checklistor/"), ("karlstad.samordnare", "walk-report"),
        ("karlstad.samordnare", "walk-checklist"), ("centrum.rapportor", "walk-planned"),
        ("karlstad.samordnare", "/vidarebefordran/"), ("karlstad.samordnare", "/vidarebefordran/skickade/"),
        ("karlstad.samordnare", "/vidarebefordran/1780/ny/"), ("karlstad.samordnare", "tip-forwarded"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_partner_pages_have_no_serious_accessibility_violations(page_for, live_demo, user, path, mobile):
    path = demo_walk_path(path) if path.startswith("walk-") else path
    if path == "tip-forwarded":
        path = f"/invanare/tips/{forwarded_tip().pk}/"
    page = page_for(user, mobile=mobile)
    assert page.goto(live_demo["url"] + path).status == 200
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
