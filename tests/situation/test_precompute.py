"""The Monday-night precomputation: last week's brief is computed once per view of the data, before anybody
opens it, and shared by everybody who sees the same data."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from tests.factories import make_incident
from trygg.core import jobs
from trygg.orgs.models import Municipality
from trygg.situation.data import Scope
from trygg.situation.jobs import periods_ending
from trygg.situation.models import ReportCache
from trygg.situation.service import current_cache

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NIGHT = dt.datetime(2026, 11, 30, 1, 30, tzinfo=STOCKHOLM)  # Monday of week 49


def test_which_periods_end_on_a_day():
    keys = lambda day: [p.key for p in periods_ending(day)]  # noqa: E731
    assert keys(dt.date(2026, 11, 30)) == ["2026-W48"]
    assert keys(dt.date(2026, 12, 1)) == ["2026-11"]
    assert keys(dt.date(2026, 9, 1)) == ["2026-08", "2026-T2"]
    assert keys(dt.date(2029, 1, 1)) == ["2028-W52", "2028-12", "2028-T3", "2028"]
    assert keys(dt.date(2026, 12, 2)) == []


@pytest.mark.long
@pytest.mark.django_db
def test_last_weeks_brief_is_ready_for_each_view_and_shared(demo_orgs):
    orgs, users = demo_orgs["orgs"], demo_orgs["users"]
    for day in (23, 24, 25, 26):
        make_incident(municipality="1780", org=orgs["centrum-karlstad"], visibility="partners",
                      when=dt.datetime(2026, 11, day, 21, 0, tzinfo=STOCKHOLM))  # fmt: skip
    make_incident(municipality="1780", org=orgs["lpo-karlstad"], visibility="internal",
                  when=dt.datetime(2026, 11, 25, 22, 0, tzinfo=STOCKHOLM))  # fmt: skip
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        run = jobs.run_now("lagesbild_precompute", NIGHT)
    assert run.status == "done" and "2026-W48" in run.outcome, run.outcome
    karlstad = Municipality.objects.get(code="1780")
    places = karlstad.places.count()
    # the partners' view and the police's (its internal report), for the municipality and each named place
    karlstad_rows = ReportCache.objects.filter(key__startswith="1780:2026-W48:", status="done")
    assert karlstad_rows.count() == 2 * (1 + places)
    for name in ("centrum.rapportor", "fastighet.rapportor", "karlstad.samordnare", "orebro.samordnare"):
        assert Scope(users[name]).key_in(karlstad) == "partners"
        assert current_cache(karlstad, "2026-W48", None, users[name])[1], f"{name}: not ready"
    police = users["polis.karlstad"]
    assert Scope(police).key_in(karlstad) == f"partners+{orgs['lpo-karlstad'].pk}"
    row, fresh = current_cache(karlstad, "2026-W48", None, police)
    assert fresh and row.data["totals"]["incidents"] == 5
    partners_row, _ = current_cache(karlstad, "2026-W48", None, users["centrum.rapportor"])
    assert partners_row.data["totals"]["incidents"] == 4  # the police's internal report is not in it
    assert "polis.karlstad" not in str(partners_row.data) and "Polis" not in partners_row.data["scope"]
    again = jobs.run_now("lagesbild_precompute", NIGHT)
    assert "0 lägesbilder beräknade" in again.outcome, again.outcome  # nothing changed: nothing computed
