"""Leaflet's marker images load with hashed static file names (the manifest storage used in production).

The other browser tests serve static files from the source folders under their own names; these tests collect
them with whitenoise's manifest storage into a temporary STATIC_ROOT and let whitenoise serve the hashed files,
as ``trygg serve`` does.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

from tests.conftest import demo_world

pytestmark = pytest.mark.browser

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def hashed_static_server(tmp_path_factory, django_db_blocker):
    from django.conf import settings

    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=str(root), STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        assert list(root.glob("vendor/leaflet/images/marker-icon.*.png"))  # hashed copies exist
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        # no static handler of Django's: whitenoise's middleware serves STATIC_ROOT, hashed names included
        thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared)
        thread.daemon = True
        for conn in shared.values():
            conn.inc_thread_sharing()
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://{thread.host}:{thread.port}"
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


@pytest.fixture
def live_demo(transactional_db, hashed_static_server):
    """The demo organisations, behind the live server with hashed static files (used by ``page_for``)."""
    return demo_world(hashed_static_server)


def _watch_static(page):
    failed = []

    def check(response):
        # the broken guess asked for marker-icon.png next to the page, not under /static/: any image counts
        is_image = response.request.resource_type == "image" or "/static/" in response.url
        if is_image and response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", check)
    return failed


def _assert_marker_loaded(page, container: str):
    marker = page.locator(f"{container} img.leaflet-marker-icon")
    marker.wait_for()
    src = marker.get_attribute("src")
    assert "/static/" in src and "marker-icon" in src
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=marker.element_handle(), timeout=5000)
    shadow = page.locator(f"{container} img.leaflet-marker-shadow")
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=shadow.element_handle(), timeout=5000)


def test_the_tip_map_marker_image_loads_with_hashed_static_files(page_for, live_demo):
    page = page_for(None, mobile=True)
    failed = _watch_static(page)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo["url"] + "/tips/?m=1780")
    assert ".css" in page.locator("link[href*='leaflet']").get_attribute("href")
    assert page.locator("link[href*='leaflet']").get_attribute("href") != "/static/vendor/leaflet/leaflet.css"
    page.locator("#tip-map").click(position={"x": 150, "y": 120})
    assert page.locator("input[name=lat]").input_value() != ""
    _assert_marker_loaded(page, "#tip-map")
    page.wait_for_load_state("networkidle")
    assert failed == []
    assert errors == []


def test_the_report_map_marker_image_loads_with_hashed_static_files(page_for, live_demo):
    page = page_for("fastighet.rapportor")
    failed = _watch_static(page)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo["url"] + "/report/")
    card = page.locator(".incident-card").first
    card.locator(".mini-map").click(position={"x": 120, "y": 100})
    assert card.locator("input[name$='-lat']").input_value() != ""
    _assert_marker_loaded(page, ".incident-card .mini-map")
    page.wait_for_load_state("networkidle")
    assert failed == []
    assert errors == []


def test_the_service_worker_keeps_this_releases_hashed_files_and_each_of_them_loads(live_demo):
    import json
    import urllib.request

    with urllib.request.urlopen(live_demo["url"] + "/sw.js") as response:
        body = response.read().decode()
    shell = json.loads(body.split("const SHELL_URLS = ", 1)[1].split(";\n", 1)[0])
    assert any(".css" in url and url.count(".") >= 2 for url in shell)  # hashed names, e.g. trygg.1a2b3c.css
    for url in shell:
        with urllib.request.urlopen(live_demo["url"] + url) as response:
            assert response.status == 200, url
