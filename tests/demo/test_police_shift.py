"""The demo's real police events are moved forward by whole weeks so that the demo's last weeks hold some."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_incident
from trygg.demo.police_shift import LABEL, shift_to
from trygg.incidents.models import Incident

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.django_db
def test_police_events_move_by_whole_weeks_to_the_last_week_and_say_so(base_data):
    old = dt.datetime(2026, 8, 22, 17, 59, tzinfo=STOCKHOLM)  # a Saturday, the shared file's last day
    police = make_incident(municipality="1780", org=None, visibility="partners", source="police", when=old)
    earlier = make_incident(municipality="1780", org=None, visibility="partners", source="police",
                            when=old - dt.timedelta(days=30))  # fmt: skip
    elsewhere = make_incident(
        municipality="0180", org=None, visibility="partners", source="police", when=old, county="01"
    )
    partner = make_incident(municipality="1780", org=None, visibility="partners", when=old)
    weeks = shift_to(dt.date(2026, 12, 3), {"1780", "17"})
    assert weeks == 14  # 103 days
    police.refresh_from_db()
    moved = police.occurred_start.astimezone(STOCKHOLM)
    assert moved == old + dt.timedelta(weeks=14) and moved.weekday() == old.weekday()
    assert dt.date(2026, 11, 26) <= moved.date() <= dt.date(2026, 12, 3)
    assert police.title.startswith(LABEL) and police.description.startswith(LABEL)
    assert police.is_generated  # labelled as generated demo data wherever that is shown
    earlier.refresh_from_db()
    assert earlier.occurred_start.astimezone(STOCKHOLM) == old - dt.timedelta(days=30) + dt.timedelta(weeks=14)
    for untouched in (elsewhere, partner):
        assert Incident.objects.get(pk=untouched.pk).occurred_start == old
    assert shift_to(dt.date(2026, 12, 3), {"1780", "17"}) == 0  # loading the demo again moves nothing
    assert Incident.objects.get(pk=police.pk).title.count(LABEL) == 1
