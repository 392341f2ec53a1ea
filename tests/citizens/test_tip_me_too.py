"""\"Jag också\": a resident adds themselves to an open tip nearby instead of sending a duplicate."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from trygg.citizens import tips
from trygg.citizens.models import Tip

pytestmark = pytest.mark.django_db
NEARBY = "/tips/nara/?service=klotter&lat=59.37945&lon=13.5035"


def test_me_too_counts_one_more_resident_for_an_open_tip_nearby(client, login, demo_orgs):
    tip = Tip.objects.create(
        municipality_id="1780",
        service_code="klotter",
        lat=59.3794,
        lon=13.5035,
        description="Klotter",
        email="boende@example.se",
    )
    found = client.get(NEARBY).json()["tips"]
    assert len(found) == 1 and set(found[0]) == {"service", "date", "me_too"}
    token = found[0]["me_too"]
    assert tip.public_id not in token and tip.reference not in token  # opens no status page
    before = Tip.objects.get(pk=tip.pk).updated_at
    assert client.post("/tips/jag-ocksa/", {"token": token}).json() == {"count": 1}
    assert client.post("/tips/jag-ocksa/", {"token": token}).json() == {"count": 2}
    stored = Tip.objects.get(pk=tip.pk)
    assert stored.me_too == 2 and stored.updated_at == before and stored.email == "boende@example.se"
    assert Tip.objects.count() == 1  # no duplicate
    page = login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/invanare/tips/{tip.pk}/").content.decode()
    assert (
        "2" in page and "+2" in login(demo_orgs["users"]["karlstad.samordnare"]).get("/invanare/tips/").content.decode()
    )


def test_me_too_is_refused_for_forged_tokens_or_closed_tips_and_needs_csrf(demo_orgs):
    tip = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    client = Client()
    assert client.get("/tips/jag-ocksa/").status_code == 405
    forged = signing.Signer(salt="another salt").sign_object(tip.pk)
    assert client.post("/tips/jag-ocksa/", {"token": forged}).status_code == 400
    assert client.post("/tips/jag-ocksa/", {"token": "nonsense"}).status_code == 400
    token = tips.me_too_token(tip)
    tips.reject(tip, "Redan sanerat", demo_orgs["users"]["karlstad.samordnare"])
    assert client.post("/tips/jag-ocksa/", {"token": token}).status_code == 400  # closed meanwhile
    assert Tip.objects.get(pk=tip.pk).me_too == 0
    strict = Client(enforce_csrf_checks=True)
    other = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    assert strict.post("/tips/jag-ocksa/", {"token": tips.me_too_token(other)}).status_code == 403
    assert Tip.objects.get(pk=other.pk).me_too == 0


def test_me_too_is_rate_limited(client, settings, demo_orgs):
    settings.TRYGG_RATE_LIMITS = {**getattr(settings, "TRYGG_RATE_LIMITS", {}), "me_too": (3, 3600)}
    tip = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    token = tips.me_too_token(tip)
    codes = [client.post("/tips/jag-ocksa/", {"token": token}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert Tip.objects.get(pk=tip.pk).me_too == 3
