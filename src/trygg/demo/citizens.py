"""Generated residents' data for the demo: a venue register, receipt reports, tips, and two survey waves per
city. Everything is seeded and labelled as generated demo data."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils import timezone

from trygg.citizens.models import ReceiptReport, Survey, SurveyResponse, Tip, TipUpdate, Venue
from trygg.citizens.surveys import ITEMS
from trygg.orgs.models import Municipality, Place

SEED = 311
VENUES = {
    "1780": [
        ("Kroken Bar & Kök", "Västra Torggatan 9", 59.3797, 13.5020),
        ("Nattklubb Älven", "Hamngatan 4", 59.3785, 13.5062),
        ("Café Torget", "Stora Torget 1", 59.3793, 13.5040),
    ],
    "1880": [
        ("Slottskällaren", "Drottninggatan 2", 59.2741, 15.2139),
        ("Bar Järntorget", "Järntorget 3", 59.2703, 15.2098),
        ("Kiosken Resecentrum", "Östra Bangatan 1", 59.2795, 15.2113),
    ],
}


def load(today: dt.date) -> dict:
    if Venue.objects.filter(is_generated=True).exists():
        return {}
    rng = np.random.default_rng(SEED)
    counts = {"venues": 0, "receipts": 0, "tips": 0, "responses": 0}
    with transaction.atomic():
        for code, venues in VENUES.items():
            municipality = Municipality.objects.get(code=code)
            for name, address, lat, lon in venues:
                venue = Venue.objects.create(
                    municipality=municipality, name=name, address=address, lat=lat, lon=lon, is_generated=True
                )
                counts["venues"] += 1
                for _ in range(int(rng.integers(0, 4))):
                    ReceiptReport.objects.create(
                        municipality=municipality,
                        venue=venue,
                        is_generated=True,
                        visited_on=today - dt.timedelta(days=int(rng.integers(1, 200))),
                        purchases=[str(rng.choice(["entrance", "cloakroom", "food_drink"]))],
                    )
                    counts["receipts"] += 1
            centre = Place.objects.filter(municipality=municipality, name="Centrum").first()
            for i in range(6):
                lat = centre.lat + rng.normal(0, 0.002) if centre else municipality.centroid_lat
                lon = centre.lon + rng.normal(0, 0.004) if centre else municipality.centroid_lon
                Tip.objects.create(
                    municipality=municipality,
                    service_code=str(rng.choice(["otrygg-plats", "belysning", "klotter", "nedskrapning"])),
                    lat=float(lat),
                    lon=float(lon),
                    description=f"Genererat demotips {i + 1}.",
                )
                counts["tips"] += 1
            # a tip that became an incident 15 days ago, from a resident who wanted to hear back: its follow-up
            # ("Är det åtgärdat?") is due
            closed = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=15), dt.time(10, 0)))
            answered = Tip.objects.create(
                municipality=municipality, service_code="belysning", lat=municipality.centroid_lat,
                lon=municipality.centroid_lon, description="Genererat demotips: trasig gatubelysning.",
                email=f"invanare.{code}@trygg.example", status=Tip.Status.ACCEPTED,
            )  # fmt: skip
            Tip.objects.filter(pk=answered.pk).update(created_at=closed - dt.timedelta(days=2), closed_at=closed)
            # its public history: accepted, and the municipality's reply (rows written directly: no mail)
            TipUpdate.objects.create(tip=answered, kind=TipUpdate.Kind.STATUS, old_status=Tip.Status.OPEN,
                                     new_status=Tip.Status.ACCEPTED, created_at=closed)  # fmt: skip
            TipUpdate.objects.create(
                tip=answered, kind=TipUpdate.Kind.REPLY, new_status=Tip.Status.ACCEPTED,
                text="Tack, vi har tagit emot ditt tips och skickat det vidare till gatukontoret. (demo)",
                created_at=closed + dt.timedelta(days=1),
            )  # fmt: skip
            counts["tips"] += 1
            # "Vilket område bor du i?": the residential areas, not the squares, stations and parks
            areas = list(Place.objects.filter(municipality=municipality, kind=Place.Kind.RESIDENTIAL))
            for wave, shift in ((1, 0.0), (2, -0.4)):
                survey = Survey.objects.create(
                    municipality=municipality,
                    title=f"Trygghetsundersökning {municipality.name} (demo)",
                    wave=wave,
                    mode=Survey.Mode.COOKIE,
                    opens_on=today - dt.timedelta(days=400 - 365 * (wave - 1)),
                    closes_on=today + dt.timedelta(days=30) if wave == 2 else today - dt.timedelta(days=340),
                    is_generated=True,
                )
                survey.areas.set(areas)
                for _ in range(140):
                    area = areas[int(rng.integers(0, len(areas)))] if areas else None
                    base = 2.0 + shift + (0.8 if area and area.name in ("Kronoparken", "Vivalla") else 0.0)
                    answers = {item.code: int(min(6, max(0, 2 * round(rng.normal(base, 1.2) / 2)))) for item in ITEMS}
                    places = (
                        [[float(area.lat + rng.normal(0, 0.0005)), float(area.lon + rng.normal(0, 0.001))]]
                        if area and rng.random() < 0.3
                        else []
                    )
                    SurveyResponse.objects.create(
                        survey=survey, area=area, answers=answers, unsafe_places=places, is_generated=True
                    )
                    counts["responses"] += 1
    return counts
