"""The checklist and its snapshot, and who sees a walk: participants, its organisations' members and the
municipality's coordinators — not a partner who reaches Karlstad only through the cooperation."""

from __future__ import annotations

import pytest

from tests.walks.conftest import STORA_TORGET
from trygg.orgs.models import Municipality
from trygg.orgs.restrict import allowed
from trygg.walks.checklists import DEFAULT_QUESTIONS, DEFAULT_SOURCE, ensure_default
from trygg.walks.models import Stop, Walk

pytestmark = pytest.mark.django_db


def test_the_default_checklist_names_its_source_and_keeps_the_order(template):
    assert template.source == DEFAULT_SOURCE == "Boverket: Plats för trygghet (2010)"
    codes = [q["code"] for q in template.snapshot()]
    assert codes == [code for code, *_ in DEFAULT_QUESTIONS]
    assert codes[:2] == ["belysning", "vegetation"]
    assert ensure_default(template.cooperation) == template  # not a second one


def test_a_walk_keeps_the_questions_it_was_planned_with(walk, template):
    question = template.questions.get(code="belysning")
    question.text = "Ändrad fråga"
    question.save()
    template.questions.filter(code="folkliv").delete()
    walk.refresh_from_db()
    assert walk.question("belysning")["text"].startswith("Är platsen väl upplyst")
    assert walk.question("folkliv") is not None


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("karlstad.samordnare", True),  # coordinates in Karlstad
        ("centrum.rapportor", True),  # a participant
        ("polis.karlstad", True),  # member of a participating organisation
        ("fastighet.rapportor", False),  # works in Karlstad, but not on this walk
        ("city.orebro", False),  # reaches Karlstad through the cooperation: a partner of another municipality
        ("orebro.samordnare", False),
        ("bra.lasare", False),
    ],
)
def test_who_sees_the_walk(walk, demo_orgs, client, username, sees):
    user = demo_orgs["users"][username]
    assert allowed(walk, user) is sees
    assert Walk.objects.restrict(user).filter(pk=walk.pk).exists() is sees
    client.force_login(user)
    for url in (f"/trygghetsvandringar/{walk.pk}/", f"/trygghetsvandringar/{walk.pk}/rapport/"):
        assert client.get(url).status_code == (200 if sees else 403), (username, url)


def test_a_partner_of_another_municipality_cannot_add_a_stop(walk, demo_orgs, client):
    client.force_login(demo_orgs["users"]["city.orebro"])
    response = client.post(
        f"/trygghetsvandringar/{walk.pk}/stopp/", {**STORA_TORGET, "note": "Försök", "idempotency_key": "k" * 20}
    )
    assert response.status_code == 403
    assert not Stop.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(walk, client):
    response = client.get(f"/trygghetsvandringar/{walk.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_coordinators_of_the_municipality_plan_and_convert(walk, demo_orgs):
    users = demo_orgs["users"]
    karlstad = Municipality.objects.get(code="1780")
    assert allowed(karlstad, users["karlstad.samordnare"], "coordinate")
    assert not allowed(karlstad, users["centrum.rapportor"], "coordinate")
    assert not allowed(karlstad, users["orebro.samordnare"], "coordinate")  # partner municipality: no
    assert allowed(walk, users["karlstad.samordnare"], "manage")
    assert allowed(walk, users["polis.karlstad"], "manage")  # the police area coordinates in Karlstad
    assert not allowed(walk, users["centrum.rapportor"], "manage")
