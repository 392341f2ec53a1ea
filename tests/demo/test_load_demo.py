"""The demo loader on an empty database, and again (idempotent)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from tests.conftest import POLICE_FILE
from trygg.demo.reports import CITIES, generate_city
from trygg.incidents.models import Incident
from trygg.orgs.models import Membership, Municipality, Organisation, Place, Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.long
def test_demo_loads_on_an_empty_database_and_reloading_adds_nothing(db, shared_data):
    Municipality.objects.all().delete()
    out = io.StringIO()
    call_command("load_demo", "--until", "2026-03-31", "--data", str(shared_data), stdout=out)
    text = out.getvalue()

    assert Municipality.objects.count() == 290
    names = set(Organisation.objects.values_list("name", flat=True))
    for expected in [
        "Karlstads kommun",
        "Örebro kommun",
        "Lokalpolisområde Karlstad",
        "Lokalpolisområde Örebro",
        "Örebro brottsförebyggande råd",
        "Fastighetsägarna Mitt",
        "City Örebro",
        "Centrum Karlstad",
    ]:
        assert expected in names  # fmt: skip
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for user in User.objects.all():
        assert user.username in text
    for role in Role:  # the logins name roles in Swedish, not by their codes
        assert f"— {role.value}\n" not in text
    with translation.override("sv"):
        assert f"— {Role.COORDINATOR.label}\n" in text
    for english in ("Organisations:", "new,", "recommendation", "{'", "Generated partner reports", "TOTP key"):
        assert english not in text, f"English or raw output from the demo loader: {english!r}\n{text}"

    # the two towns' events, and their counties' events that name no other municipality of the county at the end
    # of the title (since 2026-02 the feed names the county, and the municipality in the title)
    towns = {"17": "karlstad", "18": "örebro"}
    counties = {"värmlands län": "17", "örebro län": "18"}
    names_in = {code: {n.casefold() for n in Municipality.objects.filter(county=code).values_list("name", flat=True)}
                for code in towns}  # fmt: skip

    def kept(record: dict) -> bool:
        where, last = record["location"]["name"].casefold(), record["name"].rsplit(",", 1)[-1].strip().casefold()
        if where in towns.values():
            return True
        county = counties.get(where)
        return county is not None and (last == towns[county] or last not in names_in[county])

    with gzip.open(POLICE_FILE, "rt", encoding="utf-8") as fh:
        expected_police = sum(1 for line in fh if kept(json.loads(line)))
    assert Incident.objects.filter(source="police").count() == expected_police

    generated = Incident.objects.filter(is_generated=True)
    assert generated.count() > 1000
    assert not Incident.objects.filter(source="police", is_generated=True).exists()
    assert set(generated.values_list("municipality", flat=True)) == {"1780", "1880"}
    assert timezone.localtime(generated.latest("occurred_start").occurred_start).date() == dt.date(2026, 3, 31)
    for incident in generated.filter(municipality="1780")[:200]:
        assert Municipality.objects.get(code="1780").contains(incident.lon, incident.lat)
    assert Place.objects.filter(municipality="1780", name="Centrum").exists()

    before = Incident.objects.count()
    out = io.StringIO()
    call_command("load_demo", "--until", "2026-03-31", "--data", str(shared_data), stdout=out)
    assert Incident.objects.count() == before
    assert "0 nya" in out.getvalue()


def test_the_generator_is_reproducible_and_extends_without_changing_the_past():
    city = CITIES[0]
    first = list(generate_city(city, dt.date(2025, 1, 1), dt.date(2025, 1, 31)))
    again = list(generate_city(city, dt.date(2025, 1, 1), dt.date(2025, 2, 28)))
    assert [r.external_id for r in first] == [r.external_id for r in again[: len(first)]]
    assert [(r.lat, r.lon, r.category) for r in first] == [(r.lat, r.lon, r.category) for r in again[: len(first)]]


def test_the_planted_littering_drop_at_orebro_stortorget_is_there():
    orebro = CITIES[1]
    before = list(generate_city(orebro, dt.date(2024, 5, 1), dt.date(2025, 4, 30)))
    after = list(generate_city(orebro, dt.date(2025, 5, 1), dt.date(2026, 4, 30)))

    def near_stortorget(reports):
        return sum(1 for r in reports if r.category == "nedskrapning" and abs(r.lat - 59.2727) < 0.001
                   and abs(r.lon - 15.2130) < 0.002)  # fmt: skip

    assert near_stortorget(after) < 0.8 * near_stortorget(before)
