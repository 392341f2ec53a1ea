"""The weekly brief names a new hot spot only where the data show a change (issue 24, scope 2).

Half a year of a partner's reports at 30 fixed points in Karlstad's centre, placed by hand from a seeded Poisson
draw, none at Sandgrundsudden; in the current week either nothing changes or ten incidents happen at
Sandgrundsudden. Before this change the brief compared two hot-cell maps and listed "new" cells on quiet weeks.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from trygg.core.periods import parse_period
from trygg.incidents.models import Category, Incident
from trygg.orgs.models import Municipality
from trygg.situation.builder import Options, build_report

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
FAST = Options(knox_simulations=99)
WEEK = parse_period("2026-W10")  # 2–8 March 2026
SANDGRUNDSUDDEN = (59.3815, 13.4995)


def background(org, seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = [(59.3760 + 0.0008 * (i % 6), 13.5015 + 0.0016 * (i // 6)) for i in range(30)]  # east of the river
    category = Category.objects.current().get(code="klotter")
    rows = []
    for weeks_back in range(26, -1, -1):
        monday = WEEK.start - dt.timedelta(weeks=weeks_back)
        for lat, lon in points:
            for _ in range(int(rng.poisson(0.5))):
                when = dt.datetime.combine(monday + dt.timedelta(days=int(rng.integers(7))), dt.time(14), TZ)
                rows.append(Incident(category=category, municipality_id="1780", county_id="17", lat=lat, lon=lon,
                                     precision="exact", occurred_start=when, reported_at=when, reporter_org=org,
                                     visibility="partners"))  # fmt: skip
    Incident.objects.bulk_create(rows)


@pytest.mark.parametrize("seed", [1, 3])  # one map alarms at 5 %: the rate over 150 maps is in tests/analysis
def test_a_quiet_week_names_no_new_hot_spot(demo_orgs, seed):
    background(demo_orgs["orgs"]["centrum-karlstad"], seed)
    scan = build_report(Municipality.objects.get(code="1780"), WEEK, options=FAST)["spatial"]["new_hotspots"]
    assert scan["enough_history"] and scan["weeks"] == 26  # half a year of history
    assert scan["clusters"] == []


def test_ten_incidents_at_a_new_place_are_a_new_hot_spot_named_after_it(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    background(org, 1)
    category = Category.objects.current().get(code="nedskrapning")
    for i in range(10):
        when = dt.datetime.combine(WEEK.start + dt.timedelta(days=i % 7), dt.time(22), TZ)
        Incident.objects.create(category=category, municipality_id="1780", county_id="17", lat=SANDGRUNDSUDDEN[0],
                                lon=SANDGRUNDSUDDEN[1] + 0.0001 * (i % 3), precision="exact", occurred_start=when,
                                reported_at=when, reporter_org=org, visibility="partners")  # fmt: skip
    r = build_report(Municipality.objects.get(code="1780"), WEEK, options=FAST)
    clusters = r["spatial"]["new_hotspots"]["clusters"]
    assert len(clusters) == 1
    found = clusters[0]
    assert found["where"]["place"] == "Sandgrundsudden"
    assert found["observed"] >= 10 and found["expected"] < 3
    assert found["since"] in ("2026-03-02", "2026-02-23") and found["p_value"] <= 0.05
    assert found["categories"][0] == {"label": "Nedskräpning", "count": 10}


def test_weeks_are_counted_from_local_midnight_across_daylight_saving():
    from trygg.situation.data import Points

    when = [dt.datetime(2026, 3, 29, 23, 30, tzinfo=TZ), dt.datetime(2026, 3, 30, 0, 30, tzinfo=TZ),
            dt.datetime(2026, 3, 23, 0, 0, tzinfo=TZ), dt.datetime(2026, 3, 22, 23, 59, tzinfo=TZ),
            dt.datetime(2026, 4, 6, 0, 0, tzinfo=TZ)]  # fmt: skip
    seconds = np.array([t.timestamp() for t in when])
    points = Points(np.arange(5), np.zeros(5), np.zeros(5), seconds)
    # summer time begins on Sunday 29 March 2026 at 02:00: the week of 30 March starts at its local midnight
    assert points.week_of(dt.date(2026, 3, 23), 2).tolist() == [0, 1, 0, -1, -1]
