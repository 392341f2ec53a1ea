"""Residents: the public map's k-threshold, photo cleaning, triage, surveys, receipts, injection payloads."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from tests.factories import make_incident
from trygg.analysis.survey import change_between_waves, group_index, respondent_index
from trygg.citizens import surveys
from trygg.citizens.models import ReceiptReport, Survey, SurveyCode, SurveyResponse, Tip, Venue
from trygg.citizens.publicmap import publication
from trygg.core import photos
from trygg.incidents.models import Incident
from trygg.orgs.models import Municipality

from .images import jpeg_with_gps

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def offset(lat, lon, north, east):
    return lat + north / 111_320, lon + east / (111_320 * math.cos(math.radians(lat)))


def test_the_public_map_shows_only_cells_with_at_least_k_and_no_points(client, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    today = timezone.localdate()
    last_week = timezone.now() - dt.timedelta(days=today.weekday() + 3)  # the map counts whole weeks that ended
    for i in range(5):
        make_incident(org=org, visibility="public", point=offset(59.3794, 13.5035, 3 * i, 0), when=last_week)
    for i in range(4):  # another cell, 1 km away: below k
        make_incident(org=org, visibility="public", point=offset(59.3794, 13.5035, 1000 + 3 * i, 0), when=last_week)
    for i in range(10):  # not public
        make_incident(org=org, visibility="partners", point=offset(59.3794, 13.5035, 2000 + 3 * i, 0), when=last_week)
    data = publication(Municipality.objects.get(code="1780"), today)["views"]["/12"]
    assert [c["low"] for c in data["cells"]] == [5]
    assert data["hidden"] == {"kind": "fewer", "n": 10}  # 4, given as a range
    page = client.get("/karta/1780/").content.decode()
    assert "59.3794," not in page and "13.5035" not in page  # no incident coordinates
    with override_settings(TRYGG_PUBLIC_MAP_K=6):
        assert publication(Municipality.objects.get(code="1780"), today)["views"]["/12"]["cells"] == []


def test_photo_metadata_is_stripped_and_orientation_kept(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the test image really has GPS data
    name = photos.clean_photo(SimpleUploadedFile("a.jpg", raw, content_type="image/jpeg"))
    cleaned = Image.open(tmp_path / "tips" / name)
    assert not cleaned.getexif()  # no EXIF at all
    assert b"Exif" not in (tmp_path / "tips" / name).read_bytes()
    assert cleaned.size == (20, 40)  # rotated upright before the tags were dropped


@pytest.mark.parametrize("content", [b"GIF89a not really", b"%PDF-1.4", b"<svg onload=alert(1)>"])
def test_non_images_and_unsupported_types_are_refused(tmp_path, settings, content):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(photos.PhotoError):
        photos.clean_photo(SimpleUploadedFile("x.jpg", content))


def test_a_resident_sends_a_tip_with_a_photo_and_a_coordinator_triages_it(client, login, demo_orgs, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = client.post(
        "/tips/",
        {
            "municipality": "1780",
            "service": "klotter",
            "lat": "59.3794",
            "lon": "13.5035",
            "description": XSS,
            "email": "boende@example.se",
            "photo": SimpleUploadedFile("k.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.photo and tip.email == "boende@example.se"
    assert not {f.name for f in Tip._meta.fields} & {"ip", "ip_address", "user_agent"}
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    listing = coordinator.get("/invanare/tips/").content.decode()
    detail = coordinator.get(f"/invanare/tips/{tip.pk}/").content.decode()
    for page in (listing, detail):
        assert '<script>alert("x")' not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page
    photo = coordinator.get(f"/invanare/tips/{tip.pk}/foto/")
    assert photo["Content-Type"] == "image/jpeg" and photo["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in photo["Content-Security-Policy"]
    coordinator.post(f"/invanare/tips/{tip.pk}/atgard/", {"action": "accept"})
    tip.refresh_from_db()
    assert tip.status == "accepted" and tip.incident.source == "tip" and tip.incident.category.code == "klotter"
    assert len(mail.outbox) == 1 and "registrerats" in mail.outbox[0].body and "112" in mail.outbox[0].body
    assert "Om två veckor frågar vi" in mail.outbox[0].body
    assert tip.email == "boende@example.se" and tip.closed_at  # kept for the follow-up (tests/core/test_jobs.py)
    assert "avsluta" in mail.outbox[0].body  # the link that forgets the address at once


def test_merge_and_reject_need_what_they_need(login, demo_orgs):
    first = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    second = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3795, lon=13.5035)
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    coordinator.post(f"/invanare/tips/{first.pk}/atgard/", {"action": "reject", "reason": ""})
    first.refresh_from_db()
    assert first.is_open  # a reason is required
    coordinator.post(f"/invanare/tips/{second.pk}/atgard/", {"action": "merge", "into": first.pk})
    coordinator.post(f"/invanare/tips/{first.pk}/atgard/", {"action": "reject", "reason": "Redan sanerat"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.status_note, second.status, second.merged_into_id) == (
        "rejected",
        "Redan sanerat",
        "merged",
        first.pk,
    )


def test_only_coordinators_triage(client, login, demo_orgs):
    tip = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    assert client.get("/invanare/tips/").status_code == 302
    for username in ["fastighet.rapportor", "bra.lasare", "orebro.samordnare"]:
        page = login(demo_orgs["users"][username]).get(f"/invanare/tips/{tip.pk}/")
        assert page.status_code == 403, username


def test_nearby_open_tips_are_answered_per_public_grid_cell(base_data, client, settings):
    from trygg.analysis.grid import to_lonlat, to_projected

    near = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3850, lon=13.5035)  # ~620 m north
    Tip.objects.create(municipality_id="1780", service_code="nedskrapning", lat=59.3794, lon=13.5036)
    found = client.get("/tips/nara/?service=klotter&lat=59.37945&lon=13.5035").json()["tips"]
    assert len(found) == 1
    # every point of the cell around the tip gets the same answer: asking cannot narrow the tip's position
    x, y = to_projected([near.lon], [near.lat])
    x0, y0 = (x[0] // 100) * 100, (y[0] // 100) * 100
    settings.TRYGG_RATE_LIMITS = {"nearby": (1000, 3600)}
    answers = set()
    for dx in (0.5, 25, 50, 75, 99.5):
        for dy in (0.5, 25, 50, 75, 99.5):
            lon, lat = to_lonlat([x0 + dx], [y0 + dy])
            answers.add(client.get(f"/tips/nara/?service=klotter&lat={lat[0]}&lon={lon[0]}").content)
    assert len(answers) == 1


def test_nearby_lookups_are_rate_limited(client, settings):
    settings.TRYGG_RATE_LIMITS = {"nearby": (3, 3600)}
    codes = [client.get("/tips/nara/?service=klotter&lat=59.3794&lon=13.5035").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_tip_form_honeypot_and_rate_limit(client, demo_orgs):
    data = {"municipality": "1780", "service": "klotter", "lat": "59.3794", "lon": "13.5035"}
    assert client.post("/tips/", {**data, "website": "spam"}).status_code == 200
    assert not Tip.objects.exists()
    with override_settings(TRYGG_RATE_LIMITS={"tip": (2, 3600)}):
        codes = [client.post("/tips/", data).status_code for _ in range(3)]
    assert codes == [302, 302, 200]
    assert Tip.objects.count() == 2


def test_survey_index_worked_example():
    # one respondent: worry 2 ("some time"), safety outdoors 6 ("very unsafe") → (2 + 6) / 2 = 4.0
    assert respondent_index({"oro_brott": 2, "trygg_ute": 6}, ("oro_brott", "trygg_ute")) == 4.0
    # half the items missing is still an index; more than half missing is not
    assert respondent_index({"oro_brott": 2, "trygg_ute": None}, ("oro_brott", "trygg_ute")) == 2.0
    assert respondent_index({"a": 2, "b": None, "c": None}, ("a", "b", "c")) is None
    # 15 respondents: ten at 2 and five at 5 → mean 3.0; sd = sqrt(30/14); t(0.975, 14) = 2.1448
    group = group_index([2.0] * 10 + [5.0] * 5)
    half = 2.1448 * math.sqrt(30 / 14) / math.sqrt(15)
    assert group.mean == pytest.approx(3.0)
    assert (group.low, group.high) == pytest.approx((3.0 - half, 3.0 + half), abs=1e-3)
    assert group_index([3.0] * 14).suppressed and group_index([3.0] * 14).mean is None
    change = change_between_waves([4.0] * 8 + [2.0] * 8, [2.0] * 8 + [0.0] * 8)
    assert change.difference == pytest.approx(-2.0) and change.high < 0


def survey(mode="cookie"):
    today = timezone.localdate()
    return Survey.objects.create(
        municipality_id="1780",
        title="Test",
        wave=1,
        mode=mode,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )


ANSWERS = {item.code: "2" for item in surveys.ITEMS}


def test_one_answer_per_browser_in_cookie_mode(client, base_data):
    s = survey()
    first = client.post(f"/trygghetsundersokning/{s.pk}/", ANSWERS)
    assert first.status_code == 200 and SurveyResponse.objects.count() == 1
    again = client.get(f"/trygghetsundersokning/{s.pk}/")
    assert again.context["already"]
    client.post(f"/trygghetsundersokning/{s.pk}/", ANSWERS)
    assert SurveyResponse.objects.count() == 1


def test_one_answer_per_code_and_no_link_between_code_and_answer(client, base_data):
    s = survey("code")
    code = surveys.issue_codes(s, 1)[0]
    assert client.post(f"/trygghetsundersokning/{s.pk}/", {**ANSWERS, "code": "WRONG"}).context["errors"]
    client.post(f"/trygghetsundersokning/{s.pk}/", {**ANSWERS, "code": code.lower()})
    assert SurveyResponse.objects.count() == 1 and SurveyCode.objects.get().used
    client.cookies.clear()
    assert client.post(f"/trygghetsundersokning/{s.pk}/", {**ANSWERS, "code": code}).context["errors"]
    assert SurveyResponse.objects.count() == 1
    assert not {f.name for f in SurveyResponse._meta.fields} & {"code", "survey_code"}


def test_survey_results_hide_small_groups(login, demo_orgs):
    s = survey()
    for _ in range(20):
        SurveyResponse.objects.create(survey=s, answers={"oro_brott": 2, "trygg_ute": 4})
    page = login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/invanare/undersokningar/{s.pk}/")
    total = page.context["results"]["rows"][0]
    assert total["indices"]["otrygghet"]["mean"] == pytest.approx(3.0)
    assert total["indices"]["problem"]["suppressed"]  # nobody answered the problem items


def test_receipt_reports_are_aggregated_exported_and_read_by_the_screening(client, login, demo_orgs):
    venue = Venue.objects.create(municipality_id="1780", name="Kroken", org_number="556036-0793", address="Torget 1")
    for i in range(3):
        assert (
            client.post(
                "/kvitto/rapportera/?m=1780",
                {
                    "municipality": "1780",
                    "venue_choice": venue.pk,
                    "visited_on": f"2026-01-0{i + 1}",
                    "purchases": ["entrance", "cloakroom"],
                },
            ).status_code
            == 302
        )
    client.post(
        "/kvitto/rapportera/?m=1780",
        {"municipality": "1780", "venue_text": XSS, "visited_on": "2026-01-05", "purchases": ["goods"]},
    )
    assert ReceiptReport.objects.count() == 4
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    page = coordinator.get("/invanare/kvitton/")
    rows = {r["name"]: r for r in page.context["rows"]}
    assert rows["Kroken"]["reports"] == 3 and rows["Kroken"]["purchases"] == {"entrance": 3, "cloakroom": 3}
    assert "<script>alert" not in page.content.decode()
    exported = coordinator.get("/invanare/kvitton/?format=csv").content.decode()
    assert "Kroken,556036-0793,Torget 1,3,3,3,0,0" in exported
    from trygg.citizens.receipts import complaints_for_org_number
    from trygg.screening.rules import CaseFacts, Thresholds, red_flags

    assert complaints_for_org_number("556036-0793") == 3
    flags = red_flags(
        CaseFacts(dt.date.today(), receipt_complaints=complaints_for_org_number("556036-0793")), Thresholds()
    )
    assert [f.code for f in flags] == ["receipt_complaints"]


def test_residents_never_see_other_residents_reports(client, demo_orgs):
    ReceiptReport.objects.create(municipality_id="1780", venue_text="Hemligt ställe", visited_on=dt.date(2026, 1, 1))
    for url in ["/kvitto/", "/kvitto/rapportera/", "/", "/karta/1780/"]:
        assert "Hemligt ställe" not in client.get(url).content.decode()
    assert client.get("/invanare/kvitton/").status_code == 302


def test_accepted_tips_keep_incidents_internal_to_partners(login, demo_orgs):
    from trygg.citizens import tips

    tip = Tip.objects.create(municipality_id="1780", service_code="otrygg-plats", lat=59.3794, lon=13.5035)
    tips.accept(tip, demo_orgs["users"]["karlstad.samordnare"])
    assert Incident.objects.get(source="tip").visibility == "partners"


def test_unsafe_places_leave_the_server_only_as_cells_with_enough_respondents(login, demo_orgs):
    from trygg.citizens.surveys import unsafe_place_cells

    s = survey()
    crowd = [[[59.37940 + i * 0.00010, 13.50350 + i * 0.00007]] for i in range(6)]  # six people, one square
    loner = [[[59.39001, 13.52011], [59.39003, 13.52013], [59.39005, 13.52017], [59.38001, 13.49013]]]
    repeat = [[[59.37951, 13.50361], [59.37952, 13.50362], [59.37953, 13.50363]]]  # three marks, one person
    cells = unsafe_place_cells(crowd + loner + repeat, k=5, cell_m=250)
    assert [c["respondents"] for c in cells["unsafe_cells"]] == [7]
    assert cells["unsafe_places_total"] == 6 + 4 + 3 and cells["unsafe_places_hidden"] == 4
    for points in crowd + loner + repeat:
        SurveyResponse.objects.create(survey=s, answers={"oro_brott": 2}, unsafe_places=points)
    page = login(demo_orgs["users"]["orebro.samordnare"]).get(f"/invanare/undersokningar/{s.pk}/").content.decode()
    for lat, lon in (p for points in crowd + loner + repeat for p in points):
        assert f"{lat:.5f}" not in page and f"{lon:.5f}" not in page
    assert '"respondents": 7' in page


def test_a_new_installation_without_organisations_answers_every_public_page(base_data, client):
    """Before any municipality organisation exists, the tip form says so instead of failing (a 500 before)."""
    for path in ("/", "/tips/", "/tips/?m=1780", "/kvitto/", "/kvitto/rapportera/", "/vad-vi-gor/", "/karta/1780/"):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
    page = client.get("/tips/").content.decode()
    assert "Ingen kommun tar emot tips eller rapporter genom den här tjänsten ännu." in page and "112" in page
    posted = client.post("/tips/", {"municipality": "1780", "service": "klotter", "description": "x"})
    assert posted.status_code == 200
