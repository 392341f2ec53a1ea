"""Who sees and edits what — tested from the outside, through HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_incident
from trygg.audit.models import AuditEvent
from trygg.orgs.models import Cooperation, Membership, Organisation, User

pytestmark = pytest.mark.django_db


def detail(incident):
    return reverse("incidents:detail", args=[incident.pk])


def edit(incident):
    return reverse("incidents:edit", args=[incident.pk])


def test_unauthenticated_users_see_no_incident_pages(client, demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], visibility="public")
    for url in [detail(incident), edit(incident), "/m/1780/", "/m/1780/incidents/", "/report/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_a_reporter_sees_and_edits_their_own_organisations_internal_reports(login, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    incident = make_incident(org=org, visibility="internal")
    client = login(demo_orgs["users"]["centrum.rapportor"])
    assert client.get(detail(incident)).status_code == 200
    assert client.get(edit(incident)).status_code == 200


def test_internal_reports_are_hidden_from_other_organisations(login, demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], visibility="internal")
    for username in ["fastighet.rapportor", "karlstad.samordnare", "orebro.samordnare"]:
        client = login(demo_orgs["users"][username])
        assert client.get(detail(incident)).status_code == 403, username
        assert client.get(edit(incident)).status_code == 403, username
        listing = client.get("/m/1780/incidents/")
        assert incident not in listing.context["page"].object_list


def test_partner_reports_are_seen_but_not_edited_by_another_reporting_organisation(login, demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], visibility="partners")
    client = login(demo_orgs["users"]["fastighet.rapportor"])
    assert client.get(detail(incident)).status_code == 200
    assert client.get(edit(incident)).status_code == 403
    assert client.post(edit(incident), {"status": "rejected"}).status_code == 403


def test_the_municipalitys_coordinator_may_triage_partner_reports_in_their_municipality(login, demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], visibility="partners")
    assert login(demo_orgs["users"]["karlstad.samordnare"]).get(edit(incident)).status_code == 200
    # …but Örebro's coordinator, who sees it through the cooperation, may not edit it.
    orebro = login(demo_orgs["users"]["orebro.samordnare"])
    assert orebro.get(detail(incident)).status_code == 200
    assert orebro.get(edit(incident)).status_code == 403


def test_viewers_only_read(login, demo_orgs):
    incident = make_incident(municipality="1880", org=demo_orgs["orgs"]["city-orebro"], visibility="partners")
    client = login(demo_orgs["users"]["bra.lasare"])
    assert client.get(detail(incident)).status_code == 200
    assert client.get(edit(incident)).status_code == 403
    assert client.get("/report/").status_code == 403


def test_sharing_follows_the_cooperations_rule(login, demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], visibility="partners")
    client = login(demo_orgs["users"]["city.orebro"])
    assert client.get(detail(incident)).status_code == 200
    assert client.get("/m/1780/").status_code == 200
    Cooperation.objects.update(share_incidents=False)
    client = login(User.objects.get(username="city.orebro"))  # fresh user object: nothing cached
    assert client.get(detail(incident)).status_code == 403
    assert client.get("/m/1780/").status_code == 403


def test_organisations_outside_the_cooperation_see_nothing_of_it(login, demo_orgs):
    stockholm = Organisation.objects.create(name="Stockholms stad", slug="sthlm", kind="municipality")
    stockholm.municipalities.set(["0180"])
    user = User.objects.create_user("sthlm.samordnare", password="x" * 12)
    Membership.objects.create(user=user, organisation=stockholm, role="coordinator")
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], visibility="public")
    client = login(user)
    assert client.get(detail(incident)).status_code == 403
    assert client.get("/m/1780/").status_code == 403
    assert client.get("/m/0180/").status_code == 200


def test_every_change_is_recorded_with_who_and_what(login, demo_orgs):
    incident = make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], visibility="partners", description="Klotter")
    user = demo_orgs["users"]["karlstad.samordnare"]
    form = login(user).get(edit(incident)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(status="handled", description="Klotter på elskåp, sanerat")
    response = login(user).post(edit(incident), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    entry = AuditEvent.objects.for_object(incident).get(action="update")
    assert entry.actor == user
    assert entry.changes["status"] == ["new", "handled"]
    assert entry.changes["description"] == ["Klotter", "Klotter på elskåp, sanerat"]
    page = login(user).get(detail(incident))
    assert "karlstad.samordnare" in page.content.decode()


def test_the_audit_log_cannot_be_changed_or_deleted(demo_orgs):
    from trygg.audit import log
    from trygg.audit.models import AppendOnlyError

    entry = log.record("test", "view", object_type="x", object_id=1)
    entry.summary = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(summary="x")


def test_the_database_itself_refuses_updates_and_deletes_of_the_audit_log(demo_orgs):
    from django.db import DatabaseError, connection, transaction

    from trygg.audit import log

    entry = log.record("test", "view", object_type="x", object_id=1)
    for statement in ("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s",
                      "UPDATE audit_auditevent SET actor_id = NULL, summary = 'x' WHERE id = %s",
                      "DELETE FROM audit_auditevent WHERE id = %s"):  # fmt: skip
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEvent.objects.get(pk=entry.pk).summary == entry.summary


def test_a_user_with_audit_entries_can_be_deleted_and_the_entries_stay(demo_orgs):
    from trygg.audit import log

    user = demo_orgs["users"]["karlstad.samordnare"]
    entries = [log.record(user, "view", object_type="x", object_id=i).pk for i in range(3)]
    user.delete()
    kept = AuditEvent.objects.filter(pk__in=entries)
    assert kept.count() == 3
    assert {(e.actor_id, e.actor_label) for e in kept} == {(None, "karlstad.samordnare")}
