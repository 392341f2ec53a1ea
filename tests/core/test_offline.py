"""Forms a phone may send twice: the idempotency key stores a report once, also when two copies arrive at once;
photos on partners' reports lose their metadata; the service worker and the manifest are served."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.at_once import at_once
from tests.citizens.images import jpeg_with_gps
from tests.incidents.test_report_form import card, submission
from trygg.core import photos
from trygg.core.models import Submission
from trygg.incidents.models import Incident, IncidentPhoto


@pytest.fixture
def reporter(demo_orgs):
    return demo_orgs["users"]["fastighet.rapportor"], demo_orgs["orgs"]["fastighetsagarna"]


def _report(org, description: str, key: str | None) -> dict:
    data = submission(org, card(0, category="klotter", description=description))
    if key is not None:
        data["idempotency_key"] = key
    return data


@pytest.mark.django_db
def test_the_same_key_twice_stores_one_report_and_answers_with_the_first_redirect(login, reporter):
    user, org = reporter
    client = login(user)
    key = str(uuid.uuid4())
    first = client.post("/report/", _report(org, "Klotter vid porten", key))
    again = client.post("/report/", _report(org, "Klotter vid porten", key))
    assert first.status_code == again.status_code == 302
    assert again.url == first.url and again["X-Trygg-Replayed"] == "1"
    assert Incident.objects.filter(description="Klotter vid porten").count() == 1
    other = client.post("/report/", _report(org, "Klotter vid porten", str(uuid.uuid4())))
    assert other.status_code == 302
    assert Incident.objects.filter(description="Klotter vid porten").count() == 2  # a new key is a new report


@pytest.mark.django_db
def test_the_same_key_with_another_report_is_refused_with_409_and_stores_nothing(login, reporter):
    """Issue 23: a reused key with a different report was answered "replayed" and the second report dropped in
    silence. Now the phone hears 409 and a message, from the form and from the outbox alike, and the first report
    stays the only one."""
    user, org = reporter
    client = login(user)
    key = str(uuid.uuid4())
    assert client.post("/report/", _report(org, "Klotter vid porten", key)).status_code == 302
    other = client.post("/report/", _report(org, "Krossad ruta i tunneln", key))
    assert other.status_code == 409
    assert "X-Trygg-Replayed" not in other
    assert "nyckel" in other.content.decode()  # in Swedish, saying what happened
    queued = client.post(
        "/report/", _report(org, "Krossad ruta i tunneln", None), HTTP_IDEMPOTENCY_KEY=key, HTTP_X_TRYGG_QUEUE="1"
    )
    assert queued.status_code == 409
    assert not Incident.objects.filter(description="Krossad ruta i tunneln").exists()
    assert Incident.objects.filter(description="Klotter vid porten").count() == 1
    same = client.post("/report/", _report(org, "Klotter vid porten", key))  # the same report again: replayed
    assert same.status_code == 302 and same["X-Trygg-Replayed"] == "1"


@pytest.mark.django_db
def test_without_a_key_every_post_is_a_report_as_before(login, reporter):
    user, org = reporter
    client = login(user)
    for _ in range(2):
        assert client.post("/report/", _report(org, "Utan nyckel", None)).status_code == 302
    assert Incident.objects.filter(description="Utan nyckel").count() == 2
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_the_outbox_gets_json_and_a_form_with_errors_is_422_and_keeps_no_key(login, reporter):
    user, org = reporter
    client = login(user)
    key = str(uuid.uuid4())
    bad = submission(org, card(0, category="klotter", occurred_start="2999-01-01T10:00"))
    bad["idempotency_key"] = key
    refused = client.post("/report/", bad, headers={"X-Trygg-Queue": "1"})
    assert refused.status_code == 422
    assert "framtiden" in refused.content.decode()  # the form's own error, in Swedish
    assert not Submission.objects.filter(key=key).exists()
    fixed = client.post("/report/", _report(org, "Rättad", key), headers={"X-Trygg-Queue": "1"})
    assert fixed.status_code == 200 and fixed.json()["ok"] is True
    assert fixed.json()["location"].startswith("/report/mina/")
    replay = client.post("/report/", _report(org, "Rättad", key), headers={"X-Trygg-Queue": "1"})
    assert replay.json() == {**fixed.json(), "replayed": True}
    assert Incident.objects.filter(description="Rättad").count() == 1


@pytest.mark.django_db
def test_a_key_belongs_to_its_user(login, reporter, demo_orgs):
    user, org = reporter
    key = str(uuid.uuid4())
    assert login(user).post("/report/", _report(org, "Min", key)).status_code == 302
    other = Client()
    other.force_login(demo_orgs["users"]["centrum.rapportor"])
    centrum = demo_orgs["orgs"]["centrum-karlstad"]
    assert other.post("/report/", _report(centrum, "Annans", key)).status_code == 302
    assert Incident.objects.filter(description__in=["Min", "Annans"]).count() == 2


@pytest.mark.django_db
def test_a_malformed_key_is_refused_saying_what_a_key_is(login, reporter):
    user, org = reporter
    response = login(user).post("/report/", _report(org, "X", "kort"))
    assert response.status_code == 400 and "16 to 64" in response.content.decode()
    assert not Incident.objects.filter(description="X").exists()


@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_store_one_report(reporter, base_data):
    user, org = reporter
    key = str(uuid.uuid4())
    statuses = []

    def send():
        client = Client()
        client.force_login(user)
        statuses.append(client.post("/report/", _report(org, "Samtidigt", key)).status_code)

    at_once(send, threads=2)
    assert statuses == [302, 302]
    assert Incident.objects.filter(description="Samtidigt").count() == 1
    assert Submission.objects.filter(key=key).count() == 1


@pytest.mark.django_db
def test_a_partners_photo_is_stored_without_gps_and_shown_only_to_those_who_see_the_incident(
    login, reporter, demo_orgs
):
    user, org = reporter
    data = _report(org, "Med foto", str(uuid.uuid4()))
    data["incident-0-photo"] = SimpleUploadedFile("bild.jpg", jpeg_with_gps(), content_type="image/jpeg")
    data["incident-0-visibility"] = "internal"
    assert login(user).post("/report/", data).status_code == 302
    incident = Incident.objects.get(description="Med foto")
    stored = IncidentPhoto.objects.get(incident=incident)
    with Image.open(photos.photo_path("incidents", stored.name)) as image:
        assert not image.getexif() and "exif" not in image.info
        assert image.size == (20, 40)  # the orientation tag was applied before it was dropped
    url = f"/incidents/{incident.pk}/foto/{stored.pk}/"
    own = login(user).get(url)
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg" and own["X-Content-Type-Options"] == "nosniff"
    assert url in login(user).get(f"/incidents/{incident.pk}/").content.decode()
    outsider = Client()
    outsider.force_login(demo_orgs["users"]["centrum.rapportor"])
    assert outsider.get(url).status_code == 403  # an internal report of another organisation


@pytest.mark.django_db
def test_a_file_that_is_not_a_photo_is_refused_in_swedish_and_nothing_is_stored(login, reporter):
    user, org = reporter
    data = _report(org, "Fel fil", None)
    data["incident-0-photo"] = SimpleUploadedFile("bild.jpg", b"not an image at all", content_type="image/jpeg")
    response = login(user).post("/report/", data)
    assert response.status_code == 200
    assert "Filen är inte en bild som går att läsa." in response.content.decode()
    assert not Incident.objects.filter(description="Fel fil").exists()


@pytest.mark.django_db
def test_the_service_worker_lists_this_releases_files_and_the_manifest_installs(client, base_data):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    body = worker.content.decode()
    shell = json.loads(body.split("const SHELL_URLS = ", 1)[1].split(";\n", 1)[0])
    assert "/utan-nat/" in shell
    assert client.get("/utan-nat/").status_code == 200
    for url in shell:
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"].startswith("/report/")
    for icon in data["icons"]:
        with Image.open(finders.find(icon["src"].removeprefix(settings.STATIC_URL))) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


@pytest.mark.django_db
def test_the_report_form_is_kept_for_offline_use_and_other_pages_are_not(login, reporter):
    user, _org = reporter
    client = login(user)
    assert client.get("/report/")["X-Trygg-Offline"] == "keep"
    assert "X-Trygg-Offline" not in client.get("/").headers


@pytest.mark.django_db
def test_the_service_worker_learns_who_is_logged_in_and_gets_a_token_that_a_post_accepts(reporter, base_data):
    user, org = reporter
    client = Client(enforce_csrf_checks=True)
    assert client.get("/accounts/utkorg/").json() == {"user": "", "csrf": ""}
    client.force_login(user)
    answer = client.get("/accounts/utkorg/")
    assert "no-store" in answer["Cache-Control"]
    session = answer.json()
    assert session["user"] == str(user.pk)
    data = _report(org, "Från bakgrunden", str(uuid.uuid4()))
    refused = client.post("/report/", data)
    assert refused.status_code == 403  # no token: the CSRF check is on
    data["csrfmiddlewaretoken"] = session["csrf"]
    assert client.post("/report/", data).status_code == 302
    assert Incident.objects.filter(description="Från bakgrunden").count() == 1
