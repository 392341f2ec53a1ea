"""The lägesbild pages: access, background computation with progress, invalidation, exports, analysis."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests.factories import make_incident
from trygg.audit.models import AuditEvent
from trygg.incidents.models import Incident
from trygg.situation.models import Narrative, ReportCache

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FAST = {"knox_simulations": 19}
URL = "/lagesbild/1780/2026-W10/"


def at(day, hour=12):
    return dt.datetime.combine(day, dt.time(hour), TZ)


@pytest.fixture
def week(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for i in range(3):
        make_incident(org=org, category="klotter", when=at(dt.date(2026, 3, 3 + i)))
    return demo_orgs


@pytest.fixture
def week_committed(transactional_db):
    """The same data committed, for the real worker (it closes and reopens database connections)."""
    from tests.conftest import ensure_base_data
    from trygg.demo import orgs

    ensure_base_data()
    organisations = orgs.load_organisations()
    users = {spec.username: user for spec, user in orgs.load_users(organisations)}
    for i in range(3):
        make_incident(org=organisations["centrum-karlstad"], category="klotter", when=at(dt.date(2026, 3, 3 + i)))
    return {"orgs": organisations, "users": users}


@override_settings(TRYGG_LAGESBILD_OPTIONS=FAST)
def test_a_computation_cut_off_by_a_restart_is_queued_again(login, week_committed):
    """A row left "running" by a worker that was stopped (no progress for over five minutes) does not keep the
    page on "beräknas" for ever: the next visit queues the report again and a worker finishes it."""
    client = login(week_committed["users"]["karlstad.samordnare"])
    client.get(URL)
    row = ReportCache.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    ReportCache.objects.filter(pk=row.pk).update(status="running", task_id="dead",
                                                 updated_at=timezone.now() - dt.timedelta(minutes=4))  # fmt: skip
    client.get(URL)
    assert ReportCache.objects.get().task_id == "dead"  # four minutes silent: still taken to be working
    ReportCache.objects.filter(pk=row.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=6))
    page = client.get(URL)
    assert "progress" in page.content.decode()
    requeued = ReportCache.objects.get()
    assert requeued.task_id not in ("", "dead") and requeued.status == "pending"
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    assert ReportCache.objects.get().status == "done"
    assert client.get(URL).context["r"]["totals"]["incidents"] == 3


@override_settings(TRYGG_LAGESBILD_OPTIONS=FAST)
def test_the_report_is_computed_in_the_background_with_progress(login, week_committed):
    week = week_committed
    client = login(week["users"]["karlstad.samordnare"])
    first = client.get(URL)
    assert first.status_code == 200
    assert "progress" in first.content.decode()  # queued: the page shows progress and polls
    row = ReportCache.objects.get()
    assert row.status == "pending" and row.task_id
    status = client.get(f"/lagesbild/status/{row.pk}/")
    assert "HX-Refresh" not in status.headers
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    row.refresh_from_db()
    assert row.status == "done" and row.progress == 1.0
    assert client.get(f"/lagesbild/status/{row.pk}/").headers["HX-Refresh"] == "true"
    page = client.get(URL)
    html = page.content.decode()
    assert page.context["r"]["totals"]["incidents"] == 3
    assert "vecka 10, 2 mar – 8 mar 2026" in html and "Klotter" in html
    assert AuditEvent.objects.filter(action="view", object_type="situation.lagesbild").exists()


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_a_change_in_the_period_invalidates_the_cached_report(login, week):
    client = login(week["users"]["karlstad.samordnare"])
    assert client.get(URL).context["r"]["totals"]["incidents"] == 3
    assert client.get(URL).context["r"]["totals"]["incidents"] == 3  # served from the cache
    new = make_incident(org=week["orgs"]["centrum-karlstad"], when=at(dt.date(2026, 3, 6)))
    assert client.get(URL).context["r"]["totals"]["incidents"] == 4
    new.status = "rejected"
    new.save()
    assert client.get(URL).context["r"]["totals"]["incidents"] == 3


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_a_change_in_the_seasonal_baseline_or_a_move_away_invalidates_the_cached_report(login, week):
    from trygg.incidents.models import Category
    from trygg.orgs.models import Place

    org = week["orgs"]["centrum-karlstad"]
    make_incident(org=org, category="nedskrapning", when=at(dt.date(2023, 1, 2)))  # the data begin here
    # two years back, in the seasonal baseline and beyond the 400 days the fingerprint used to cover
    edited = make_incident(org=org, category="klotter", when=at(dt.date(2024, 3, 5)))
    moved = make_incident(org=org, category="klotter", when=at(dt.date(2024, 3, 6)))
    client = login(week["users"]["karlstad.samordnare"])

    def klotter_expected():
        r = client.get(URL).context["r"]
        assert r["coverage"]["method"] == "season" and "2024-W10" in r["coverage"]["compared_with"]
        return next(c for c in r["categories"] if c["code"] == "klotter")["expected"]

    before = klotter_expected()
    assert klotter_expected() == before  # served from the cache
    edited.category = Category.objects.current().get(code="nedskrapning")  # an edit two years back
    edited.save()
    after_edit = klotter_expected()
    assert after_edit < before
    moved.municipality_id, moved.county_id = "1880", "18"  # moved to Örebro: it leaves Karlstad's data
    moved.save()
    assert klotter_expected() < after_edit
    Place.objects.filter(municipality="1780", name="Stora torget").update(name="Stortorget i Karlstad")
    renamed = client.get(URL).context["r"]
    assert "Stortorget i Karlstad" in {g["place"] for g in renamed["week_places"]}


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_access_follows_the_municipality_rules(login, week, client):
    assert client.get(URL).status_code == 302  # not logged in
    from trygg.orgs.models import Cooperation

    Cooperation.objects.update(share_incidents=False)
    from trygg.orgs.models import User

    orebro = login(User.objects.get(username="orebro.samordnare"))
    assert orebro.get(URL).status_code == 403
    assert orebro.get(URL + "pdf/").status_code == 403
    assert orebro.get(URL + "csv/categories/").status_code == 403


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_the_coordinators_analysis_is_versioned(login, week):
    coordinator = login(week["users"]["karlstad.samordnare"])
    coordinator.post(URL + "analys/", {"text": "Klottret ökar vid resecentrum."})
    coordinator.post(URL + "analys/", {"text": "Klottret ökar vid resecentrum; belysningen är trasig."})
    versions = Narrative.objects.filter(municipality="1780", period="2026-W10")
    assert versions.count() == 2
    page = coordinator.get(URL)
    assert page.context["r"]["narrative"]["text"].endswith("belysningen är trasig.")
    assert page.context["r"]["narrative"]["version"] == 2
    reporter = login(week["users"]["centrum.rapportor"])
    assert reporter.post(URL + "analys/", {"text": "x"}).status_code == 403
    assert versions.count() == 2


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_exports(login, week):
    client = login(week["users"]["karlstad.samordnare"])
    pdf = client.get(URL + "pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = client.get(URL + "json/").json()
    assert data["totals"]["incidents"] == 3
    text = client.get(URL + "csv/categories/").content.decode()
    assert text.startswith("\ufeff")  # a spreadsheet reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))  # Swedish list separator
    assert {r["Kod"]: int(r["Antal"]) for r in rows}["klotter"] == 3
    assert rows[-1]["Kategori"] == "Totalt" and rows[-1]["Bedömning"]  # the verdict in the page's words
    assert not any("." in v for r in rows for v in r.values())  # no decimal point anywhere
    text = client.get(URL + "csv/time_of_week/").content.decode().lstrip("\ufeff")
    tow = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tow[0][0] == "Veckodag" and tow[1][0] == "mån"
    assert len(tow) == 8 and sum(int(v) for row in tow[1:] for v in row[1:]) == 3
    text = client.get(URL + "csv/series/").content.decode().lstrip("\ufeff")
    series = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert series[0][:4] == ["Period", "Periodkod", "Fullständiga data", "Totalt"]
    assert series[-1][0].startswith("vecka") and series[-1][2] in ("ja", "nej")
    assert client.get(URL + "csv/nope/").status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == 2


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_bad_period_is_404(login, week):
    assert login(week["users"]["karlstad.samordnare"]).get("/lagesbild/1780/2026-W99/").status_code == 404


def test_comparison_shows_rates_with_intervals_not_counts(login, week):
    org_o = week["orgs"]["city-orebro"]
    for _ in range(5):
        make_incident(municipality="1880", org=org_o, when=at(dt.date(2026, 3, 4)))
    client = login(week["users"]["karlstad.samordnare"])
    data = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03&format=json").json()
    rows = {m["code"]: m for m in data["municipalities"]}
    from trygg.orgs.models import Municipality

    pop = dict(Municipality.objects.filter(code__in=["1780", "1880"]).values_list("code", "population"))
    # the partners' reports are rates of their own (issue 24 scope 5: never in a ratio with the police's events)
    assert rows["1780"]["partners"]["rate"] == pytest.approx(3 * 10_000 / pop["1780"], abs=0.01)
    assert rows["1880"]["partners"]["rate"] == pytest.approx(5 * 10_000 / pop["1880"], abs=0.01)
    assert rows["1780"]["rate"]["low"] <= rows["1780"]["rate"]["rate"] < rows["1780"]["rate"]["high"]
    assert all("count" not in row for row in data["municipalities"])
    assert "rate_ratio" not in data and data["police_ratio"]["ratio"] is None  # no police events: no ratio
    page = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03")
    assert page.status_code == 200
    assert "per 10 000" in page.content.decode()
    # the same tables for a spreadsheet: a row per figure, a column per town, Swedish decimals, the interval apart
    table = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03&format=csv")
    assert table["Content-Type"].startswith("text/csv") and "attachment" in table["Content-Disposition"]
    lines = [line.split(";") for line in table.content.decode("utf-8-sig").splitlines()]
    assert lines[0][1:] == [rows["1780"]["name"], rows["1880"]["name"]]
    by_figure = {line[0]: line[1:] for line in lines}
    shown = by_figure["Partnernas rapporter per 10 000"]
    assert shown == [f"{rows[c]['partners']['rate']:.1f}".replace(".", ",") for c in ("1780", "1880")]
    assert by_figure["Partnernas rapporter under perioden"] == ["3", "5"]


def test_comparison_counts_imported_partner_reports_as_est_and_police_events_apart(login, week):
    org = week["orgs"]["centrum-karlstad"]
    make_incident(org=org, source="csv", external_id="centrum-karlstad:1", when=at(dt.date(2026, 3, 4)))
    for i in range(2):
        make_incident(source="police", external_id=f"p{i}", precision="municipality", when=at(dt.date(2026, 3, 4)))
    make_incident(source="tip", when=at(dt.date(2026, 3, 4)))
    client = login(week["users"]["karlstad.samordnare"])
    data = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03&format=json").json()
    karlstad = next(m for m in data["municipalities"] if m["code"] == "1780")
    population = karlstad["population"]
    partners = karlstad["partners"]
    assert partners["by_source"] == {"est": 3, "csv": 1, "tip": 1}  # 3 form + 1 CSV, and the resident's tip
    assert partners["rate"] == pytest.approx(5 * 10_000 / population, abs=0.01)
    assert karlstad["police"]["placed"]["rate"] == pytest.approx(2 * 10_000 / population, abs=0.01)
    assert karlstad["rate"]["rate"] == pytest.approx(2 * 10_000 / population, abs=0.01)  # the police's alone
    assert karlstad["police"]["generated"] == 0
    Incident.objects.filter(source="police", external_id="p0").update(is_generated=True)  # a moved demo event
    again = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03&format=json").json()
    assert next(m for m in again["municipalities"] if m["code"] == "1780")["police"]["generated"] == 1
    later = (timezone.localdate() + dt.timedelta(days=400)).year
    page = client.get(f"/lagesbild/jamforelse/?m=1780&m=1880&period={later}")
    assert page.status_code == 200 and "Perioden har inte börjat" in page.content.decode()


def test_comparison_warns_when_a_municipalitys_data_begin_inside_the_period(login, demo_orgs):
    make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], when=at(dt.date(2025, 1, 10)))
    make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], when=at(dt.date(2026, 3, 10)))
    make_incident(municipality="1880", org=demo_orgs["orgs"]["city-orebro"], when=at(dt.date(2026, 3, 12)))
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    data = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03&format=json").json()
    assert data["partly_covered"] == ["Örebro"]
    assert {m["name"]: m["data_from"] for m in data["municipalities"]} == {
        "Karlstad": "2025-01-10",
        "Örebro": "2026-03-12",
    }
    page = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03").content.decode()
    assert "Uppgifterna för Örebro börjar" in page
    later = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2026-W12&format=json").json()
    assert later["partly_covered"] == []
