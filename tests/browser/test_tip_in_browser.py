"""A resident files a tip by tapping the map, on a phone, and sees the confirmation."""

import pytest

from trygg.citizens.models import Tip

pytestmark = pytest.mark.browser


def test_resident_files_a_tip_by_tapping_the_map(page_for, live_demo):
    Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    page = page_for(None, mobile=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo["url"] + "/tips/?m=1780")
    assert "112" in page.locator(".notice").first.inner_text()
    page.select_option("select[name=service]", "klotter")
    page.locator("#tip-map").click(position={"x": 150, "y": 120})
    assert page.locator("input[name=lat]").input_value() != ""
    page.fill("textarea[name=description]", "Nytt klotter på elskåpet")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/tips/tack/**")
    assert "Tack" in page.locator("h1").inner_text()
    tip = Tip.objects.latest("created_at")
    assert tip.description == "Nytt klotter på elskåpet" and tip.lat is not None
    assert errors == []


def test_resident_says_me_too_about_an_open_tip_nearby_instead_of_sending_one(page_for, live_demo):
    page = page_for(None, mobile=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    held = []  # the answer about the first kind is held back until the second has been shown (a slow network)
    page.route("**/tips/nara/?service=nedskrapning*", lambda route: held.append(route))
    page.goto(live_demo["url"] + "/tips/?m=1780")
    page.select_option("select[name=service]", "nedskrapning")
    page.locator("#tip-map").click(position={"x": 150, "y": 120})
    lat, lon = (
        float(page.locator("input[name=lat]").input_value()),
        float(page.locator("input[name=lon]").input_value()),
    )
    tip = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=lat, lon=lon)  # where they tapped
    page.select_option("select[name=service]", "klotter")  # asks again for this kind
    page.locator("#nearby .js-me-too").wait_for()
    with page.expect_response("**/tips/nara/?service=nedskrapning*"):
        held[0].continue_()  # the earlier, now stale answer ("nothing nearby") arrives last
    page.wait_for_timeout(200)
    page.locator("#nearby .js-me-too").click(timeout=2000)
    page.locator("#nearby [role=status]").wait_for()
    assert Tip.objects.get(pk=tip.pk).me_too == 1 and Tip.objects.count() == 1
    assert errors == []
