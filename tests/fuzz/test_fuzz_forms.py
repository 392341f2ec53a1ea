"""Open311 posts and the free-text forms, with hostile input: never a server error, nothing half-stored."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygg.citizens.models import Tip

pytestmark = pytest.mark.django_db

text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=200)
number = st.one_of(text, st.floats(allow_nan=True, allow_infinity=True).map(str), st.integers().map(str))


@given(data=st.fixed_dictionaries({}, optional={
    "jurisdiction_id": st.sampled_from(["1780", "1880", "0180", ""]) | text, "service_code": st.sampled_from(
        ["klotter", "belysning", "nope"]) | text, "lat": number, "long": number, "description": text,
    "address_string": text, "email": text, "attribute[typ]": text, "api_key": text}))  # fmt: skip
def test_open311_post(client, demo_orgs, settings, data):
    settings.TRYGG_RATE_LIMITS = {"open311": (10_000, 3600)}
    before = Tip.objects.count()
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code in (201, 400, 403, 404), response.content[:300]
    assert Tip.objects.count() == before + (response.status_code == 201)
    if response.status_code != 201:
        assert response.json()[0]["description"].strip()


@given(data=st.fixed_dictionaries({}, optional={
    "municipality": st.sampled_from(["1780", "1880"]) | text, "service": st.sampled_from(["klotter", "nope"]) | text,
    "lat": number, "lon": number, "description": text, "email": text, "address": text}))  # fmt: skip
def test_resident_tip_form(client, demo_orgs, settings, data):
    settings.TRYGG_RATE_LIMITS = {"tip": (10_000, 3600)}
    before = Tip.objects.count()
    response = client.post("/tips/", data)
    assert response.status_code in (200, 302)
    assert Tip.objects.count() - before == (response.status_code == 302)


@given(data=st.fixed_dictionaries({}, optional={
    "category": st.sampled_from(["klotter", "skadegorelse"]) | text, "description": text, "lat": number, "lon": number,
    "occurred_start": text, "precision": st.sampled_from(["exact", "street", "district"]) | text,
    "persons_count": number, "visibility": text, "place": text}))  # fmt: skip
def test_report_form(client, demo_orgs, data):
    from trygg.incidents.models import Incident

    client.force_login(demo_orgs["users"]["centrum.rapportor"])
    before = Incident.objects.count()
    response = client.post("/report/", data)
    assert response.status_code in (200, 302)
    assert Incident.objects.count() - before == (response.status_code == 302)
