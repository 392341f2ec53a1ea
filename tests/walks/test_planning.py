"""A coordinator plans a walk: where, when, who, with which checklist; the walk keeps the checklist's questions."""

from __future__ import annotations

import json

import pytest

from trygg.audit.models import AuditEvent
from trygg.orgs.models import Membership, Municipality, Organisation, User
from trygg.walks.models import Walk

pytestmark = pytest.mark.django_db


def plan_data(demo_orgs, template, **changes) -> dict:
    orgs, users = demo_orgs["orgs"], demo_orgs["users"]
    data = {
        "title": "Kvällsvandring Herrhagen",
        "starts_at": "2026-10-14T18:30",
        "area": "",
        "area_drawn": "",
        "organiser": orgs["karlstads-kommun"].pk,
        "organisations": [orgs["lpo-karlstad"].pk, orgs["fastighetsagarna"].pk],
        "participants": [users["centrum.rapportor"].pk, users["polis.karlstad"].pk],
        "residents": "ungefär 12",
        "template": template.pk,
    }
    return {**data, **changes}


def test_a_coordinator_plans_a_walk_in_a_named_area(login, demo_orgs, template):
    from trygg.orgs.models import Place

    herrhagen = Place.objects.get(municipality_id="1780", name="Herrhagen")
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    page = client.get("/trygghetsvandringar/1780/ny/")
    assert page.status_code == 200
    assert "Herrhagen" in page.content.decode() and "Stora torget</option>" not in page.content.decode()
    response = client.post("/trygghetsvandringar/1780/ny/", plan_data(demo_orgs, template, area=herrhagen.pk))
    assert response.status_code == 302, response.context and response.context["form"].errors
    walk = Walk.objects.get()
    assert response["Location"] == f"/trygghetsvandringar/{walk.pk}/"
    assert walk.status == Walk.Status.PLANNED and walk.area == herrhagen and walk.residents == "ungefär 12"
    assert walk.checklist_source == "Boverket: Plats för trygghet (2010)"
    assert [q["code"] for q in walk.questions] == [q.code for q in template.questions.all()]
    assert set(walk.participants.values_list("username", flat=True)) == {"centrum.rapportor", "polis.karlstad"}
    assert AuditEvent.objects.filter(object_type="walks.walk", object_id=str(walk.pk), action="create").exists()


def test_an_area_drawn_outside_the_municipality_is_refused_with_a_reason(login, demo_orgs, template):
    ring = [[15.20, 59.27], [15.21, 59.27], [15.21, 59.28], [15.20, 59.27]]  # Örebro
    drawn = json.dumps({"type": "Polygon", "coordinates": [ring]})
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    response = client.post("/trygghetsvandringar/1780/ny/", plan_data(demo_orgs, template, area_drawn=drawn))
    assert response.status_code == 200
    assert "utanför Karlstad" in response.content.decode() or "outside Karlstad" in response.content.decode()
    assert not Walk.objects.exists()
    garbage = client.post("/trygghetsvandringar/1780/ny/", plan_data(demo_orgs, template, area_drawn="{nope"))
    assert garbage.status_code == 200 and not Walk.objects.exists()


def test_a_drawn_area_inside_is_kept(login, demo_orgs, template):
    ring = [[13.500, 59.378], [13.505, 59.378], [13.505, 59.381], [13.500, 59.378]]
    drawn = json.dumps({"type": "Polygon", "coordinates": [ring]})
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    assert (
        client.post("/trygghetsvandringar/1780/ny/", plan_data(demo_orgs, template, area_drawn=drawn)).status_code
        == 302
    )
    assert Walk.objects.get().area_drawn["type"] == "Polygon"


def test_participants_come_from_the_municipalitys_cooperations(login, demo_orgs, template):
    hammaro = Organisation.objects.create(name="Hammarö kommun", slug="hammaro", kind="municipality")
    hammaro.municipalities.set([Municipality.objects.get(code="1715")])
    outsider = User.objects.create(username="hammaro.person")
    Membership.objects.create(user=outsider, organisation=hammaro, role="reporter")
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    page = client.get("/trygghetsvandringar/1780/ny/").content.decode()
    assert "city.orebro" in page and "hammaro.person" not in page  # Örebro's partners are in the cooperation
    response = client.post("/trygghetsvandringar/1780/ny/", plan_data(demo_orgs, template, participants=[outsider.pk]))
    assert response.status_code == 200 and not Walk.objects.exists()


@pytest.mark.parametrize("username", ["centrum.rapportor", "orebro.samordnare", "bra.lasare"])
def test_others_may_not_plan_in_karlstad(login, demo_orgs, template, username):
    client = login(demo_orgs["users"][username])
    assert client.get("/trygghetsvandringar/1780/ny/").status_code == 403
    assert client.post("/trygghetsvandringar/1780/ny/", plan_data(demo_orgs, template)).status_code == 403
    assert not Walk.objects.exists()


def test_the_coordinator_starts_and_finishes_the_walk(login, demo_orgs, walk):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    assert client.post(f"/trygghetsvandringar/{walk.pk}/status/", {"status": "done"}).status_code == 302
    walk.refresh_from_db()
    assert walk.status == "planned"  # planned cannot jump to done
    client.post(f"/trygghetsvandringar/{walk.pk}/status/", {"status": "walking"})
    client.post(f"/trygghetsvandringar/{walk.pk}/status/", {"status": "done"})
    walk.refresh_from_db()
    assert walk.status == "done"
    reporter = login(demo_orgs["users"]["centrum.rapportor"])
    assert reporter.post(f"/trygghetsvandringar/{walk.pk}/status/", {"status": "walking"}).status_code == 403
    assert reporter.get(f"/trygghetsvandringar/{walk.pk}/status/").status_code == 405
