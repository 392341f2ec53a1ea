"""A coordinator of Karlstad signs in with the municipality's account at a real OpenID Connect provider on loopback,
lands on the start page and reaches every page of the role's menu by clicking; a group that gives no role is
refused with a message that says why."""

from __future__ import annotations

import pytest

from tests.browser.axe import violations
from tests.oidc_provider import configure, oidc_provider  # noqa: F401 - fixture
from trygg.sso.models import ClaimMapping

pytestmark = pytest.mark.browser


@pytest.fixture
def idp(oidc_provider, settings, live_demo):  # noqa: F811
    configure(settings, oidc_provider, live_demo["url"] + "/accounts/sso/kommun/klar/")
    ClaimMapping.objects.create(
        provider="kommun",
        claim="groups",
        value="trygg-samordnare",
        organisation=live_demo["orgs"]["karlstads-kommun"],
        role="coordinator",
    )
    return oidc_provider


@pytest.fixture
def context(browser, live_demo, idp):
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    allowed = (live_demo["url"], idp.issuer)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(allowed) else route.abort())
    yield context
    context.close()


def sign_in_at_provider(page, live_demo, idp, username: str) -> None:
    page.goto(live_demo["url"] + "/accounts/login/")
    page.get_by_role("link", name="Logga in med Karlstads kommun").click()
    page.wait_for_url(idp.issuer + "/authorize*")
    page.fill("#u", username)
    page.fill("#p", idp.people[username].password)
    page.get_by_role("button", name="Logga in").click()


def test_a_coordinator_signs_in_with_the_municipality_account_and_reaches_every_menu_page(context, live_demo, idp):
    idp.add("kim.sso", groups=["trygg-samordnare"])
    page = context.new_page()
    sign_in_at_provider(page, live_demo, idp, "kim.sso")
    page.wait_for_url(live_demo["url"] + "/")
    assert "Att göra" in page.inner_text("main")  # the role's start page
    assert violations(page) == []
    entries = page.eval_on_selector_all(
        "nav[aria-label] a", "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    labels = [label for label, _ in entries]
    for expected in ("Start", "Rapportera", "Händelser", "Lägesbilder", "Åtgärder", "Möten", "Invånarnas tips"):
        assert expected in labels, labels
    for label, href in entries:
        page.goto(live_demo["url"] + "/")
        with page.expect_navigation() as navigation:
            page.locator("nav[aria-label] a", has_text=label).first.click()
        response = navigation.value
        assert response is not None and response.status == 200, f"{label} ({href}): {response and response.status}"
        assert page.locator("h1").count() >= 1, f"{label} ({href}) has no heading"
        assert "/accounts/login/" not in page.url, f"{label} sent the signed-in user to the login page"


def test_a_group_without_a_role_is_refused_in_plain_words(context, live_demo, idp):
    idp.add("ekonom", groups=["ekonomi"])
    page = context.new_page()
    sign_in_at_provider(page, live_demo, idp, "ekonom")
    page.wait_for_url(live_demo["url"] + "/accounts/sso/kommun/klar/*")
    assert "ger ingen roll i Trygg" in page.inner_text("main")
    assert violations(page) == []
