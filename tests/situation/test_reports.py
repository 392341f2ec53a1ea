"""Report numbers checked against the database and against hand-placed incidents."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.factories import make_incident
from trygg.core.periods import parse_period
from trygg.incidents.models import Incident
from trygg.orgs.models import Municipality, Place
from trygg.situation.builder import Options, build_report

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
FAST = Options(knox_simulations=99)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_320, lon + east_m / (111_320 * np.cos(np.radians(lat)))


@pytest.fixture
def week_data(demo_orgs):
    """Week 2026-W10 (2–8 March) and the four weeks before, placed by hand in Karlstad."""
    org = demo_orgs["orgs"]["centrum-karlstad"]
    monday = dt.date(2026, 3, 2)
    for i in range(4):  # klotter: 4 this week, Tuesday 22:00
        make_incident(
            org=org,
            category="klotter",
            when=at(monday + dt.timedelta(days=1), 22),
            point=offset(59.3794, 13.5035, 10 * i, 0),
        )
    for weeks_back, n in ((1, 1), (2, 2), (3, 0), (4, 1)):  # klotter before: 1, 2, 0, 1 → mean 1.0
        for _ in range(n):
            make_incident(org=org, category="klotter", when=at(monday - dt.timedelta(weeks=weeks_back)))
    make_incident(org=org, category="nedskrapning", when=at(monday + dt.timedelta(days=5), 3))  # Saturday 03:00
    make_incident(org=org, category="klotter", visibility="internal", when=at(monday))  # not in partners' scope
    make_incident(
        source="police",
        external_id="p1",
        precision="municipality",
        visibility="public",
        category="vald_hot",
        point=(59.402724, 13.511497),
        when=at(monday + dt.timedelta(days=6), 1),
    )
    return parse_period("2026-W10")


def test_weekly_numbers_match_what_was_placed(week_data):
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, week_data, options=FAST)
    assert r["totals"]["incidents"] == 6  # 4 klotter, 1 littering, 1 police event; the internal one is not seen
    assert r["totals"]["precise"] == 5
    assert r["totals"]["excluded_from_spatial"] == 1
    assert r["totals"]["police"] == 1
    klotter = next(c for c in r["categories"] if c["code"] == "klotter")
    assert klotter["count"] == 4
    assert r["coverage"]["method"] == "recent" and len(r["coverage"]["compared_with"]) == 4  # data from 4 weeks back
    assert klotter["expected"] == 1.0  # (1 + 2 + 0 + 1) over 28 days, times 7
    assert klotter["direction"] == "too_few" and klotter["ratio"] is None  # 4 against 1: too few to say
    tow = np.array(r["time_of_week"])
    assert tow[1, 22] == 4 and tow[5, 3] == 1 and tow[6, 1] == 1 and tow.sum() == 6
    assert r["rate_per_10k"]["rate"] == pytest.approx(6 * 10_000 / karlstad.population, abs=1e-3)
    assert r["harm"]["total"] == 4 * 1 + 1 * 1 + 14  # klotter 1, littering 1, violence 14
    assert r["spatial"]["available"]
    assert sum(map(sum, r["spatial"]["counts"])) == 5
    scan = r["spatial"]["new_hotspots"]
    assert scan["enough_history"] and scan["weeks"] == 5 and scan["clusters"] == []  # the same place all along
    places = {(g["kind"], g["place"]): g["count"] for g in r["week_places"]}
    assert places[("at", "Stora torget")] == 5  # the four klotter reports and the littering, at the default point
    assert places[("imprecise", "")] == 1  # the police event
    json.dumps(r)  # every number is JSON


def test_a_user_sees_their_own_organisations_internal_reports_in_the_report(week_data, demo_orgs):
    from trygg.situation.data import Scope

    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, week_data, scope=Scope(demo_orgs["users"]["centrum.rapportor"]), options=FAST)
    assert r["totals"]["incidents"] == 7


def test_area_report_keeps_only_incidents_inside_the_area(week_data, demo_orgs):
    karlstad = Municipality.objects.get(code="1780")
    box = Place.objects.create(
        municipality=karlstad,
        name="Testruta",
        geometry={
            "type": "Polygon",
            "coordinates": [
                [[13.5030, 59.3790], [13.5040, 59.3790], [13.5040, 59.3798], [13.5030, 59.3798], [13.5030, 59.3790]]
            ],
        },
    )
    r = build_report(karlstad, week_data, place=box, options=FAST)
    # the 4 klotter reports are within 30 m north of Stora torget (inside); the littering one was at the
    # default point too; the police centroid cannot be placed in an area
    assert r["totals"]["incidents"] == 5
    assert r["totals"]["excluded_outside_area"] == 1
    assert r["rate_per_10k"] is None
    # the police centroid is said on the area's report: it cannot be counted in any area
    police = Incident.objects.filter(
        municipality=karlstad,
        precision="municipality",
        occurred_start__gte=at(week_data.start),
        occurred_start__lt=at(week_data.end, 0),
    )
    assert police.count() >= 1 and r["totals"]["unplaced_in_area"] == police.count()


def test_a_point_place_and_a_period_not_begun_have_no_report(demo_orgs, login, client):
    karlstad = Municipality.objects.get(code="1780")
    point = Place.objects.create(municipality=karlstad, name="Punkten", lat=59.38, lon=13.5,
                                 geometry={"type": "Point", "coordinates": [13.5, 59.38]})  # fmt: skip
    login(demo_orgs["users"]["karlstad.samordnare"])
    assert client.get(f"/lagesbild/1780/2026-W10/?area={point.pk}").status_code == 404
    after = timezone.localdate() + dt.timedelta(days=8)
    year, week, _ = after.isocalendar()
    assert client.get(f"/lagesbild/1780/{year}-W{week:02d}/").status_code == 404
    year, week, _ = timezone.localdate().isocalendar()
    assert client.get(f"/lagesbild/1780/{year}-W{week:02d}/").status_code in (200, 302)  # this week is reported


def test_in_a_small_area_an_incident_inside_the_boundary_counts_where_its_cell_centre_is_outside(demo_orgs):
    """A 4-cell area: the grid's cells straddle the boundary; an incident 10 m inside the north-east corner lies in
    a cell whose centre is outside the polygon, and the centre rule alone dropped it from the map."""
    from trygg.analysis.grid import to_lonlat, to_projected

    karlstad = Municipality.objects.get(code="1780")
    x0, y0 = to_projected(np.array([13.5035]), np.array([59.3794]), "EPSG:3006")
    x0, y0 = float(x0[0]) // 100 * 100 + 10, float(y0[0]) // 100 * 100 + 10  # the grid's cells are whole 100 m
    corners = [(x0, y0), (x0 + 230, y0), (x0 + 230, y0 + 230), (x0, y0 + 230), (x0, y0)]  # cell centres at +40, +140
    lon, lat = to_lonlat(np.array([c[0] for c in corners]), np.array([c[1] for c in corners]), "EPSG:3006")
    area = Place.objects.create(
        municipality=karlstad, name="Liten ruta",
        geometry={"type": "Polygon", "coordinates": [[[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]]},
    )  # fmt: skip
    org = demo_orgs["orgs"]["centrum-karlstad"]
    (elon,), (elat,) = to_lonlat(np.array([x0 + 225]), np.array([y0 + 225]), "EPSG:3006")  # its cell's centre: +240
    make_incident(org=org, point=(float(elat), float(elon)), when=at(dt.date(2026, 3, 4)))
    make_incident(org=org, point=offset(59.3794, 13.5035, 50, 50), when=at(dt.date(2026, 3, 5)))
    r = build_report(karlstad, parse_period("2026-03"), place=area, options=FAST)
    assert r["totals"]["incidents"] == 2
    assert r["spatial"]["study_area"]["events"] == 2  # both on the map, the corner one too
    assert r["spatial"]["study_area"]["outside"] == 0


def test_a_planted_cluster_is_a_hot_spot_in_the_monthly_report(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    rng = np.random.default_rng(1)
    for i in range(120):  # background over ~1 km
        lat, lon = offset(59.3794, 13.5035, rng.uniform(-500, 500), rng.uniform(-500, 500))
        make_incident(org=org, point=(lat, lon), when=at(dt.date(2026, 3, 1) + dt.timedelta(days=i % 28)))
    for i in range(60):  # cluster around a point 300 m east of Stora torget
        lat, lon = offset(59.3794, 13.5035, rng.normal(0, 20), 300 + rng.normal(0, 20))
        make_incident(org=org, point=(lat, lon), when=at(dt.date(2026, 3, 1) + dt.timedelta(days=i % 28)))
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, parse_period("2026-03"), options=Options(knox_simulations=99))
    hot = r["spatial"]["hot_cells"]
    assert hot, "the cluster should be a hot spot"
    first = r["spatial"]["hotspots"][0]
    assert first["where"] == {"kind": "near", "place": "Stora torget", "distance_m": 300, "bearing": "E"}
    assert first["count"] >= 55 and first["level"] == 99
    assert first["categories"][0] == {"label": "Klotter", "count": first["count"]}
    assert abs(first["lat"] - offset(59.3794, 13.5035, 0, 300)[0]) < 0.001
    target_lat, target_lon = offset(59.3794, 13.5035, 0, 300)
    nearest = min(
        hot,
        key=lambda c: (
            (np.mean([p[1] for p in c["polygon"]]) - target_lat) ** 2
            + (np.mean([p[0] for p in c["polygon"]]) - target_lon) ** 2
        ),
    )
    centre = (np.mean([p[1] for p in nearest["polygon"][:4]]), np.mean([p[0] for p in nearest["polygon"][:4]]))
    assert abs(centre[0] - target_lat) < 0.002 and abs(centre[1] - target_lon) < 0.004
    assert r["spatial"]["near_repeat"]["available"]
    # March 2026 has 6 (partial) weekly slices: too few for a trend (at least 10)
    assert r["spatial"]["emerging"] == {"available": False, "reason": "too_few_slices", "slices": 6, "minimum": 10}
    concentration = r["spatial"]["concentration"]
    assert concentration["cells"] == r["spatial"]["study_area"]["cells"]  # over the study area, not a rectangle
    assert concentration["top_10"] > 0.5


def test_annual_report_on_the_demo_data_matches_the_database(demo_orgs):
    from trygg.demo.reports import load_reports

    load_reports(demo_orgs["orgs"], start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31))
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, parse_period("2025"), options=FAST)
    in_year = Incident.objects.filter(
        municipality=karlstad,
        occurred_start__gte=at(dt.date(2025, 1, 1), 0),
        occurred_start__lt=at(dt.date(2026, 1, 1), 0),
        visibility__in=["partners", "public"],
    ).exclude(status="rejected")
    assert r["totals"]["incidents"] == in_year.count()
    assert r["totals"]["generated"] == in_year.filter(is_generated=True).count()
    by_category = {c["code"]: c["count"] for c in r["categories"] if c["code"] != "_total"}
    for code, count in by_category.items():
        assert in_year.filter(category__code=code).count() == count
    assert r["series"]["total"][-1] == in_year.count()
    assert r["official"]["reported_crime_per_100k"]["year"] == 2025
    assert len(r["spatial"]["emerging"]["slices"]) == 12


def test_lagesbild_command_writes_json_html_and_a_paged_pdf(week_data, tmp_path):
    from pypdf import PdfReader

    out = io.StringIO()
    call_command(
        "lagesbild",
        "--municipality",
        "1780",
        "--period",
        "2026-W10",
        "--knox-simulations",
        "99",
        "-o",
        str(tmp_path / "r.json"),
        stdout=out,
    )
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["totals"]["incidents"] == 6 and data["period"]["key"] == "2026-W10"
    call_command(
        "lagesbild",
        "--municipality",
        "Karlstad",
        "--period",
        "2026-W10",
        "--knox-simulations",
        "99",
        "--format",
        "html",
        "-o",
        str(tmp_path / "r.html"),
        stdout=out,
    )
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Karlstad" in html and "vecka 10, 2 mar – 8 mar 2026" in html and "<script" not in html
    call_command(
        "lagesbild",
        "--municipality",
        "1780",
        "--period",
        "2026-W10",
        "--knox-simulations",
        "99",
        "-o",
        str(tmp_path / "r.pdf"),
        stdout=out,
    )
    reader = PdfReader(tmp_path / "r.pdf")
    assert len(reader.pages) >= 2
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert f"Sida 1 av {len(reader.pages)}" in first
    assert "vecka 10, 2 mar – 8 mar 2026" in last and "polisen.se" in last  # period and sources on every page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "9999", "--period", "2026"], "unknown municipality"),
        (["--municipality", "1780", "--period", "2026-13"], "there is no month 13"),
        (["--municipality", "1780", "--period", "2026", "--area", "Nowhere"], "no place 'Nowhere'"),
        (["--municipality", "1780", "--period", "2026", "--format", "odt"], "invalid choice"),
    ],
)
def test_lagesbild_command_bad_input(base_data, tmp_path, args, message):
    with pytest.raises((CommandError, SystemExit)) as excinfo:
        call_command("lagesbild", *args, "-o", str(tmp_path / "x.json"), stderr=io.StringIO())
    if isinstance(excinfo.value, CommandError):
        assert message in str(excinfo.value)


@pytest.fixture
def data_from_mid_december(demo_orgs):
    """The municipality's first incident is on 15 December 2025; then January, February and March 2026."""
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for day, n in ((dt.date(2025, 12, 15), 2), (dt.date(2026, 1, 10), 5), (dt.date(2026, 2, 10), 3),
                   (dt.date(2026, 3, 10), 10)):  # fmt: skip
        for _ in range(n):
            make_incident(org=org, category="klotter", when=at(day))


def test_an_earlier_period_only_partly_covered_by_data_is_left_out_of_the_comparison(data_from_mid_december):
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, parse_period("2026-03"), options=FAST)
    assert r["coverage"]["data_from"] == "2025-12-15"
    assert r["coverage"]["compared_with"] == ["2026-01", "2026-02"]  # December began before the data
    assert r["coverage"]["method"] == "recent"  # no earlier year: the season cannot be taken into account
    klotter = next(c for c in r["categories"] if c["code"] == "klotter")
    # 8 in January and February (59 days), so 8 / 59 × 31 expected in March, not (2 + 5 + 3) / 3
    assert klotter["count"] == 10 and klotter["expected"] == pytest.approx(8 / 59 * 31, abs=0.01)
    assert r["series"]["covered"] == [False] * 9 + [True] * 3  # April 2025 … March 2026
    html = render_lagesbild(r)
    assert "2025-12-15" in html and "säsongen" in html


def test_without_any_fully_covered_earlier_period_nothing_is_tested(data_from_mid_december, tmp_path):
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, parse_period("2026-W03"), options=FAST)  # 12–18 Jan; weeks from 15 Dec covered
    assert r["coverage"]["compared_with"] == ["2025-W51", "2025-W52", "2026-W01", "2026-W02"]
    r = build_report(karlstad, parse_period("2025-12"), options=FAST)
    assert r["coverage"]["compared_with"] == [] and r["coverage"]["method"] == "none"
    assert {c["direction"] for c in r["categories"]} == {"no_data"}
    assert all(c["expected"] is None and c["p_value"] is None for c in r["categories"])
    assert "inget att jämföra med" in render_lagesbild(r)
    call_command("lagesbild", "--municipality", "1780", "--period", "2025-12", "--knox-simulations", "99",
                 "--format", "pdf", "-o", str(tmp_path / "r.pdf"), stdout=io.StringIO())  # fmt: skip
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def render_lagesbild(report: dict) -> str:
    """The report as the web page and PDF render it, with its charts drawn."""
    from trygg.situation import charts
    from trygg.situation.service import render_html

    boundary = Municipality.objects.get(code=report["municipality"]["code"]).boundary
    return render_html(report, charts.all_charts(report, boundary))


def test_no_new_hot_spot_is_claimed_on_a_history_of_less_than_three_weeks(data_from_mid_december):
    karlstad = Municipality.objects.get(code="1780")
    early = build_report(karlstad, parse_period("2025-W51"), options=FAST)["spatial"]["new_hotspots"]
    assert early["weeks"] == 1 and early["enough_history"] is False and early["clusters"] == []  # from 2025-12-15
    later = build_report(karlstad, parse_period("2026-W11"), options=FAST)["spatial"]["new_hotspots"]
    assert later["enough_history"] is True and later["weeks"] == 13


def test_a_month_is_compared_with_the_same_season_of_earlier_years(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    day = dt.date(2023, 4, 1)  # the data begin here; littering every fourth day keeps the partner's feed alive
    while day < dt.date(2025, 7, 1):
        make_incident(org=org, category="nedskrapning", when=at(day))
        day += dt.timedelta(days=4)
    for year in (2023, 2024):
        for month in (5, 6, 7):
            for day in range(1, 11):  # ten in each summer month
                make_incident(org=org, category="klotter", when=at(dt.date(year, month, day)))
    for day in range(1, 11):
        make_incident(org=org, category="klotter", when=at(dt.date(2025, 6, day)))
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, parse_period("2025-06"), options=FAST)
    assert r["coverage"]["method"] == "season"
    assert r["coverage"]["compared_with"] == ["2023-05", "2023-06", "2023-07", "2024-05", "2024-06", "2024-07"]
    klotter = next(c for c in r["categories"] if c["code"] == "klotter")
    # 60 in 92 + 92 days of summers: 60 / 184 × 30 expected in June
    assert klotter["expected"] == pytest.approx(60 / 184 * 30, abs=0.01)
    assert klotter["direction"] == "no_change"
    html = render_lagesbild(r)
    assert "samma tid på året" in html


def test_a_running_period_counts_only_its_days_so_far():
    from trygg.situation.trends import exposure_days

    week = parse_period("2026-W49")  # Monday 30 November – Sunday 6 December 2026
    assert exposure_days(week, dt.date(2026, 12, 2)) == 3
    assert exposure_days(week, dt.date(2026, 12, 20)) == 7
    assert exposure_days(week, dt.date(2026, 11, 1)) == 0


def test_the_annual_report_never_flags_where_its_interval_covers_one(demo_orgs):
    from trygg.demo.reports import load_reports

    load_reports(demo_orgs["orgs"], start=dt.date(2022, 12, 1), end=dt.date(2025, 12, 31))
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, parse_period("2025"), options=FAST)
    assert r["coverage"]["method"] == "years" and r["coverage"]["compared_with"] == ["2023", "2024"]
    for row in r["categories"]:
        if row["direction"] in ("too_few", "no_data"):
            continue
        excludes_one = (row["low"] is not None and row["low"] > 1) or (row["high"] is not None and row["high"] < 1)
        assert excludes_one == (row["direction"] in ("up", "down")), row
    spatial = r["spatial"]
    assert spatial["study_area"]["observed_radius_m"] == 500
    assert spatial["kde"]["mass"] == pytest.approx(spatial["study_area"]["events"], rel=1e-3)
    assert spatial["hotspots"] and all(h["where"]["kind"] in ("at", "near", "in") for h in spatial["hotspots"])
    assert {h["where"].get("place") for h in spatial["hotspots"]} & {"Stora torget", "Järnvägsparken"}
    assert spatial["emerging"]["available"] and len(spatial["emerging"]["slices"]) == 12
    assert spatial["cold_cells"] == []  # cold spots are only tested in a chosen area


def test_a_lone_event_in_the_week_is_not_a_hot_spot(demo_orgs):
    make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], when=at(dt.date(2026, 3, 3)))
    karlstad = Municipality.objects.get(code="1780")
    r = build_report(karlstad, parse_period("2026-W10"), options=FAST)
    assert r["spatial"]["available"] and r["spatial"]["hotspots"] == [] and r["spatial"]["hot_cells"] == []
    assert "Ingen plats sticker ut" in render_lagesbild(r)


def test_the_harm_weighted_figure_says_when_a_few_grave_incidents_make_most_of_it(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    week = parse_period("2026-W10")
    for i in range(20):
        make_incident(org=org, category="nedskrapning", when=at(week.start + dt.timedelta(days=i % 7)))
    for i in range(3):
        make_incident(org=org, category="grovt_vald", when=at(week.start + dt.timedelta(days=i)))
    karlstad = Municipality.objects.get(code="1780")
    harm = build_report(karlstad, week, options=FAST)["harm"]
    assert harm["dominant"]["n"] == 3  # two of 3 × 3650 are half already, but the third weighs as much: not cut
    assert harm["dominant"]["share"] == pytest.approx(3 * 3650 / (3 * 3650 + 20), abs=0.001)
    Incident.objects.filter(category__code="grovt_vald").delete()
    assert build_report(karlstad, week, options=FAST)["harm"]["dominant"] is None  # 20 equal ones: nothing to say
