"""A reporter without network: three reports, one with a photo, and a three-stop safety walk made on the phone
with the network switched off are kept on the phone, said to wait, and arrive exactly once when the network
returns (Chromium, the real service worker and IndexedDB; the network switched off by the browser's own
emulation)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.citizens.images import jpeg_with_gps
from trygg.core import photos
from trygg.core.models import Submission
from trygg.demo import walks as demo_walks
from trygg.incidents.models import Incident, IncidentPhoto
from trygg.walks.models import Stop, Walk

pytestmark = pytest.mark.browser

DESCRIPTIONS = ["Trasig belysning i trapphuset", "Klotter på porten", "Folksamling vid tunneln"]
STOP_NOTES = ["Mörkt under bron", "Buskarna skymmer gångvägen", "Ingen skylt mot stationen"]


@pytest.fixture
def planned_walk(live_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_walks.load(timezone.localdate())
    return Walk.objects.get(title=demo_walks.PLANNED_TITLE)


def phone(browser, live_demo):
    context = browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", viewport={"width": 390, "height": 844}, is_mobile=True,
        has_touch=True,
    )  # fmt: skip
    base = live_demo["url"]
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "centrum.rapportor")
    page.fill("#id_password", "trygg-demo")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return context, page


def kept_on_the_phone(page, url: str) -> None:
    """Open ``url`` with the network on and wait until the service worker controls it and has kept it."""
    page.goto(url)
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000
    )
    page.wait_for_function("() => caches.match(location.href).then(Boolean)", timeout=15000)


def fill_report(page, index: int, photo_path=None) -> None:
    card = page.locator(".incident-card").first
    card.locator("select[name$='-category']").select_option(label=["Klotter", "Nedskräpning", "Otrygg plats"][index])
    card.locator(".mini-map").click(position={"x": 100 + 30 * index, "y": 90})
    card.locator("textarea").fill(DESCRIPTIONS[index])
    if photo_path:
        card.locator("input[type=file]").set_input_files(str(photo_path))
    page.click("button[type=submit].primary")


def add_stop(page, index: int) -> None:
    form = page.locator("#stop-form")
    form.locator(".js-stop-map").click(position={"x": 80 + 40 * index, "y": 80})
    form.locator("input[name=answer-belysning][value=problem]").check()
    form.locator("textarea[name=note]").fill(STOP_NOTES[index])
    form.locator("button[type=submit].primary").click()


def _keep_report_post(request, kept: list) -> None:
    if request.method == "POST" and request.url.endswith("/report/") and "idempotency-key" in request.headers:
        wanted = ("content-type", "idempotency-key", "x-trygg-queue")
        headers = {k: v for k, v in request.headers.items() if k in wanted}
        kept.append({"url": request.url, "headers": headers, "body": request.post_data_buffer})


def test_reports_a_photo_and_a_walk_made_offline_arrive_exactly_once(browser, live_demo, planned_walk, tmp_path):
    context, page = phone(browser, live_demo)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sent_reports = []  # what the phone posted, byte for byte, to send one of them again below
    context.on("request", lambda request: _keep_report_post(request, sent_reports))
    walk_url = f"{live_demo['url']}/trygghetsvandringar/{planned_walk.pk}/"
    kept_on_the_phone(page, live_demo["url"] + "/report/mina/")
    kept_on_the_phone(page, walk_url)
    kept_on_the_phone(page, live_demo["url"] + "/report/")
    photo = tmp_path / "trapphus.jpg"
    photo.write_bytes(jpeg_with_gps())

    context.set_offline(True)
    outbox = page.locator("#offline-outbox")
    for index in range(3):
        fill_report(page, index, photo if index == 1 else None)
        expect(outbox).to_have_attribute("data-waiting", str(index + 1), timeout=15000)
    expect(outbox).to_contain_text("3 rapporter väntar på att skickas")

    page.goto(walk_url)  # the walk's page, without network: from the phone
    for index in range(3):
        add_stop(page, index)
        expect(outbox).to_have_attribute("data-waiting", str(4 + index), timeout=15000)
    expect(outbox).to_contain_text("6 rapporter väntar på att skickas")
    assert not Incident.objects.filter(description__in=DESCRIPTIONS).exists()  # nothing reached the server
    assert not Stop.objects.filter(walk=planned_walk).exists()

    page.goto(live_demo["url"] + "/report/mina/")  # my reports, without network: from the phone
    expect(page.locator("#outbox-list li")).to_have_count(6)
    expect(page.locator("#outbox-list")).to_contain_text("väntar på nät")

    context.set_offline(False)  # the network returns: the page sends what waits
    expect(outbox).to_have_attribute("data-waiting", "0", timeout=30000)
    expect(outbox).to_contain_text("Allt som väntade har skickats")
    page.reload()
    expect(page.locator("#outbox-list li")).to_have_count(0)
    for description in DESCRIPTIONS:
        assert Incident.objects.filter(description=description).count() == 1, description
    with_photo = Incident.objects.get(description=DESCRIPTIONS[1])
    stored = IncidentPhoto.objects.get(incident__description__in=DESCRIPTIONS)
    assert stored.incident == with_photo
    with Image.open(photos.photo_path("incidents", stored.name)) as image:
        assert not image.getexif()
    stops = Stop.objects.filter(walk=planned_walk).order_by("number")
    assert sorted(stop.note for stop in stops) == sorted(STOP_NOTES)  # each stop once
    assert all(stop.answers.get(code="belysning").verdict == "problem" for stop in stops)
    assert len({(stop.lat, stop.lon) for stop in stops}) == 3  # three taps, three places
    assert Submission.objects.filter(user__username="centrum.rapportor").count() == 6

    # the answer of one of them is lost and the phone sends the same report again: still one report
    first = sent_reports[0]
    again = context.request.post(first["url"], headers=first["headers"], data=first["body"])
    assert again.ok and again.json()["replayed"]
    # the key of a stored report with another report under it: refused (409), never dropped in silence
    item = Submission.objects.get(user__username="centrum.rapportor", key=first["headers"]["idempotency-key"])
    reused = page.evaluate(
        """async (key) => {
            const body = new FormData();
            body.append("csrfmiddlewaretoken", document.cookie.match(/csrftoken=([^;]+)/)[1]);
            body.append("idempotency_key", key);
            const response = await fetch("/report/", {method: "POST", body, headers: {"X-Trygg-Queue": "1"}});
            return response.status;
        }""",
        item.key,
    )
    assert reused == 409
    for description in DESCRIPTIONS:
        assert Incident.objects.filter(description=description).count() == 1
    assert Stop.objects.filter(walk=planned_walk).count() == 3
    assert errors == []
    context.close()


def test_the_service_worker_sends_what_waits_when_no_page_of_trygg_sends_it(browser, live_demo):
    """Background sync: with the form kept and only a page without the queue's script open (the page shown
    without network), the service worker sends it itself, as the browser's sync event makes it do."""
    context, page = phone(browser, live_demo)
    kept_on_the_phone(page, live_demo["url"] + "/report/")
    context.set_offline(True)
    fill_report(page, 0)
    expect(page.locator("#offline-outbox")).to_have_attribute("data-waiting", "1", timeout=15000)
    page.goto(live_demo["url"] + "/utan-nat/")  # from the phone's shell: no outbox script on it
    assert page.locator("#offline-outbox").count() == 0
    context.set_offline(False)
    page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.postMessage({type: 'send-outbox'}))")
    for _ in range(100):
        if Incident.objects.filter(description=DESCRIPTIONS[0]).exists():
            break
        page.wait_for_timeout(100)
    assert Incident.objects.filter(description=DESCRIPTIONS[0]).count() == 1
    page.goto(live_demo["url"] + "/report/mina/")
    expect(page.locator("#outbox-list li")).to_have_count(0)
    context.close()


def test_logging_out_with_reports_waiting_asks_first(browser, live_demo):
    context, page = phone(browser, live_demo)
    kept_on_the_phone(page, live_demo["url"] + "/report/")
    context.set_offline(True)
    fill_report(page, 2)
    expect(page.locator("#offline-outbox")).to_have_attribute("data-waiting", "1", timeout=15000)
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.locator("form[data-logout] button").click()
    assert asked and "väntar fortfarande" in asked[0]
    assert page.locator("form[data-logout]").count() == 1  # still here: the reporter chose to stay
    assert page.locator("#offline-outbox").get_attribute("data-waiting") == "1"
    context.close()
