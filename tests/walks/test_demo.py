"""The demo's walks: a finished one in Karlstad's centre with stops, answers, generated pictures and proposals, and
one planned for today with karlstad.samordnare and centrum.rapportor; loading again adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trygg.core.photos import photo_path
from trygg.demo import walks as demo_walks
from trygg.walks.models import StopPhoto, Walk

pytestmark = pytest.mark.django_db


def test_the_demo_walks_load_once(demo_orgs, login):
    today = timezone.localdate()
    assert "/trygghetsvandringar/" in demo_walks.load(today)
    done = Walk.objects.get(title="Trygghetsvandring Centrum")
    assert done.status == "done" and done.is_generated and done.municipality_id == "1780"
    assert done.stops.count() == 4 and all(stop.is_generated for stop in done.stops.all())
    assert done.stops.filter(answers__verdict="problem").exists() and done.stops.exclude(proposal="").exists()
    photos = StopPhoto.objects.filter(stop__walk=done)
    assert photos.count() == 2 and all(p.is_generated for p in photos)  # the dark path and the tunnel
    assert all(photo_path("walks", p.name).exists() for p in photos)
    planned = Walk.objects.get(title=demo_walks.PLANNED_TITLE)
    assert planned.status == "planned" and timezone.localtime(planned.starts_at).date() == today
    assert {"karlstad.samordnare", "centrum.rapportor"} <= set(planned.participants.values_list("username", flat=True))
    demo_walks.load(today + dt.timedelta(days=1))
    assert Walk.objects.count() == 2 and StopPhoto.objects.count() == photos.count()
    planned.refresh_from_db()
    assert timezone.localtime(planned.starts_at).date() == today + dt.timedelta(days=1)  # still "today"
    page = login(demo_orgs["users"]["centrum.rapportor"]).get(f"/trygghetsvandringar/{done.pk}/rapport/")
    html = page.content.decode()
    assert page.status_code == 200 and 'class="notice generated"' in html and 'class="badge generated"' in html
    pdf = login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/trygghetsvandringar/{done.pk}/rapport.pdf")
    assert pdf.content.startswith(b"%PDF")
