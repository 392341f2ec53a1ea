"""A participant adds a stop to the demo's walk planned for today, on a phone: the position from the phone, an
answer with a comment, a photo, a note; the stop is stored once with the position and a photo without EXIF."""

from __future__ import annotations

import pytest
from django.utils import timezone
from PIL import Image

from tests.citizens.images import jpeg_with_gps
from trygg.core.photos import photo_path
from trygg.demo import walks as demo_walks
from trygg.walks.models import Stop, Walk

pytestmark = pytest.mark.browser


@pytest.fixture
def planned(live_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_walks.load(timezone.localdate())
    return Walk.objects.get(title=demo_walks.PLANNED_TITLE)


def test_a_participant_adds_a_stop_on_the_phone(page_for, live_demo, planned, tmp_path):
    page = page_for("centrum.rapportor", mobile=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.context.grant_permissions(["geolocation"], origin=live_demo["url"])
    page.context.set_geolocation({"latitude": 59.37935, "longitude": 13.50390, "accuracy": 10})
    page.goto(live_demo["url"] + "/trygghetsvandringar/")
    page.click(f'a[href="/trygghetsvandringar/{planned.pk}/"]')
    page.wait_for_load_state("load")  # the page's script has bound the buttons (a click before it did nothing)
    assert planned.title in page.locator("h1").inner_text()
    page.click("#stop-form .js-locate")
    page.wait_for_function("() => document.querySelector('#stop-form input[name=lat]').value !== ''")
    assert abs(float(page.locator("#stop-form input[name=lat]").input_value()) - 59.37935) < 1e-4
    page.check("input[name=answer-belysning][value=problem]")
    page.fill("input[name=comment-belysning]", "Släckt lampa vid trappan")
    page.check("input[name=answer-folkliv][value=ok]")
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.set_input_files("input[name=photos]", str(photo))
    page.fill("textarea[name=note]", "Mörkt vid trappan mot ån")
    page.fill("textarea[name=proposal]", "Byt armaturen")
    page.click("#stop-form button[type=submit].primary")
    page.wait_for_url(f"**/trygghetsvandringar/{planned.pk}/?stopp=1#stopp-1")
    page.locator("#stopp-1").wait_for()
    assert "Mörkt vid trappan mot ån" in page.locator("#stopp-1").inner_text()
    stop = Stop.objects.get(walk=planned)
    assert (round(stop.lat, 4), round(stop.lon, 4)) == (59.3794, 13.5039)
    assert stop.answers.get(code="belysning").comment == "Släckt lampa vid trappan"
    with Image.open(photo_path("walks", stop.photos.get().name)) as stored:
        assert not stored.getexif()
    photo_shown = page.locator("#stopp-1 img")
    photo_shown.scroll_into_view_if_needed()  # loading="lazy": it loads when it comes into view
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=photo_shown.element_handle(), timeout=10000)
    assert errors == []
