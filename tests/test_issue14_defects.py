"""Defects found by a Swedish coordinator trying Trygg (issue 14), each checked where it was seen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trygg.audit.models import AuditEvent
from trygg.audit.wording import detail
from trygg.citizens.models import ReceiptReport, Venue
from trygg.measures.models import Measure

pytestmark = pytest.mark.django_db


def test_the_report_form_has_no_pre_chosen_category(login, demo_orgs):
    html = login(demo_orgs["users"]["fastighet.rapportor"]).get("/report/").content.decode()
    select = html[html.index('name="incident-0-category"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>— välj vad som hände —</option>' in select
    assert select.count("selected") == 1


def test_the_decision_form_has_no_pre_chosen_type_and_no_dashes(login, demo_orgs):
    from trygg.measures.forms import DecisionForm
    from trygg.orgs.models import Cooperation, Municipality

    form = DecisionForm(
        cooperation=Cooperation.objects.first(), municipalities=Municipality.objects.filter(code="1780")
    )
    assert form.fields["kind"].choices[0] == ("", "— välj typ —")
    assert form["kind"].value() in (None, "")
    assert "---------" not in str(form)


def test_a_meeting_cannot_be_opened_for_a_future_week(login, demo_orgs):
    from trygg.measures.models import Meeting
    from trygg.orgs.models import Cooperation

    coop = Cooperation.objects.first()
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    future = (timezone.localdate() + dt.timedelta(days=14)).isocalendar()
    week = f"{future.year}-W{future.week:02d}"
    response = client.post("/atgarder/moten/nytt/", {"cooperation": coop.pk, "week": week}, follow=True)
    assert "inte för" in response.content.decode() and not Meeting.objects.exists()


def test_the_receipt_form_groups_venues_by_municipality_and_refuses_another_municipalitys(client, demo_orgs):
    karlstad = Venue.objects.create(municipality_id="1780", name="Kroken", address="Torget 1", lat=59.38, lon=13.5)
    Venue.objects.create(municipality_id="1880", name="Slottskällaren", address="Gatan 2", lat=59.27, lon=15.21)
    html = client.get("/kvitto/rapportera/?m=1880").content.decode()
    assert '<optgroup label="Karlstad">' in html and '<optgroup label="Örebro">' in html
    response = client.post("/kvitto/rapportera/", {"municipality": "1880", "venue_choice": karlstad.pk,
                                                   "visited_on": timezone.localdate().isoformat(),
                                                   "purchases": ["entrance"]})  # fmt: skip
    assert "Det stället ligger inte i Örebro" in response.content.decode()
    assert not ReceiptReport.objects.exists()


def test_screening_words_are_swedish():
    from trygg.citizens.models import Tip
    from trygg.screening.models import Case
    from trygg.screening.templatetags.screening_extras import flag_name

    assert str(flag_name("revoked")) == "återkallat tillstånd"
    assert detail("match judged same") == "bedömde träffen: samma person eller företag"
    assert detail("case viewed") == "öppnade ärendet"
    assert detail("Person viewed") == "öppnade en person"
    assert detail("something new") == "something new"  # unknown entries as recorded
    assert str(Case.Status.OPEN.label) == "Öppen" and str(Tip.Status.OPEN.label) == "Ny"
    event = AuditEvent(action="decide", summary="match judged different")
    assert event.action_text == "bedömde"


def test_measure_history_names_fields_by_their_labels(login, demo_orgs):
    from trygg.audit import log

    measure = Measure.objects.create(title="Belysning", kind="lighting", municipality_id="1780",
                                     owner=demo_orgs["orgs"]["centrum-karlstad"], cost=85000)  # fmt: skip
    log.record("test", "update", measure, changes={"title": ["Lampor", "Belysning"]})
    html = login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/atgarder/{measure.pk}/").content.decode()
    history = html[html.index('class="history"') :]
    assert "rubrik (Lampor → Belysning)" in history and "title (" not in history, history[:600]
    assert "85\xa0000 kr" in html or "85 000 kr" in html


def test_my_reports_lists_what_the_reporter_sent(login, demo_orgs):
    from tests.factories import make_incident
    from trygg.incidents.models import Incident

    user = demo_orgs["users"]["fastighet.rapportor"]
    incident = make_incident(municipality="1780", org=demo_orgs["orgs"]["fastighetsagarna"], point=(59.3794, 13.5035))
    Incident.objects.filter(pk=incident.pk).update(reported_by=user)
    html = login(user).get("/report/mina/?sent=1").content.decode()
    assert "Mina rapporter" in html and "Din rapport har kommit fram" in html and "Ny" in html
    assert "vid Stora torget" in html  # the nearest named place (trygg.orgs.naming), not the precision


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [
        ("second factor verified", "bekräftade den andra faktorn"),
        (
            "screening run 12 as of 2026-09-15: serious",
            "granskning 12 per 2026-09-15: rekommendation allvarlig grad av risk",
        ),
        ("network viewed: 14 of 30 entities shown, expanded 5, 7", "öppnade nätverket: 14 av 30 visade"),
    ],
)
def test_the_screening_log_says_in_swedish_what_was_recorded_in_english(recorded, shown):
    assert detail(recorded) == shown
