"""A source that goes silent is named and never read as fewer incidents (issue 24, scope 1).

Three years of police events (traffic, about one a day) and a partner's reports (graffiti, about one a day) in
Karlstad, placed by hand; then the police feed falls silent. Before this change the silent months read as
"Trafik 0 vs 36, färre än vanligt".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

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
START = dt.date(2023, 1, 1)
END = dt.date(2026, 4, 1)


def police_event(category, when: dt.datetime, external_id: str) -> Incident:
    """A police event in Karlstad, placed at the municipality's centre point."""
    return Incident(category=category, municipality_id="1780", county_id="17", lat=59.40, lon=13.51,
                    precision="municipality", occurred_start=when, reported_at=when, source="police",
                    visibility="public", external_id=external_id)  # fmt: skip


def partner_report(category, when: dt.datetime, org) -> Incident:
    """A partner's report at Stortorget, Karlstad."""
    return Incident(category=category, municipality_id="1780", county_id="17", lat=59.3794, lon=13.5035,
                    precision="exact", occurred_start=when, reported_at=when, reporter_org=org,
                    visibility="partners")  # fmt: skip


def fill(org, police_silent: tuple[dt.date, dt.date] | None, seed: int = 24) -> None:
    """Poisson(1) police traffic events and Poisson(1) partner graffiti reports per day from START to END."""
    rng = np.random.default_rng(seed)
    traffic = Category.objects.current().get(code="trafik")
    graffiti = Category.objects.current().get(code="klotter")
    rows = []
    day = START
    while day < END:
        when = dt.datetime.combine(day, dt.time(12), TZ)
        silent = police_silent is not None and police_silent[0] <= day < police_silent[1]
        rows += [police_event(traffic, when, f"p{day}-{i}") for i in range(0 if silent else int(rng.poisson(1.0)))]
        rows += [partner_report(graffiti, when, org) for _ in range(int(rng.poisson(1.0)))]
        day += dt.timedelta(days=1)
    Incident.objects.bulk_create(rows, batch_size=2000)


def row(report, code):
    return next((c for c in report["categories"] if c["code"] == code), None)


def test_a_silent_police_feed_is_named_first_and_is_not_fewer_incidents(demo_orgs):
    fill(demo_orgs["orgs"]["centrum-karlstad"], police_silent=(dt.date(2026, 2, 1), END))
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2026-03"), options=FAST)
    check = r["sources_check"]
    assert check["missing_now"] == ["Polisens händelser"]
    police = next(s for s in check["sources"] if s["label"] == "Polisens händelser")
    assert [(g["from"], g["to"], g["kind"]) for g in police["gaps"]] == [("2026-02-01", "2026-03-31", "silent")]
    assert 40 <= police["gaps"][0]["expected"] <= 80  # about one a day for 59 days
    assert check["excluded"] == ["Polisens händelser"]
    assert all(c["direction"] != "down" for c in r["categories"])  # nothing "fewer than usual"
    traffic = row(r, "trafik")
    assert traffic is None or (traffic["count"] == 0 and traffic["expected"] in (None, 0))
    total = row(r, "_total")
    graffiti = Incident.objects.filter(category__code="klotter", occurred_start__gte=dt.datetime(2026, 3, 1, tzinfo=TZ),
                                       occurred_start__lt=dt.datetime(2026, 4, 1, tzinfo=TZ)).count()  # fmt: skip
    assert total["count"] == graffiti  # the comparison is the partner's reports alone, on both sides
    assert r["series"]["covered"][-2:] == [False, False]  # February and March drawn as incomplete
    assert r["series"]["covered"][0] is True


def test_a_baseline_month_without_police_events_is_left_out_of_the_comparison(demo_orgs):
    fill(demo_orgs["orgs"]["centrum-karlstad"], police_silent=(dt.date(2025, 3, 1), dt.date(2025, 4, 1)))
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2026-03"), options=FAST)
    check = r["sources_check"]
    assert check["missing_now"] == [] and check["excluded"] == []
    assert check["dropped"] == ["mars 2025"]
    assert "2025-03" not in r["coverage"]["compared_with"]
    assert "2024-03" in r["coverage"]["compared_with"]
    assert row(r, "trafik")["direction"] == "no_change"


def test_complete_sources_say_nothing_at_the_top(demo_orgs):
    fill(demo_orgs["orgs"]["centrum-karlstad"], police_silent=None)
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2026-03"), options=FAST)
    check = r["sources_check"]
    assert check["missing_now"] == [] and check["excluded"] == [] and check["dropped"] == []
    assert all(s["gaps"] == [] for s in check["sources"])
    assert [s["label"] for s in check["sources"]] == ["Polisens händelser", demo_orgs["orgs"]["centrum-karlstad"].name]


def test_the_main_source_missing_in_a_baseline_year_drops_the_year_not_the_source():
    """An annual report of a town where the police's events are nearly everything: the police feed missing in
    2023 drops 2023 (compared with 2024 alone) instead of leaving the police out of both sides, which would leave
    a "Totalt 0" comparison; a small partner missing in 2023 is still left out rather than lose the year."""
    from types import SimpleNamespace

    from trygg.situation.source_check import comparable

    def source(label, rate, missing):
        return SimpleNamespace(label=label, health=SimpleNamespace(rate=rate), missing_in=lambda p: p.key in missing)

    now, baseline = parse_period("2025"), [parse_period("2023"), parse_period("2024")]
    police, partner = source("Polisens händelser", 1.2, {"2023"}), source("Centrumföreningen", 0.1, set())
    use = comparable(now, baseline, [police, partner])
    assert [p.key for p in use.baseline] == ["2024"] and [p.key for p in use.dropped] == ["2023"]
    assert use.excluded == []
    small = source("Fastighetsägarna", 0.05, {"2023"})
    use = comparable(now, baseline, [source("Polisens händelser", 1.2, set()), small])
    assert [p.key for p in use.baseline] == ["2023", "2024"] and use.excluded == [small]
    everywhere = source("Polisens händelser", 1.2, {"2023", "2024"})  # no clean year left: left out, as before
    assert comparable(now, baseline, [everywhere, partner]).excluded == [everywhere]


def test_a_baseline_year_missing_a_source_for_two_months_is_counted_over_its_other_days(demo_orgs):
    """The police feed silent in March–April 2024: the annual report of 2025 keeps 2024 and the police, and counts
    2024 over its 305 complete days, as incidents per day (before: 2024 dropped, compared with 2023 alone)."""
    fill(demo_orgs["orgs"]["centrum-karlstad"], police_silent=(dt.date(2024, 3, 1), dt.date(2024, 5, 1)))
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2025"), options=FAST)
    check = r["sources_check"]
    assert check["excluded"] == [] and check["dropped"] == []
    assert check["trimmed"] == [{"label": "år 2024", "days": 366 - 61, "of": 366, "weighted": True}]
    assert r["coverage"]["compared_with"] == ["2023", "2024"]

    def traffic(start, end):
        return Incident.objects.filter(category__code="trafik", occurred_start__gte=dt.datetime(*start, tzinfo=TZ),
                                       occurred_start__lt=dt.datetime(*end, tzinfo=TZ)).count()  # fmt: skip

    graffiti_gap = Incident.objects.filter(
        category__code="klotter", occurred_start__gte=dt.datetime(2024, 3, 1, tzinfo=TZ),
        occurred_start__lt=dt.datetime(2024, 5, 1, tzinfo=TZ)).count()  # fmt: skip
    assert graffiti_gap > 30  # the partner's reports of those days are left out with the police's
    base = traffic((2023, 1, 1), (2024, 1, 1)) + traffic((2024, 1, 1), (2025, 1, 1))
    assert row(r, "trafik")["expected"] == pytest.approx(base * 365 / (365 + 305), rel=0.03)  # no season: ≈ plain days
    assert row(r, "trafik")["direction"] == "no_change"
    page = r["sources_check"]["trimmed"][0]
    assert page["days"] < page["of"]


def test_a_period_is_trimmed_by_the_gaps_of_the_sources_still_compared_only():
    """The police missing in part of 2023 trims 2023 to the police's days; a small partner missing all of both
    earlier years is left out on both sides, and its gaps trim nothing."""
    from types import SimpleNamespace

    from trygg.situation.source_check import comparable

    def source(label, rate, share, absent):
        def present(p):
            mask = np.ones(p.days, dtype=bool)
            mask[absent.get(p.key, slice(0, 0))] = False
            return mask

        return SimpleNamespace(label=label, health=SimpleNamespace(rate=rate), present=present,
                               missing_share=lambda p: share.get(p.key, 0.0),
                               missing_in=lambda p: share.get(p.key, 0.0) >= 0.1)  # fmt: skip

    now, baseline = parse_period("2025"), [parse_period("2023"), parse_period("2024")]
    police = source("Polisens händelser", 1.2, {"2023": 0.3}, {"2023": slice(0, 110)})
    partner = source(
        "Fastighetsägarna", 0.05, {"2023": 1.0, "2024": 1.0}, {"2023": slice(0, 365), "2024": slice(0, 366)}
    )
    use = comparable(now, baseline, [police, partner], trim=True)
    assert use.excluded == [partner] and [p.key for p in use.baseline] == ["2023", "2024"]
    assert use.days(baseline[0]) == 365 - 110 and use.days(baseline[1]) == 366
    assert comparable(now, baseline, [police, partner]).trimmed == {}  # not asked to trim: as before


def test_when_the_only_source_is_missing_now_the_total_says_nothing_was_compared(demo_orgs):
    """The police's events are all a town has, and the feed is silent this month: left out on both sides, nothing is
    left — the total row says "inget att jämföra med", not "för få händelser"."""
    traffic = Category.objects.current().get(code="trafik")
    rng = np.random.default_rng(7)
    rows, day = [], dt.date(2024, 1, 1)
    while day < dt.date(2026, 2, 1):
        when = dt.datetime.combine(day, dt.time(12), TZ)
        rows += [police_event(traffic, when, f"q{day}-{i}") for i in range(int(rng.poisson(1.0)))]
        day += dt.timedelta(days=1)
    Incident.objects.bulk_create(rows, batch_size=2000)
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2026-03"), options=FAST)
    assert r["sources_check"]["excluded"] == ["Polisens händelser"]
    assert row(r, "_total")["direction"] == "no_data"


@pytest.mark.parametrize("stray", [False, True])
def test_the_weeks_before_the_police_feed_began_are_missing_in_the_weekly_series(demo_orgs, stray):
    """A partner reports from 29 December 2025; the police's events, bursty from week to week, were imported from
    19 January 2026. The weekly brief of week 12 reads from week 1: the police's first three weeks are missing, not
    three quiet weeks (with weeks this bursty, three silent ones were not unlikely enough to be called silent).
    ``stray``: three test events in October 2025 do not make the feed running (the real file has such)."""
    traffic = Category.objects.current().get(code="trafik")
    if stray:
        strays = [police_event(traffic, dt.datetime(2025, 10, d, 12, tzinfo=TZ), f"stray{d}") for d in (3, 9, 21)]
        Incident.objects.bulk_create(strays)
    graffiti = Category.objects.current().get(code="klotter")
    org = demo_orgs["orgs"]["centrum-karlstad"]
    rng = np.random.default_rng(5)
    rows, day, weekly = [], dt.date(2025, 12, 29), 1.0
    while day < dt.date(2026, 3, 23):
        when = dt.datetime.combine(day, dt.time(12), TZ)
        if day.weekday() == 0:
            weekly = rng.gamma(0.7, 1 / 0.7)
        police = int(rng.poisson(2.0 * weekly)) if day >= dt.date(2026, 1, 19) else 0
        rows += [police_event(traffic, when, f"w{day}-{i}") for i in range(police)]
        rows += [partner_report(graffiti, when, org) for _ in range(int(rng.poisson(1.0)))]
        day += dt.timedelta(days=1)
    Incident.objects.bulk_create(rows, batch_size=2000)
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2026-W12"), options=FAST)
    began = min(row.occurred_start for row in rows if row.source == "police" and not row.external_id.startswith("st"))
    began = began.date()
    assert dt.date(2026, 1, 19) <= began < dt.date(2026, 2, 2)
    police = next(s for s in r["sources_check"]["sources"] if s["label"] == "Polisens händelser")
    assert [(g["from"], g["to"]) for g in police["gaps"]] == [("2025-12-29", str(began - dt.timedelta(days=1)))]
    weeks_missing = -(-(began - dt.date(2025, 12, 29)).days // 7)  # a week missing one day of seven or more: ≥ 10 %
    covered = r["series"]["covered"]
    assert covered[:weeks_missing] == [False] * weeks_missing and all(covered[weeks_missing:])
    partner = next(s for s in r["sources_check"]["sources"] if s["label"] == org.name)
    assert partner["gaps"] == []  # it began on the first day read: nothing before it is missing


def test_a_month_in_which_the_police_feed_stopped_says_so(demo_orgs):
    """The police file ends on 20 March 2026 (about its last event; the real file ends so on 20 August): the March
    report names the police as missing from the day after, and the month is not read as fewer incidents."""
    fill(demo_orgs["orgs"]["centrum-karlstad"], police_silent=None)
    Incident.objects.filter(source="police", occurred_start__gte=dt.datetime(2026, 3, 21, tzinfo=TZ)).delete()
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2026-03"), options=FAST)
    last = Incident.objects.filter(source="police").latest("occurred_start").occurred_start.date()
    assert last >= dt.date(2026, 3, 17)
    police = next(s for s in r["sources_check"]["sources"] if s["label"] == "Polisens händelser")
    assert [(g["from"], g["to"]) for g in police["gaps"]] == [(str(last + dt.timedelta(days=1)), "2026-03-31")]
    assert r["sources_check"]["missing_now"] == ["Polisens händelser"]
    assert all(c["direction"] != "down" for c in r["categories"])
    from django.template.loader import render_to_string

    page = render_to_string("situation/_sections.html", {"r": r, "web": False})
    assert "ingen takt per invånare: Polisens händelser saknas i perioden" in page  # not "0,0 per 10 000"


def test_a_year_without_its_quiet_winter_is_not_read_as_busier(demo_orgs):
    """Police traffic events with a season (60 % above the mean in July, below it in winter) and no change at all;
    the feed silent in January–February 2024. Counted as plain days, 2024's March–December looks about a tenth
    busier than a year, and 2025 would be expected about 5 % too high; weighted by the season it is not."""
    traffic = Category.objects.current().get(code="trafik")
    rng = np.random.default_rng(2)
    rows, day, truth = [], dt.date(2023, 1, 1), 0.0
    while day < dt.date(2026, 1, 1):
        mean = 40 * (1 + 0.6 * np.cos(2 * np.pi * (day.timetuple().tm_yday - 196) / 365.25))
        truth += mean if day.year == 2025 else 0.0
        silent = dt.date(2024, 1, 1) <= day < dt.date(2024, 3, 1)
        when = dt.datetime.combine(day, dt.time(12), TZ)
        rows += [police_event(traffic, when, f"s{day}-{i}") for i in range(0 if silent else int(rng.poisson(mean)))]
        day += dt.timedelta(days=1)
    Incident.objects.bulk_create(rows, batch_size=5000)
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2025"), options=FAST)
    assert r["sources_check"]["trimmed"] == [{"label": "år 2024", "days": 366 - 60, "of": 366, "weighted": True}]
    expected = row(r, "trafik")["expected"]
    by_year = Counter(row.occurred_start.year for row in rows)
    plain_days = (by_year[2023] + by_year[2024]) / (365 + 306) * 365  # pooled per plain day, as before
    assert plain_days / truth > 1.035
    assert expected == pytest.approx(truth, rel=0.02)


def test_years_before_the_first_data_are_no_points_and_a_partial_year_is_not_joined(demo_orgs):
    """The data begin on 1 January 2023: the annual report of 2025 draws 2022 as nothing (it was drawn as a solid
    0 joined to 2023, as if incidents had quadrupled), and its CSV leaves the count empty (third outside read)."""
    from trygg.situation.charts import series_chart

    fill(demo_orgs["orgs"]["centrum-karlstad"], police_silent=None)
    r = build_report(Municipality.objects.get(code="1780"), parse_period("2025"), options=FAST)
    series = r["series"]
    assert series["periods"] == ["2022", "2023", "2024", "2025"]
    assert series["total"][0] is None and all(v is None for v in (c[0] for c in series["by_category"].values()))
    assert series["covered"][0] is False and all(isinstance(v, int) and v > 0 for v in series["total"][1:])

    drawn: list = []
    series_chart(r, render=drawn.append)
    lines = [line for line in drawn[0].axes[0].get_lines() if line.get_label() == "Totalt"]
    ys = lines[0].get_ydata()
    assert np.isnan(ys[0]) and not np.isnan(ys[1:]).any()  # no point where there is no data
