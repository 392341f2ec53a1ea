"""The public pages pass axe-core's WCAG 2.1 A/AA rules with no serious or critical violation.

axe-core (Deque, MPL-2.0) is vendored under ``tests/browser/vendor`` and injected into the page by the test;
the application never serves it. The map tiles are blocked (no network), which does not affect the rules.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from trygg.citizens.models import Survey

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def violations(page) -> list[dict]:
    page.evaluate(AXE + "\n;true")  # DevTools evaluation: not subject to the page's Content-Security-Policy
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]


@pytest.fixture
def survey(live_demo):
    today = dt.date.today()
    return Survey.objects.create(
        municipality_id="1780", title="Trygghetsundersökning Karlstad", wave=1,
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip


@pytest.mark.parametrize(
    "path", ["/", "/tips/?m=1780", "/kvitto/", "/kvitto/rapportera/", "/karta/1780/", "/vad-vi-gor/", "survey"]
)
@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_accessibility_violations(page_for, live_demo, survey, path, mobile):
    page = page_for(None, mobile=mobile)
    url = f"/trygghetsundersokning/{survey.pk}/" if path == "survey" else path
    response = page.goto(live_demo["url"] + url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("path", ["/m/1780/", "/report/", "/report/import/"])
def test_partner_pages_have_no_serious_accessibility_violations(page_for, live_demo, path):
    page = page_for("fastighet.rapportor")
    page.goto(live_demo["url"] + path)
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
