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
        "/karta/1780/?kategori=klotter&weeks=26", "/vad-vi-gor/", "survey", "/utan-nat/",
    ],
)  # fmt: skip
@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_accessibility_violations(page_for, live_demo, survey, path, mobile):
    page = page_for(None, mobile=mobile)
    url = f"/trygghetsundersokning/{survey.pk}/" if path == "survey" else path
    response = page.goto(live_demo["url"] + url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


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
    ],
)  # fmt: skip
@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_partner_pages_have_no_serious_accessibility_violations(page_for, live_demo, user, path, mobile):
    path = demo_walk_path(path) if path.startswith("walk-") else path
    page = page_for(user, mobile=mobile)
    assert page.goto(live_demo["url"] + path).status == 200
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
