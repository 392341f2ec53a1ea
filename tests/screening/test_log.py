"""The screening log page: what officers of a municipality see, filters, CSV, and that reading it is logged."""

from __future__ import annotations

import csv
import io

import pytest

from tests.screening.conftest import case_data
from trygg.audit import log
from trygg.audit.models import AuditEvent
from trygg.screening.cases import create_case
from trygg.screening.engine import screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(screening_data, demo_orgs):
    d = screening_data
    karlstad = create_case(case_data(d["krogen"], [(d["front"], "ceo")], reference="SOC 1"))
    orebro = create_case(case_data(d["clean"], [], municipality="1880", reference="ÖRE 7"))
    screen(karlstad)
    screen(orebro)
    log.record(demo_orgs["users"]["orebro.granskare"], "view", orebro, purpose=orebro.reference)
    log.record(demo_orgs["users"]["city.orebro"], "denied", karlstad, purpose=karlstad.reference)  # an outsider
    return karlstad, orebro


def test_officers_see_their_municipalitys_entries_only(officer, two_cases):
    client = officer("karlstad.granskare")
    client.get(f"/granskning/arenden/{two_cases[0].pk}/")
    page = client.get("/granskning/logg/")
    assert page.status_code == 200
    entries = list(page.context["page"])
    purposes = {e.purpose for e in entries}
    assert "SOC 1" in purposes and "ÖRE 7" not in purposes
    assert any(e.action == "denied" and e.actor_label == "city.orebro" for e in entries)  # refused attempt shown
    assert any(e.actor_label == "karlstad.granskare" and e.action == "view" and e.purpose == "SOC 1" for e in entries)
    assert "visade ärendet" in page.content.decode()


def test_filters_and_csv(officer, two_cases):
    client = officer("karlstad.granskare")
    only_outsider = client.get("/granskning/logg/?user=city.orebro")
    assert {e.actor_label for e in only_outsider.context["page"]} == {"city.orebro"}
    bad = client.get("/granskning/logg/?start=2026-05-01&end=2026-01-01")
    assert "end" in bad.context["form"].errors
    exported = client.get("/granskning/logg/?reference=SOC&format=csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows and all(r["case"] == "SOC 1" for r in rows)


def test_reading_the_log_is_logged_and_shown(officer, two_cases):
    client = officer("karlstad.granskare")
    client.get("/granskning/logg/?user=x")
    assert AuditEvent.objects.filter(
        actor__username="karlstad.granskare", object_type="audit.auditevent", summary="screening log user=x"
    ).exists()
    page = client.get("/granskning/logg/")
    assert any(e.object_type == "audit.auditevent" for e in page.context["page"])


def test_the_log_is_for_verified_screening_officers_only(client, login, officer, demo_orgs, two_cases):
    assert login(demo_orgs["users"]["karlstad.samordnare"]).get("/granskning/logg/").status_code == 403
    client.logout()
    client.force_login(demo_orgs["users"]["karlstad.granskare"])  # no second factor yet
    assert client.get("/granskning/logg/").status_code == 302


def test_a_list_imported_by_a_command_is_on_every_officers_log_with_who_ran_it(officer, demo_orgs, tmp_path):
    import getpass

    from django.core.management import call_command

    path = tmp_path / "ofac.csv"
    path.write_text('7002,"AHMADI, Reza",individual,IRAN,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 12 Mar 1971."\n')
    call_command("import_watchlist", str(path), "--format", "ofac", "--list-version", "2026-12-05",
                 stdout=io.StringIO())  # fmt: skip
    for username in ("karlstad.granskare", "orebro.granskare"):
        entries = list(officer(username).get("/granskning/logg/").context["page"])
        imports = [e for e in entries if e.action == "import" and e.object_type == "screening.dataset"]
        assert imports and imports[0].actor_label == f"import_watchlist ({getpass.getuser()})", entries
        assert "OFAC SDN" in imports[0].summary
