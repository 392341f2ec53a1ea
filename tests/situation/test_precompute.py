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
from trygg.situation.jobs import current_periods, periods_ending, periods_kept
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


def test_the_last_twelve_months_are_kept_ready_newest_first():
    day = dt.date(2026, 11, 30)  # a Monday
    kept = [p.key for p in periods_kept(day, 12)]
    assert kept[0] == "2026-W48"  # what ended yesterday first
    weeks = [k for k in kept if "-W" in k]
    assert weeks[:3] == ["2026-W48", "2026-W47", "2026-W46"] and weeks[-1] == "2025-W49" and len(weeks) == 52
    months = [k for k in kept if len(k) == 7 and "-W" not in k and "-T" not in k]
    assert months == [f"2026-{m:02d}" for m in range(10, 0, -1)] + ["2025-12"]  # 2025-11's last day is the horizon
    assert [k for k in kept if "-T" in k] == ["2026-T2", "2026-T1", "2025-T3"] and [k for k in kept if len(k) == 4] == [
        "2025"
    ]
    assert len(kept) == len(set(kept))
    first_of_month = [p.key for p in periods_kept(dt.date(2027, 1, 1), 12)]
    assert first_of_month[:4] == ["2026-12", "2026-T3", "2026", *first_of_month[3:4]]  # periods_ending order first
    assert "2026-11" in first_of_month and "2026-W52" in first_of_month and "2025" not in first_of_month
    assert [p.key for p in periods_kept(day, 0)] == ["2026-W48"]  # no horizon: only what ended yesterday
    assert [p.key for p in periods_kept(dt.date(2024, 3, 31), 1)][-1] == "2024-W09"  # horizon 29 Feb
    assert [p.key for p in current_periods(day)] == ["2026-W49", "2026-11"]


@pytest.mark.django_db
def test_the_nights_queue_comes_after_a_visitors_request():
    from django_tasks_db.models import DBTaskResult

    from trygg.situation.jobs import precompute
    from trygg.situation.service import compute_report

    db = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "background"]}}
    with override_settings(TASKS=db):
        periods = periods_kept(NIGHT.date(), 1)
        precompute(periods, Municipality.objects.filter(code="1780"))
        compute_report.enqueue(row_id=0, municipality="1780", period="2026-W49", place=None, user=None)
        queued = list(DBTaskResult.objects.ready().order_by("-priority", "run_after", "enqueued_at", "id"))
    # the visitor's report first; then one short task per period, what ended yesterday first
    assert [r.task_path.rsplit(".", 1)[1] for r in queued] == ["compute_report"] + ["precompute_municipality"] * len(
        periods
    )
    assert [r.args_kwargs["kwargs"]["periods"] for r in queued[1:]] == [[p.key] for p in periods]
    assert queued[1].queue_name == "background" and queued[1].args_kwargs["kwargs"]["periods"] == ["2026-W48"]


@pytest.mark.long
@pytest.mark.django_db
def test_last_weeks_brief_is_ready_for_each_view_and_shared(demo_orgs):
    orgs, users = demo_orgs["orgs"], demo_orgs["users"]
    for day in (23, 24, 25, 26):
        make_incident(municipality="1780", org=orgs["centrum-karlstad"], visibility="partners",
                      when=dt.datetime(2026, 11, day, 21, 0, tzinfo=STOCKHOLM))  # fmt: skip
    make_incident(municipality="1780", org=orgs["lpo-karlstad"], visibility="internal",
                  when=dt.datetime(2026, 11, 25, 22, 0, tzinfo=STOCKHOLM))  # fmt: skip
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate, TRYGG_LAGESBILD_PRECOMPUTE_MONTHS=0):
        run = jobs.run_now("lagesbild_precompute", NIGHT)
    assert run.status == "done" and run.outcome.startswith("2026-W48; 1 perioder"), run.outcome
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
    with override_settings(TASKS=immediate, TRYGG_LAGESBILD_PRECOMPUTE_MONTHS=0):
        again = jobs.run_now("lagesbild_precompute", NIGHT)
    assert "0 lägesbilder beräknade" in again.outcome, again.outcome  # nothing changed: nothing computed


@pytest.mark.long
@pytest.mark.django_db
def test_the_current_week_is_recomputed_when_new_data_arrive(demo_orgs):
    orgs = demo_orgs["orgs"]
    now = dt.datetime(2026, 12, 2, 14, 0, tzinfo=STOCKHOLM)  # Wednesday of week 49
    make_incident(
        municipality="1780", org=orgs["centrum-karlstad"], visibility="partners", when=now - dt.timedelta(days=1)
    )
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    karlstad = Municipality.objects.get(code="1780")
    with override_settings(TASKS=immediate):
        first = jobs.run_now("lagesbild_current", now)
        assert first.outcome.startswith("2026-W49, 2026-12:") and " 0 redan aktuella" in first.outcome, first.outcome
        row, fresh = current_cache(karlstad, "2026-W49")
        assert fresh and row.data["totals"]["incidents"] == 1
        quiet = jobs.run_now("lagesbild_current", now + dt.timedelta(minutes=15))
        assert quiet.outcome.startswith("2026-W49, 2026-12: 0 lägesbilder beräknade"), quiet.outcome
        make_incident(municipality="1780", org=orgs["centrum-karlstad"], visibility="partners", when=now)
        assert not current_cache(karlstad, "2026-W49")[1]
        again = jobs.run_now("lagesbild_current", now + dt.timedelta(minutes=30))
    assert not again.outcome.startswith("2026-W49, 2026-12: 0 "), again.outcome
    row, fresh = current_cache(karlstad, "2026-W49")
    assert fresh and row.data["totals"]["incidents"] == 2
