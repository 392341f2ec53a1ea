"""Adding stops on the phone: position, answers, photos (stored without EXIF), note and proposal; a form with
errors is shown again (200), a success is a redirect, and the same idempotency key twice stores one stop."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.citizens.images import jpeg_with_gps
from tests.walks.conftest import STORA_TORGET, jpeg
from trygg.core.photos import photo_path
from trygg.walks.models import Answer, Stop, StopPhoto, Walk

pytestmark = pytest.mark.django_db


def url(walk) -> str:
    return f"/trygghetsvandringar/{walk.pk}/stopp/"


def key() -> str:
    return str(uuid.uuid4())


def test_the_walk_page_has_the_stop_form_of_the_contract(login, demo_orgs, walk):
    response = login(demo_orgs["users"]["centrum.rapportor"]).get(f"/trygghetsvandringar/{walk.pk}/")
    assert response.status_code == 200 and response["X-Trygg-Offline"] == "keep"
    html = response.content.decode()
    assert 'enctype="multipart/form-data" data-offline-queue data-offline-label="' in html
    assert 'name="idempotency_key"' in html and "csrfmiddlewaretoken" in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html and "multiple" in html
    assert 'name="answer-belysning"' in html and 'name="comment-belysning"' in html
    assert "Använd min position" in html or "Use my position" in html


def test_a_stop_with_answers_and_a_photo_carrying_gps(login, demo_orgs, walk):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert Image.open(SimpleUploadedFile("x.jpg", jpeg_with_gps())).getexif().get(0x8825)  # the upload has GPS
    data = {
        **STORA_TORGET,
        "answer-belysning": "problem",
        "comment-belysning": "Lampan vid trappan är trasig",
        "answer-folkliv": "ok",
        "note": "Mörkt vid trappan ner mot ån",
        "proposal": "Laga belysningen",
        "proposal_owner": demo_orgs["orgs"]["karlstads-kommun"].pk,
        "photos": [photo, SimpleUploadedFile("b.jpg", jpeg("green"), content_type="image/jpeg")],
        "idempotency_key": key(),
    }
    response = client.post(url(walk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stop = Stop.objects.get()
    assert response["Location"] == f"/trygghetsvandringar/{walk.pk}/?stopp=1#stopp-1"
    assert (stop.number, round(stop.lat, 4), round(stop.lon, 4)) == (1, 59.3794, 13.5035)
    assert dict(stop.answers.values_list("code", "verdict")) == {"belysning": "problem", "folkliv": "ok"}
    assert stop.answers.get(code="belysning").comment == "Lampan vid trappan är trasig"
    assert stop.proposal_owner.slug == "karlstads-kommun" and stop.created_by.username == "centrum.rapportor"
    assert stop.photos.count() == 2
    for item in stop.photos.all():
        with Image.open(photo_path("walks", item.name)) as stored:
            assert stored.format == "JPEG" and not stored.getexif()  # no GPS, no tags at all
    walk.refresh_from_db()
    assert walk.status == Walk.Status.WALKING  # the first stop starts the walk
    shown = client.get(f"/trygghetsvandringar/foton/{stop.photos.first().pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"


def test_the_same_key_twice_stores_one_stop(login, demo_orgs, walk):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    data = {**STORA_TORGET, "answer-skotsel": "problem", "note": "Klotter", "idempotency_key": key()}
    first = client.post(url(walk), data)
    again = client.post(url(walk), data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] and again["X-Trygg-Replayed"] == "1"
    reused = client.post(url(walk), {**data, "note": "Klotter (en annan stopp)"})  # the key of another stop: 409
    assert reused.status_code == 409 and "X-Trygg-Replayed" not in reused
    assert Stop.objects.count() == 1 and Stop.objects.get().note == "Klotter"
    other = client.post(url(walk), {**data, "idempotency_key": key()})
    assert other.status_code == 302 and list(Stop.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "Ingen plats"}, "Say where the stop is"),
        ({"lat": "59.2727", "lon": "15.2130", "note": "I Örebro"}, "outside Karlstad"),
        ({"lat": "59.3794", "note": "Halv position"}, "incomplete"),
        ({**STORA_TORGET}, "The stop is empty"),
        ({**STORA_TORGET, "comment-belysning": "utan svar"}, "Choose OK, problem or not applicable"),
        ({**STORA_TORGET, "answer-belysning": "kanske"}, "Select a valid choice"),
        ({**STORA_TORGET, "note": "Han med 811218-9876 stod här"}, "personal identity number"),
    ],
)
def test_a_stop_with_errors_is_shown_again_and_nothing_is_stored(login, demo_orgs, walk, data, message):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    client.cookies["django_language"] = "en"
    response = client.post(url(walk), {**data, "idempotency_key": key()})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Stop.objects.exists() and not Answer.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_naming_it(login, demo_orgs, walk):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    client.cookies["django_language"] = "en"
    bad = SimpleUploadedFile("virus.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(url(walk), {**STORA_TORGET, "note": "Foto", "photos": [bad], "idempotency_key": key()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "virus.jpg" in html and "not a readable image" in html and "<script>alert(1)" not in html
    assert not Stop.objects.exists() and not StopPhoto.objects.exists()


def test_a_named_place_gives_the_position_without_map_or_gps(login, demo_orgs, walk):
    from trygg.orgs.models import Place

    place = Place.objects.get(municipality_id="1780", name="Resecentrum")
    client = login(demo_orgs["users"]["centrum.rapportor"])
    response = client.post(url(walk), {"place": place.pk, "answer-orientering": "ok", "idempotency_key": key()})
    assert response.status_code == 302
    stop = Stop.objects.get()
    assert (stop.lat, stop.lon, stop.place) == (place.lat, place.lon, place)


def test_no_stop_is_added_to_a_finished_walk(login, demo_orgs, walk):
    Walk.objects.filter(pk=walk.pk).update(status=Walk.Status.DONE)
    client = login(demo_orgs["users"]["centrum.rapportor"])
    photo = SimpleUploadedFile("sent.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(url(walk), {**STORA_TORGET, "note": "Sent", "photos": photo, "idempotency_key": key()})
    assert response.status_code == 200 and not Stop.objects.exists()
    folder = photo_path("walks", "0" * 32 + ".jpg").parent
    assert not list(folder.glob("*.jpg"))  # the photo stored on the way was removed with the refused stop


def test_a_note_with_markup_is_shown_as_text(login, demo_orgs, walk):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    client.post(url(walk), {**STORA_TORGET, "note": "<script>alert('x')</script>", "idempotency_key": key()})
    html = client.get(f"/trygghetsvandringar/{walk.pk}/").content.decode()
    assert "<script>alert('x')</script>" not in html and "&lt;script&gt;" in html
