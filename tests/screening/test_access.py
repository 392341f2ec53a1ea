"""Screening access from the outside: officers of the owning municipality only, a second factor, every read
audited, retention deletion logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils.html import escape

from tests.screening.conftest import case_data
from trygg.audit.models import AuditEvent
from trygg.screening.cases import create_case
from trygg.screening.engine import screen
from trygg.screening.models import Case, Entity, Finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def karlstad_case(screening_data):
    d = screening_data
    case = create_case(case_data(d["krogen"], [(d["front"], "ceo")], reference="SOC 1"))
    screen(case)
    return case


def test_a_second_factor_is_required(client, karlstad_case, demo_orgs):
    client.force_login(demo_orgs["users"]["karlstad.granskare"])
    response = client.get(f"/granskning/arenden/{karlstad_case.pk}/")
    assert response.status_code == 302 and response.url.startswith("/granskning/verifiera/")
    setup = client.get("/granskning/verifiera/")
    assert setup.status_code == 200 and "data:image/svg+xml" in setup.content.decode()  # QR code for set-up
    wrong = client.post("/granskning/verifiera/", {"token": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors


def test_only_officers_of_the_owning_municipality_see_the_case(client, officer, karlstad_case, demo_orgs):
    url = f"/granskning/arenden/{karlstad_case.pk}/"
    for username in ["karlstad.samordnare", "karlstad.admin", "fastighet.rapportor", "bra.lasare"]:
        client.force_login(demo_orgs["users"][username])
        assert client.get(url).status_code == 403, username
        assert client.get("/granskning/").status_code == 403, username
    orebro = officer("orebro.granskare")
    assert orebro.get(url).status_code == 403
    assert orebro.get(f"/granskning/aktorer/{karlstad_case.applicant_id}/?case={karlstad_case.pk}").status_code == 403
    assert orebro.post(f"/granskning/arenden/{karlstad_case.pk}/granska/").status_code == 403
    denied = AuditEvent.objects.filter(action="denied")
    assert denied.filter(actor__username="orebro.granskare", purpose=karlstad_case.reference).exists()
    assert denied.filter(actor__username="bra.lasare").exists()


def test_superusers_do_not_see_person_data_either(client, karlstad_case):
    from trygg.orgs.models import User

    admin = User.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    assert client.get(f"/granskning/arenden/{karlstad_case.pk}/").status_code == 403


def test_every_read_search_export_and_decision_is_audited_with_the_case_as_purpose(officer, karlstad_case):
    client = officer("karlstad.granskare")
    purpose = karlstad_case.reference
    assert client.get(f"/granskning/arenden/{karlstad_case.pk}/").status_code == 200
    entity = Entity.objects.get(name="Kennet Bergvall", dataset__kind="registry")
    assert client.get(f"/granskning/aktorer/{entity.pk}/?case={karlstad_case.pk}").status_code == 200
    assert client.get(f"/granskning/aktorer/{entity.pk}/").status_code == 404  # no purpose, no view
    found = client.get(f"/granskning/sok/?case={karlstad_case.pk}&q=Kennet+Bergvall")
    assert any(e.name == "Kennet Bergvall" for _, e in found.context["results"])
    party = karlstad_case.parties.get(role="ceo")
    extract = client.get(f"/granskning/arenden/{karlstad_case.pk}/utdrag/{party.pk}/?format=json")
    data = json.loads(extract.content)
    assert data["party"]["name"] == "Kennet Bergvall" and data["findings"]
    page = client.get(f"/granskning/arenden/{karlstad_case.pk}/utdrag/{party.pk}/").content.decode()
    assert "Det här använde vi om Kennet Bergvall" in page and "dataskyddsförordningen" in page
    for finding in data["findings"]:
        assert escape(finding["summary"]) in page
    for relation in data["relations"]:
        assert escape(relation["company"]) in page
    client.post(
        f"/granskning/arenden/{karlstad_case.pk}/bedomning/",
        {
            "decided": karlstad_case.runs.first().recommendation,
            "justification": "",
            "run": karlstad_case.runs.first().pk,
            "seen_decision": 0,
        },
    )
    events = AuditEvent.objects.filter(purpose=purpose)
    assert events.filter(action="view", object_type="screening.case").exists()
    assert events.filter(action="view", object_type="screening.entity", object_id=str(entity.pk)).exists()
    assert events.filter(action="search", summary__contains="Kennet Bergvall").exists()
    assert events.filter(action="export", object_type="screening.caseparty").exists()
    assert events.filter(action="decide", object_type="screening.case").exists()
    assert all(e.actor.username == "karlstad.granskare" for e in events.exclude(actor=None))
    history = client.get(f"/granskning/arenden/{karlstad_case.pk}/").content.decode()
    for line in ("visade ärendet", "exporterade ett registerutdrag för en part", "beslutade i ärendet"):
        assert line in history


def test_judging_a_hit_through_the_page(officer, screening_data):
    data = case_data(screening_data["clean"], [])
    data["persons"] = [{"name": "Reza Ahmadi", "birth_date": "1971-03-12", "role": "financier"}]
    case = create_case(data)
    screen(case)
    hit = Finding.objects.get(kind="watchlist")
    client = officer("karlstad.granskare")
    client.post(f"/granskning/fynd/{hit.pk}/bedom/", {"judgement": "not_same", "note": "annan person"})
    client.post(f"/granskning/arenden/{case.pk}/granska/")
    assert case.runs.first().recommendation == "none"


def test_creating_a_case_through_the_page_validates_identifiers(officer, screening_data):
    client = officer("karlstad.granskare")
    form = {
        "municipality": "1780",
        "kind": "bygglov",
        "reference": "BN 1",
        "received_on": "2026-03-01",
        "applicant_name": "X AB",
        "applicant_org_number": "556036-0794",
        "persons": "",
    }
    response = client.post("/granskning/arenden/nytt/", form)
    assert response.status_code == 200 and "org_number" in str(response.context["form"].errors)
    form["applicant_org_number"] = screening_data["clean"]["org_number"]
    form["persons"] = f"Anna Lugn; {screening_data['anna']['personal_number']}; board_member"
    response = client.post("/granskning/arenden/nytt/", form)
    assert response.status_code == 302
    assert Case.objects.get(reference="BN 1").parties.count() == 2


def test_retention_deletes_cases_and_entered_person_data_and_logs_it(karlstad_case):
    party_entities = list(karlstad_case.parties.values_list("entity_id", flat=True))
    Case.objects.filter(pk=karlstad_case.pk).update(retention_until=dt.date(2000, 1, 1))
    call_command("screening_retention", stdout=__import__("io").StringIO())
    assert not Case.objects.filter(pk=karlstad_case.pk).exists()
    assert not Entity.objects.filter(pk__in=party_entities).exists()
    assert Entity.objects.filter(name="Kennet Bergvall", dataset__kind="registry").exists()  # the registry stays
    logged = AuditEvent.objects.get(action="delete", object_type="screening.case")
    assert logged.purpose == "SOC 1" and "retention" in logged.summary
