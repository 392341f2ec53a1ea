"""Browser tests: Debian's Chromium, headless, driven by Playwright against the live test server."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError("Chromium is missing: 'make test' installs Debian's chromium package")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_demo):
    """A logged-in page: ``page_for(username, mobile=False)``. Requests to other origins are refused."""
    contexts = []

    def _open(username: str | None = None, mobile: bool = False):
        options = {"locale": "sv-SE", "timezone_id": "Europe/Stockholm"}
        if mobile:
            options |= {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
        context = browser.new_context(**options)
        contexts.append(context)
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith(live_demo["url"]) else route.abort(),
        )
        page = context.new_page()
        if username:
            page.goto(live_demo["url"] + "/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "trygg-demo")
            page.click("button[type=submit]")
            # the start page, or first the code from the authenticator app when the user has set one up
            page.wait_for_url(lambda url: url == live_demo["url"] + "/" or "/accounts/tvastegs/verifiera/" in url)
        return page

    yield _open
    for context in contexts:
        context.close()
