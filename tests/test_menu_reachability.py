"""Every page a role uses can be found: starting from the start page, following only the links on the pages
(the menu first), each role reaches every page it works with. A page in the access table that no role reaches
by links and that is not reached another way (named below, with the reason) fails the test."""

from __future__ import annotations

import io
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from tests.forwarding.matrix import COORDINATOR_PAGES as FORWARDING_PAGES
from tests.forwarding.matrix import NOT_BY_LINK as FORWARDING_NOT_BY_LINK
from trygg.orgs.access_table import ACCESS

# pages reached otherwise than by a link on a page, and why
NOT_BY_LINK = {
    "logout": "a POST from the header's button",
    "set_language": "a POST from the header's language menu",
    "citizens:tip_action": "the triage buttons post to it",
    "citizens:tip_nearby": "asked by the tip form's script",
    "citizens:tip_me_too": "a POST from the tip form's script",
    "citizens:tip_thanks": "shown after a tip is sent",
    "citizens:tip_status": "linked from the thanks page and in the resident's e-mails",
    "citizens:tip_reply": "the reply form on the tip's page posts to it",
    "citizens:followup": "the link in the follow-up e-mail",
    "screening_public:applicant": "the one-time link in the e-mail (or letter) to the applicant",
    "core:unsubscribe": "the link in every e-mail",
    "citizens:tip_photo": "an image on the tip's page",
    "incidents:photo": "an image on the incident's page",
    "core:service_worker": "registered by the pages' script (offline.js)",
    "core:manifest": "the manifest link in every page's head",
    "core:offline": "shown by the service worker for a page it did not keep, without network",
    "core:outbox_session": "asked by the service worker before it sends kept forms in the background",
    "password_reset_confirm": "the link in the reset e-mail",
    "password_reset_done": "shown after asking for a reset",
    "password_reset_complete": "shown after a new password is set",
    "password_change_done": "shown after changing the password",
    "two_factor_off": "a POST from the account page",
    "measures:meeting_new": "a POST from the meetings page",
    "situation:status": "polled by the progress bar",
    "situation:narrative": "a POST from the report page",
    "situation:pdf": "a download link (not crawled: a file)",
    "situation:json": "a download link (not crawled: a file)",
    "situation:csv": "a download link (not crawled: a file)",
    "situation:docx": "a download link (not crawled: a file)",
    "measures:plan_docx": "a download link (not crawled: a file)",
    **{name: "the Open311 API, for programs" for name in ACCESS if name.startswith("open311:")},
    **{
        name: "screening, behind the second factor: tests/browser/test_screening_in_browser.py"
        for name in ACCESS
        if name.startswith("screening:")
    },
    "two_factor_verify": "linked from the account page when off; asked for at login when on",
    "orgs:accept": "the link in the invitation e-mail",
    "orgs:partner_request": "linked from the Administration page of the asked admins, and in their e-mail",
    "orgs:member_remove": "a POST from the member's page",
    "orgs:invitation_withdraw": "a POST from the members page",
    "orgs:cooperation_remove": "a POST from the cooperation's page",
    "orgs:partner_request_withdraw": "a POST from the cooperation's page, beside a waiting request",
    "sso:start": "the identity provider's button on the login page (shown when one is configured)",
    "sso:callback": "where the identity provider sends the browser back",
    "sso:mapping_delete": "a POST from the sign-in mappings page",
    **FORWARDING_NOT_BY_LINK,
    "walks:stop_new": "the walk page's form posts to it",
    "walks:status": "a POST from the walk page",
    "walks:convert": "the report's buttons post to it",
    "walks:checklist_copy": "a POST from the checklists page",
    "walks:report_pdf": "a download link (not crawled: a file)",
    "walks:photo": "an image on the walk page",
    "partnercheck:index": "the menu of the business-check role, which no demo user has (tests/test_partnercheck.py)",
    "partnercheck:check": "the receipt: shown after a check, listed on the check page",
    "partnercheck:pdf": "a download link (not crawled: a file)",
    "partnercheck:concern_new": "the receipt's form posts to it",
    "partnercheck:concerns": "screening, behind the second factor: in the officers' menu (tests/test_partnercheck.py)",
    "partnercheck:concern_handled": "a POST from the concerns page",
}

# what each role works with, reached by links from its start page
ROLES = {
    None: {"site:home", "citizens:tip_new", "citizens:receipt_campaign", "citizens:receipt_new", "citizens:survey",
           "citizens:public_map", "measures:public", "login", "password_reset"},
    "karlstad.samordnare": {
        "site:home", "incidents:report", "incidents:mine", "incidents:import", "incidents:dashboard",
        "incidents:list", "incidents:detail", "incidents:edit", "situation:index", "situation:report",
        "situation:compare", "measures:index", "measures:library", "measures:meetings", "measures:meeting",
        "measures:measure", "measures:measure_new", "measures:measure_edit", "measures:place", "measures:place_new",
        "measures:place_edit", "measures:agreement", "measures:agreement_new", "measures:plan", "measures:public",
        "citizens:triage", "citizens:tip_detail", "citizens:receipt_summary", "citizens:survey_list",
        "citizens:survey_new", "citizens:survey_results", "account", "core:messages", "password_change",
        "orgs:admin", "orgs:places", "orgs:place_new", "orgs:place_edit", "orgs:place_delete",
        "walks:index", "walks:plan", "walks:edit", "walks:walk", "walks:report", "walks:checklists",
        "walks:checklist_edit",
    } | FORWARDING_PAGES,
    "karlstad.admin": {
        "site:jobs", "account", "core:messages", "orgs:admin", "orgs:members", "orgs:invite", "orgs:member",
        "orgs:cooperation", "orgs:cooperation_partner", "orgs:places", "orgs:place_new", "orgs:place_edit",
        "orgs:place_delete", "sso:mappings",
    },
    "centrum.rapportor": {"site:home", "incidents:report", "incidents:mine", "incidents:detail", "account",
                          "walks:index", "walks:walk", "walks:report"},
    "bra.lasare": {"site:home", "incidents:list", "situation:index", "measures:index", "measures:meetings"},
}  # fmt: skip
SKIP_CRAWL = ("/static/", "/media/", "/admin/", "/i18n/", "/open311/", "/accounts/logout/")
PER_NAME = 3  # pages crawled per URL name (enough to reach the next kind of page)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def crawl(client: Client, limit: int = 600, on_page=None, pages_per_name: int = PER_NAME) -> set[str]:
    """URL names reached by following links from the start page (GET only, this site only); ``on_page(url, name,
    html)`` is called for every HTML page read."""
    seen_urls, names, per_name = set(), set(), Counter()
    queue = deque(["/"])
    while queue and len(seen_urls) < limit:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        try:
            name = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_name[name] >= pages_per_name:
            continue
        per_name[name] += 1
        names.add(name)
        if name in NOT_BY_LINK:
            continue  # reached; its content is a file, an API answer or behind another gate
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if on_page is not None:
            on_page(url, name, html)
        parser = Links()
        parser.feed(html)
        for href in parser.hrefs:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or href.startswith(SKIP_CRAWL):
                continue
            queue.append(href)
    return names


@pytest.mark.django_db
def test_every_page_of_the_access_table_is_reached_by_a_link_or_named_here():
    declared = set().union(*ROLES.values()) | set(NOT_BY_LINK)
    assert not set(ACCESS) - declared, f"pages no role reaches by a link: {sorted(set(ACCESS) - declared)}"
    assert not declared - set(ACCESS), f"names here that are not pages: {sorted(declared - set(ACCESS))}"


@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_each_role_reaches_its_pages_from_its_start_page_by_links(shared_data):
    from tests.conftest import ensure_base_data
    from trygg.orgs.models import User

    ensure_base_data()
    call_command("load_demo", "--data", str(shared_data), "--quiet-logins", stdout=io.StringIO())
    missing = {}
    for username, expected in ROLES.items():
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        reached = crawl(client)
        if expected - reached:
            missing[username or "anonymous"] = sorted(expected - reached)
    assert not missing, f"pages a role may use but cannot find by links: {missing}"
