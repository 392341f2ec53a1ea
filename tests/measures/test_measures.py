"""Measures on the database: evaluation counts and validation, permissions, the meeting → measure flow,
goal follow-up from incidents, the public page."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import timezone

from tests.factories import make_incident
from trygg.measures.evaluate import evaluate
from trygg.measures.followup import follow_up
from trygg.measures.models import Agreement, Goal, Measure, Meeting, ProblemPlace
from trygg.orgs.models import Membership, Organisation, Place, User

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
T_LAT, T_LON = 59.3780, 13.4985  # treated (Resecentrum, Karlstad)
C_LAT, C_LON = 59.3815, 13.4995  # control (Sandgrundsudden)


def box(lat, lon, half=60):
    dlat, dlon = half / 111_320, half / 56_700
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - dlon, lat - dlat],
                [lon + dlon, lat - dlat],
                [lon + dlon, lat + dlat],
                [lon - dlon, lat + dlat],
                [lon - dlon, lat - dlat],
            ]
        ],
    }


def at(day):
    return dt.datetime.combine(day, dt.time(21), TZ)


@pytest.fixture
def measure(demo_orgs):
    return Measure.objects.create(
        title="Belysning",
        kind="lighting",
        municipality_id="1780",
        owner=demo_orgs["orgs"]["karlstads-kommun"],
        start=dt.date(2025, 6, 1),
        treated_area=box(T_LAT, T_LON),
        control_area=box(C_LAT, C_LON),
        buffer_m=100,
        categories=["klotter"],
    )


def place_incidents(org, lat, lon, n, day, category="klotter"):
    for i in range(n):
        make_incident(org=org, point=(lat + i * 1e-5, lon), when=at(day + dt.timedelta(days=i % 20)), category=category)


def test_evaluation_counts_in_treated_control_and_buffer(measure, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    before, after = dt.date(2025, 1, 1), dt.date(2025, 7, 1)
    place_incidents(org, T_LAT, T_LON, 30, before)
    place_incidents(org, T_LAT, T_LON, 10, after)
    place_incidents(org, C_LAT, C_LON, 20, before)
    place_incidents(org, C_LAT, C_LON, 22, after)
    place_incidents(org, T_LAT + 110 / 111_320, T_LON, 8, before)  # 110 m north: inside the 100 m buffer ring
    place_incidents(org, T_LAT + 110 / 111_320, T_LON, 9, after)
    place_incidents(org, T_LAT, T_LON, 50, after, category="nedskrapning")  # not a target category
    result = evaluate(measure, dt.date(2025, 1, 1), dt.date(2025, 3, 1), dt.date(2025, 7, 1), dt.date(2025, 9, 1))
    assert result["counts"]["before"] == {"treated": 30, "control": 20, "buffer": 8}
    assert result["counts"]["after"] == {"treated": 10, "control": 22, "buffer": 9}
    # 59 days before (January–February), 62 after (July–August): before counts scaled by r = 62/59; the
    # control also serves the buffer, so it enters twice (and four times in the variance)
    r = 62 / 59
    assert result["periods"]["before_days"] == 59 and result["periods"]["after_days"] == 62
    assert result["wdd"] == pytest.approx((10 - 30 * r) + (9 - 8 * r) - 2 * (22 - 20 * r))
    variance = 10 + r * r * 30 + 9 + r * r * 8 + 4 * (22 + r * r * 20)
    assert result["se"] == pytest.approx(math.sqrt(variance), abs=1e-3)


def test_evaluation_validation_messages(measure, demo_orgs):
    make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], when=at(dt.date(2024, 1, 1)))
    with pytest.raises(ValueError, match="sluta efter att den börjar"):
        evaluate(measure, dt.date(2025, 3, 1), dt.date(2025, 1, 1), dt.date(2025, 7, 1), dt.date(2025, 9, 1))
    with pytest.raises(ValueError, match="innan uppgifterna"):
        evaluate(measure, dt.date(2020, 1, 1), dt.date(2020, 3, 1), dt.date(2025, 7, 1), dt.date(2025, 9, 1))
    measure.control_area = box(T_LAT, T_LON + 0.0005)
    with pytest.raises(ValueError, match="överlappar åtgärdens område"):
        evaluate(measure, dt.date(2025, 1, 1), dt.date(2025, 3, 1), dt.date(2025, 7, 1), dt.date(2025, 9, 1))


def test_measure_form_refuses_an_overlapping_control_area_and_end_before_start(login, demo_orgs):
    import json

    client = login(demo_orgs["users"]["karlstad.samordnare"])
    data = {
        "title": "X",
        "kind": "lighting",
        "owner": demo_orgs["orgs"]["karlstads-kommun"].pk,
        "buffer_m": 100,
        "status": "planned",
        "start": "2026-05-01",
        "end": "2026-04-01",
        "treated_drawn": json.dumps(box(T_LAT, T_LON)),
        "control_drawn": json.dumps(box(T_LAT, T_LON + 0.0005)),
    }
    response = client.post("/atgarder/1780/ny/", data)
    errors = response.context["form"].errors
    assert "end" in errors and "överlappar" in str(errors["control_place"])
    assert not Measure.objects.exists()


def test_only_the_owning_organisation_and_the_municipalitys_coordinators_edit(login, measure, demo_orgs):
    url = f"/atgarder/1780/{measure.pk}/andra/"
    assert login(demo_orgs["users"]["karlstad.admin"]).get(url).status_code == 200  # owner org
    assert login(demo_orgs["users"]["polis.karlstad"]).get(url).status_code == 200  # coordinator working in Karlstad
    # a coordinator of the partner municipality reads the measure but neither opens nor saves its form
    orebro = login(demo_orgs["users"]["orebro.samordnare"])
    assert orebro.get(f"/atgarder/{measure.pk}/").status_code == 200
    assert orebro.get(url).status_code == 403
    assert orebro.post(url, {"title": "Ändrad av Örebro"}).status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Belysning"
    measure.participants.add(demo_orgs["orgs"]["city-orebro"])  # taking part in it lets its members edit
    assert login(demo_orgs["users"]["city.orebro"]).get(url).status_code == 200
    assert login(demo_orgs["users"]["bra.lasare"]).get(f"/atgarder/{measure.pk}/").status_code == 200  # may read
    assert login(demo_orgs["users"]["bra.lasare"]).get(url).status_code == 403
    assert login(demo_orgs["users"]["fastighet.rapportor"]).get(url).status_code == 403  # reporter elsewhere
    outsider = User.objects.create_user("sthlm", password="x" * 12)
    org = Organisation.objects.create(name="Sthlm", slug="sthlm", kind="municipality")
    org.municipalities.set(["0180"])
    Membership.objects.create(user=outsider, organisation=org, role="coordinator")
    assert login(outsider).get(f"/atgarder/{measure.pk}/").status_code == 403


def test_edits_are_recorded(login, measure, demo_orgs):
    from trygg.audit.models import AuditEvent

    client = login(demo_orgs["users"]["karlstad.admin"])
    form = client.get(f"/atgarder/1780/{measure.pk}/andra/").context["form"]
    data = {k: v for k, v in ((name, form[name].value()) for name in form.fields) if v not in (None, [])}
    data.update(status="ongoing", categories=["klotter"])
    assert client.post(f"/atgarder/1780/{measure.pk}/andra/", data).status_code == 302
    entry = AuditEvent.objects.for_object(measure).get(action="update")
    assert entry.changes["status"] == ["planned", "ongoing"]


def test_a_meeting_decision_becomes_a_measure_and_the_next_meeting_follows_it_up(login, demo_orgs):
    coop = demo_orgs["orgs"]["karlstads-kommun"].cooperations.first()
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    response = client.post("/atgarder/moten/nytt/", {"cooperation": coop.pk, "week": "2026-W10"})
    meeting = Meeting.objects.get(week="2026-W10")
    assert response.url == f"/atgarder/moten/{meeting.pk}/"
    assert {m["code"] for m in meeting.agenda["municipalities"]} == {"1780", "1880"}
    page = client.get(response.url).content.decode()
    karlstad = next(m for m in meeting.agenda["municipalities"] if m["code"] == "1780")
    # the agenda goes through the week before the meeting's, and counts what every partner sees (a user's report may
    # add their organisation's internal reports)
    assert meeting.agenda["week"] == "2026-W09"
    assert f"{karlstad['incidents']} händelser vecka 9, 23 feb – 1 mar 2026, så som alla parter ser dem" in page
    client.post(
        f"/atgarder/moten/{meeting.pk}/",
        {
            "form": "decision",
            "text": "Trygghetsvandring vid Resecentrum",
            "municipality": "1780",
            "kind": "other",
            "owner": demo_orgs["orgs"]["centrum-karlstad"].pk,
            "due": "2026-03-20",
        },
    )
    measure = Measure.objects.get(title="Trygghetsvandring vid Resecentrum")
    assert (measure.owner.slug, measure.due, measure.status) == ("centrum-karlstad", dt.date(2026, 3, 20), "planned")
    assert measure.decision.meeting == meeting
    client.post("/atgarder/moten/nytt/", {"cooperation": coop.pk, "week": "2026-W11"})
    following = Meeting.objects.get(week="2026-W11")
    assert following.agenda["previous_week"] == "vecka 10, 2 mar – 8 mar 2026"
    assert following.agenda["previous_decisions"][0]["text"] == "Trygghetsvandring vid Resecentrum"
    assert following.agenda["previous_decisions"][0]["status"] == "Planerad"
    pdf = client.get(f"/atgarder/moten/{meeting.pk}/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    viewer = login(demo_orgs["users"]["bra.lasare"])
    assert viewer.post(f"/atgarder/moten/{meeting.pk}/", {"form": "minutes", "minutes": "x"}).status_code == 403


def test_goal_follow_up_is_computed_from_incidents(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    area = Place.objects.create(municipality_id="1780", name="Testområde", geometry=box(T_LAT, T_LON))
    agreement = Agreement.objects.create(
        municipality_id="1780",
        kind="agreement",
        title="Avtal",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
    )
    goal = Goal.objects.create(
        agreement=agreement,
        description="−20 %",
        indicator="incident_rate",
        categories=["klotter"],
        area=area,
        baseline_start=dt.date(2024, 1, 1),
        baseline_end=dt.date(2025, 1, 1),
        target_change=-0.2,
    )
    place_incidents(org, T_LAT, T_LON, 40, dt.date(2024, 3, 1))  # baseline: 40 in 366 days
    place_incidents(org, T_LAT, T_LON, 10, dt.date(2025, 3, 1))  # follow-up: 10 in 181 days (to 2025-07-01)
    result = follow_up(goal, today=dt.date(2025, 7, 1))
    assert (result["baseline"], result["baseline_days"], result["current"], result["current_days"]) == (
        40,
        366,
        10,
        181,
    )
    assert result["change"] == pytest.approx((10 / 181) / (40 / 366) - 1)
    assert result["status"] in ("on_track", "achieved")
    early = follow_up(goal, today=dt.date(2025, 1, 10))
    assert early["status"] == "too_early"


def test_the_public_page_shows_only_public_measures_without_internal_notes(client, measure, demo_orgs):
    measure.public, measure.public_summary, measure.internal_notes = True, "Ny belysning", "Hemlig anteckning"
    measure.save()
    Measure.objects.create(title="Intern", kind="other", municipality_id="1780", owner=measure.owner)
    page = client.get("/vad-vi-gor/").content.decode()
    assert "Ny belysning" in page and "Hemlig anteckning" not in page and "Intern" not in page


def test_problem_place_scanning_links_incidents_by_place_and_category(login, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    place = ProblemPlace.objects.create(
        municipality_id="1780",
        name="Tunneln",
        geometry=box(T_LAT, T_LON),
        categories=["klotter"],
        organisation=demo_orgs["orgs"]["karlstads-kommun"],
    )
    today = timezone.localdate()
    place_incidents(org, T_LAT, T_LON, 7, today - dt.timedelta(days=60))
    place_incidents(org, T_LAT, T_LON, 5, today - dt.timedelta(days=60), category="brand")
    page = login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/atgarder/problemplatser/{place.pk}/")
    assert page.context["scanning"]["last_12_months"] == 7


def test_annual_action_plan_html_and_pdf(login, measure, demo_orgs):
    measure.status = "done"
    measure.end = dt.date(2025, 12, 1)
    measure.save()
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    page = client.get("/atgarder/1780/plan/2025/")
    assert [m.title for m in page.context["done"]] == ["Belysning"]
    assert client.get("/atgarder/1780/plan/2025/?format=pdf").content.startswith(b"%PDF")


def test_a_halving_of_littering_is_a_decrease_with_displacement_answered_apart(demo_orgs):
    """The demo's Stortorget case in numbers: treated 80 → 42, control 100 → 112 over a year each, spread evenly
    over the weeks; the buffer unchanged. The WDD with the control reused for the buffer said "Ingen påvisbar
    förändring"; treated against control (exact conditional test: p = 0,0016 by the doubled Fisher tail) it is
    a decrease, and displacement is its own answer."""
    import numpy as np
    from scipy import stats

    org = demo_orgs["orgs"]["centrum-karlstad"]
    cleaning = Measure.objects.create(
        title="Helgstädning", kind="other", municipality_id="1780", owner=demo_orgs["orgs"]["karlstads-kommun"],
        start=dt.date(2025, 5, 1), treated_area=box(T_LAT, T_LON), control_area=box(C_LAT, C_LON), buffer_m=100,
        categories=["nedskrapning"],
    )  # fmt: skip
    before, after = dt.date(2024, 5, 1), dt.date(2025, 5, 1)

    def spread(lat, lon, n, start):
        for i in range(n):
            day = start + dt.timedelta(days=int(i * 364 / n))
            make_incident(org=org, point=(lat + (i % 7) * 1e-5, lon), when=at(day), category="nedskrapning")

    spread(T_LAT, T_LON, 80, before)
    spread(T_LAT, T_LON, 42, after)
    spread(C_LAT, C_LON, 100, before)
    spread(C_LAT, C_LON, 112, after)
    spread(T_LAT + 110 / 111_320, T_LON, 30, before)  # the buffer ring, unchanged
    spread(T_LAT + 110 / 111_320, T_LON, 31, after)
    result = evaluate(cleaning, before, after, after, dt.date(2026, 5, 1))
    assert result["counts"]["before"] == {"treated": 80, "control": 100, "buffer": 30}
    assert result["counts"]["after"] == {"treated": 42, "control": 112, "buffer": 31}
    assert result["wdd_verdict"] == "no_detectable_change"  # the old verdict on the same counts
    assert result["verdict"] == "decrease"
    assert result["verdict_sv"].startswith("Minskning")
    table = np.array([[80, 42], [100, 112]])
    p = min(1.0, 2 * min(stats.fisher_exact(table, alternative="less")[1], stats.fisher_exact(table, "greater")[1]))
    assert result["effect"]["p_value"] == pytest.approx(p, abs=1e-5)
    assert result["effect"]["percent"] == pytest.approx(((42 / 80) / (112 / 100) - 1) * 100, abs=0.1)
    assert result["displacement"]["verdict"] == "no_detectable_change"
    assert "∞" not in result["verdict_sv"] + result["displacement"]["verdict_sv"]


def test_a_past_report_lists_the_measures_that_ran_in_it_not_todays(demo_orgs):
    """The annual report for 2025 names the work of 2025 — one that ended in 2025 and one that began in it — and
    not a measure begun in 2026 or one cancelled; the current period keeps listing what is planned or ongoing."""
    from trygg.core.periods import parse_period
    from trygg.measures.meetings import lagesbild_section

    owner = demo_orgs["orgs"]["karlstads-kommun"]

    def make(title, start, end=None, status="ongoing"):
        return Measure.objects.create(title=title, kind="other", municipality_id="1780", owner=owner, start=start,
                                      end=end, status=status)  # fmt: skip

    make("Städning vid Stortorget", dt.date(2025, 5, 1), dt.date(2026, 4, 30), "done")
    make("Belysning i parken", dt.date(2024, 9, 1), dt.date(2025, 2, 28), "done")
    make("Sanera klottret", dt.date(2026, 11, 7))
    make("Avbruten", dt.date(2025, 3, 1), status="cancelled")
    make("Slutade före året", dt.date(2023, 1, 1), dt.date(2024, 12, 31), "done")
    from trygg.orgs.models import Municipality

    municipality = Municipality.objects.get(code="1780")
    year = lagesbild_section(municipality, None, parse_period("2025"))
    assert year["during"] and [m["title"] for m in year["items"]] == ["Belysning i parken", "Städning vid Stortorget"]
    assert year["items"][1]["start"] == "2025-05-01" and year["items"][1]["end"] == "2026-04-30"
    now = lagesbild_section(municipality, None, None)
    assert not now["during"] and "Sanera klottret" in [m["title"] for m in now["items"]]
    assert "Städning vid Stortorget" not in [m["title"] for m in now["items"]]
    # a measure without an end but with a due date: a past week's report gives the due date, as the agenda does
    Measure.objects.filter(title="Sanera klottret").update(due=dt.date(2026, 12, 2))
    week = lagesbild_section(municipality, None, parse_period("2026-W47"))
    cleaning = next(m for m in week["items"] if m["title"] == "Sanera klottret")
    assert week["during"] and cleaning["end"] is None and cleaning["due"] == "2026-12-02"


def test_a_meeting_is_named_by_its_weeks_dates_not_its_iso_code():
    from trygg.core.periods import key_label

    assert key_label("2026-W50") == "vecka 50, 7 dec – 13 dec 2026"
    assert key_label("2026-W53") == "vecka 53, 28 dec 2026 – 3 jan 2027"
    assert key_label("2026-03") == "mars 2026" and key_label("inte en period") == "inte en period"
