"""Two people editing the same thing: the later save on a stale form is refused and overwrites nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.forms import NON_FIELD_ERRORS
from django.test import Client

from tests.at_once import at_once
from tests.factories import make_incident
from tests.measures.test_measures import measure  # noqa: F401  (a fixture)
from trygg.incidents.models import Incident
from trygg.measures.models import Measure

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the browser would post back: every field of the rendered form with its current value."""
    form = response.context["form"]
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, dt.datetime):
            value = value.strftime("%Y-%m-%dT%H:%M")
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = str(value)
    return data


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stale(response) -> bool:
    return response.status_code == 200 and response.context["form"].has_error(NON_FIELD_ERRORS, "stale")


def test_a_stale_incident_save_is_refused_and_shows_the_other_change(demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], description="Klotter på muren")
    url = f"/incidents/{incident.pk}/edit/"
    first, second = (
        client_for(demo_orgs["users"]["centrum.rapportor"]),
        client_for(demo_orgs["users"]["karlstad.samordnare"]),
    )
    mine, theirs = form_data(first.get(url)), form_data(second.get(url))
    assert second.post(url, {**theirs, "description": "Klotter på muren, sanerat"}).status_code == 302
    refused = first.post(url, {**mine, "persons_count": "4"})
    assert stale(refused)
    assert "Klotter på muren, sanerat" in str(refused.context["form"].non_field_errors())
    incident.refresh_from_db()
    assert incident.description == "Klotter på muren, sanerat" and incident.persons_count != 4
    again = form_data(refused)  # the form shown again carries the new version: saving now is deliberate
    assert again["version"] != mine["version"]
    assert (
        first.post(url, {**again, "description": "Klotter på muren, sanerat", "persons_count": "4"}).status_code == 302
    )
    incident.refresh_from_db()
    assert incident.persons_count == 4 and incident.description == "Klotter på muren, sanerat"


def test_an_unchanged_row_saves_as_before(demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"])
    url = f"/incidents/{incident.pk}/edit/"
    client = client_for(demo_orgs["users"]["centrum.rapportor"])
    assert client.post(url, {**form_data(client.get(url)), "persons_count": "2"}).status_code == 302
    assert Incident.objects.get(pk=incident.pk).persons_count == 2


def test_a_stale_measure_save_is_refused(demo_orgs, measure):  # noqa: F811
    url = f"/atgarder/1780/{measure.pk}/andra/"
    first, second = (
        client_for(demo_orgs["users"]["karlstad.samordnare"]),
        client_for(demo_orgs["users"]["karlstad.samordnare"]),
    )
    mine, theirs = form_data(first.get(url)), form_data(second.get(url))
    assert second.post(url, {**theirs, "title": "Belysning i tunneln"}).status_code == 302
    refused = first.post(url, {**mine, "status": "done"})
    assert stale(refused), refused.context["form"].errors
    assert Measure.objects.get(pk=measure.pk).title == "Belysning i tunneln"


def test_stale_meeting_minutes_are_refused(demo_orgs):
    from trygg.measures.models import Meeting

    coop = demo_orgs["orgs"]["karlstads-kommun"].cooperations.first()
    meeting = Meeting.objects.create(cooperation=coop, week="2026-W10", agenda={"label": "Vecka 10"})
    url = f"/atgarder/moten/{meeting.pk}/"
    first, second = (
        client_for(demo_orgs["users"]["karlstad.samordnare"]),
        client_for(demo_orgs["users"]["orebro.samordnare"]),
    )

    def minutes_form(client) -> dict:
        form = client.get(url).context["minutes_form"]
        return {"form": "minutes", **{f.html_name: f.value() or "" for f in form}}

    mine, theirs = minutes_form(first), minutes_form(second)
    assert second.post(url, {**theirs, "minutes": "Beslut: belysning i tunneln."}).status_code == 302
    refused = first.post(url, {**mine, "minutes": "Inga beslut."})
    assert refused.status_code == 200
    errors = str(refused.context["minutes_form"].non_field_errors())
    assert "Beslut: belysning i tunneln." in errors
    meeting.refresh_from_db()
    assert meeting.minutes == "Beslut: belysning i tunneln."
    again = {"form": "minutes", **{f.html_name: f.value() or "" for f in refused.context["minutes_form"]}}
    assert first.post(url, {**again, "minutes": "Inga beslut."}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Inga beslut."


def test_a_tip_handled_by_one_coordinator_is_not_handled_again_by_another(demo_orgs):
    from trygg.citizens.models import Tip

    tip = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    first, second = (
        client_for(demo_orgs["users"]["karlstad.samordnare"]),
        client_for(demo_orgs["users"]["karlstad.samordnare"]),
    )
    for client in (first, second):  # both open the tip while it is new
        assert client.get(f"/invanare/tips/{tip.pk}/").status_code == 200
    assert first.post(f"/invanare/tips/{tip.pk}/atgard/", {"action": "accept"}).status_code == 302
    refused = second.post(f"/invanare/tips/{tip.pk}/atgard/", {"action": "reject", "reason": "Dubblett"}, follow=True)
    shown = " ".join(str(m) for m in refused.context["messages"])
    assert "Någon annan har redan hanterat tipset" in shown, shown
    tip.refresh_from_db()
    assert tip.status == "accepted" and tip.status_note == "" and Incident.objects.filter(source="tip").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_make_one_incident(demo_orgs):
    """Two threads accept the same tip at the same moment: one incident, one clear refusal."""
    from trygg.citizens import tips
    from trygg.citizens.models import Tip
    from trygg.core.importing import RecordError

    tip = Tip.objects.create(municipality_id="1780", service_code="klotter", lat=59.3794, lon=13.5035)
    user = demo_orgs["users"]["karlstad.samordnare"]
    outcomes = []

    def accept() -> None:
        try:
            tips.accept(Tip.objects.get(pk=tip.pk), user)
            outcomes.append("accepted")
        except RecordError:
            outcomes.append("refused")

    at_once(accept)
    assert sorted(outcomes) == ["accepted", "refused"]
    assert Incident.objects.filter(external_id=f"tip:{tip.public_id}").count() == 1
