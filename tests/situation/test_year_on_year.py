"""The council's plain table "this year / last year": a whole year against the whole year before, leap day and
31 December included (the outside read found 2024 counted as 395 in the table and 397 in the chart)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_incident
from trygg.core.periods import parse_period
from trygg.orgs.models import Municipality
from trygg.situation.builder import Options, build_report

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Stockholm")


def test_a_whole_year_is_compared_with_the_whole_year_before(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for day in (dt.date(2024, 1, 1), dt.date(2024, 2, 29), dt.date(2024, 12, 31), dt.date(2024, 12, 31),
                dt.date(2025, 3, 1), dt.date(2025, 12, 31)):  # fmt: skip
        make_incident(org=org, when=dt.datetime.combine(day, dt.time(22, 30), TZ))
    karlstad = Municipality.objects.get(code="1780")
    report = build_report(karlstad, parse_period("2025"), options=Options(knox_simulations=9))
    table = report["year_on_year"]
    assert table["total"]["now"] == 2 and table["total"]["last"] == 4, table
    assert sum(report["series"]["total"][-2:]) == 6 and report["series"]["total"][-2] == 4  # the chart agrees


@pytest.mark.django_db
def test_an_annual_report_quotes_the_official_figure_of_its_year_or_before_never_a_later_one(base_data):
    from trygg.orgs.models import OfficialStatistic
    from trygg.situation.builder import ReportBuilder

    karlstad = Municipality.objects.get(code="1780")
    OfficialStatistic.objects.filter(municipality=karlstad, indicator="reported_crime_per_100k").delete()
    for year, value in ((2022, 9100.0), (2025, 8800.0)):
        OfficialStatistic.objects.create(municipality=karlstad, indicator="reported_crime_per_100k", year=year,
                                         value=value, source="Kolada N07403")  # fmt: skip

    def quoted(period: str) -> dict:
        return ReportBuilder(karlstad, parse_period(period)).official().get("reported_crime_per_100k", {})

    assert quoted("2024")["year"] == 2022 and quoted("2025")["year"] == 2025 and quoted("2026-03")["year"] == 2025
    assert quoted("2021") == {}  # nothing of its year or before
