"""The network on the case in a real browser: the SVG renders with its node labels and axe-core finds no
violation, on a desktop and on a phone."""

from __future__ import annotations

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.axe import violations
from tests.screening.test_network_view import build_planted_network
from trygg.screening.models import Entity

pytestmark = pytest.mark.browser


def verified_page(page_for, live_demo, device, mobile=False):
    page = page_for("karlstad.granskare", mobile=mobile)
    page.goto(live_demo["url"] + "/granskning/")
    page.wait_for_url("**/verifiera/**")  # the code is asked for before any page (the app is set up)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("main input[name=token]", f"{code:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(live_demo["url"] + "/granskning/")
    return page


def test_the_network_diagram_renders_and_has_no_accessibility_violations(page_for, live_demo):
    planted = build_planted_network(live_demo)
    case = planted["case"]
    user = live_demo["users"]["karlstad.granskare"]
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    address = Entity.objects.get(name__startswith="Hamngatan 10", dataset__kind="registry")
    url = f"{live_demo['url']}/granskning/arenden/{case.pk}/natverk/"

    page = verified_page(page_for, live_demo, device)
    page.goto(f"{live_demo['url']}/granskning/arenden/{case.pk}/")
    page.click("main a[href$='/natverk/']")  # reachable from the case page
    page.wait_for_url(url)
    svg = page.locator("main svg.network[role=img]")
    assert svg.count() == 1 and svg.is_visible()
    labels = page.locator("svg.network text.node-label").all_text_contents()
    for name in ("Krogen Stora Torget AB", "Nordlig Invest Holding AB", "Alex Nyberg", "Eva Ek"):
        assert name in labels
    assert any(label.startswith("Vasiliy Aleksandrovich") for label in labels)
    box = svg.bounding_box()
    assert box["width"] > 400 and box["height"] > 200  # laid out, not collapsed by the CSP or the stylesheet
    assert page.locator("svg.network g.listed").count() == 1
    assert violations(page) == []
    if os.environ.get("TRYGG_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["TRYGG_SCREENSHOTS"], "network.png"), full_page=True)

    page.goto(f"{url}?expand={address.pk}")  # the address hub opened: 39 more companies
    assert "Hamnbolaget 1 AB" in page.locator("svg.network text.node-label").all_text_contents()
    assert violations(page) == []
    if os.environ.get("TRYGG_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["TRYGG_SCREENSHOTS"], "network-expanded.png"), full_page=True)

    second = TOTPDevice.objects.create(user=user, name="Surfplatta", confirmed=True)  # a code is used only once
    phone = verified_page(page_for, live_demo, second, mobile=True)
    assert phone.goto(url).status == 200
    assert phone.locator("svg.network text.node-label").count() == len(labels)
    assert violations(phone) == []

    search = f"{live_demo['url']}/granskning/sok/?case={case.pk}&q=Krogen+Stora+Torget"
    assert page.goto(search).status == 200
    assert "Krogen Stora Torget AB" in page.locator("main table").inner_text()
    assert violations(page) == []
    if os.environ.get("TRYGG_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["TRYGG_SCREENSHOTS"], "search.png"), full_page=True)
