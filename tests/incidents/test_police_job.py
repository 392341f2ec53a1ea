"""The police_events job against a real HTTP server on loopback: the served counties only, idempotent, backing
off while the source fails, and a visible "senast hämtat"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.incidents.test_police_import import event
from trygg.core import jobs
from trygg.core.models import JobRun
from trygg.incidents.models import Incident

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, 3, hour, minute, tzinfo=STOCKHOLM)


@pytest.mark.django_db
def test_fetches_the_served_counties_once_and_backs_off_while_the_source_fails(demo_orgs, police_api, login):
    stockholm = event(2, name="5 mars 13:40, Skadegörelse, Stockholm",
                      location={"name": "Stockholm", "gps": "59.329324,18.068581"})  # fmt: skip
    orebro = event(3, name="5 mars 13:40, Skadegörelse, Örebro", location={"name": "Örebro", "gps": "59.27,15.21"})
    police_api.events = [event(1), stockholm, orebro]
    first = jobs.run_now("police_events", at(8, 0))
    assert first.status == JobRun.Status.DONE and first.outcome.startswith("2 nya"), first.outcome
    assert set(Incident.objects.filter(source="police").values_list("external_id", flat=True)) == {"1", "3"}
    again = jobs.run_now("police_events", at(8, 15))
    assert again.outcome.startswith("0 nya, 2 redan kända"), again.outcome
    assert Incident.objects.filter(source="police").count() == 2

    police_api.status = 503
    with pytest.raises(RuntimeError, match="svarade inte"):
        jobs.run_now("police_events", at(8, 30))
    asked = police_api.requests
    backing_off = jobs.run_now("police_events", at(8, 45))  # 1 failure: wait 30 min after it
    assert backing_off.status == JobRun.Status.SKIPPED and police_api.requests == asked
    with pytest.raises(RuntimeError):
        jobs.run_now("police_events", at(9, 0))  # 30 min after the failure: tried again, fails again
    assert jobs.run_now("police_events", at(9, 15)).status == JobRun.Status.SKIPPED  # 2 failures: wait 60 min
    assert jobs.run_now("police_events", at(9, 45)).status == JobRun.Status.SKIPPED
    police_api.status = 200
    assert jobs.run_now("police_events", at(10, 0)).status == JobRun.Status.DONE

    html = login(demo_orgs["users"]["karlstad.samordnare"]).get("/m/1780/").content.decode()
    assert "Polisens händelser senast hämtade: 2026-12-03 10:00" in html


@pytest.mark.django_db
def test_nothing_is_fetched_unless_the_installation_turns_it_on(demo_orgs, police_api, settings):
    settings.TRYGG_POLICE_FETCH = False
    run = jobs.run_now("police_events", at(8, 0))
    assert run.status == JobRun.Status.SKIPPED and police_api.requests == 0
