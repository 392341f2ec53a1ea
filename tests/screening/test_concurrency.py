"""Two screening officers on one case: an assessment or a judgement made on what another officer changed
meanwhile is refused, nothing overwritten."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.screening.conftest import case_data
from trygg.screening.cases import create_case
from trygg.screening.engine import screen
from trygg.screening.models import Finding, MatchJudgement

pytestmark = pytest.mark.django_db


def verified(user) -> Client:
    client = Client()
    device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    client.force_login(user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    assert client.post("/granskning/verifiera/", {"token": f"{code:06d}"}).status_code == 302
    return client


def shown(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def decision_form(client, case) -> dict:
    context = client.get(f"/granskning/arenden/{case.pk}/").context
    return {
        "run": context["run"].pk,
        "seen_decision": context["seen_decision"],
        "decided": context["run"].recommendation,
    }


@pytest.fixture
def case(screening_data):
    d = screening_data
    case = create_case(case_data(d["krogen"], [(d["front"], "ceo")], reference="SOC 7"))
    screen(case)
    return case


def test_an_assessment_made_meanwhile_is_not_overwritten(case, demo_orgs):
    officer = demo_orgs["users"]["karlstad.granskare"]
    first, second = verified(officer), verified(officer)
    mine, theirs = decision_form(first, case), decision_form(second, case)
    url = f"/granskning/arenden/{case.pk}/bedomning/"
    assert second.post(url, {**theirs, "justification": ""}).status_code == 302
    refused = first.post(
        url, {**mine, "decided": "lesser", "justification": "Tidigare tillsyn utan anmärkning."}, follow=True
    )
    assert "registrerade bedömningen" in shown(refused)
    assert case.decisions.count() == 1 and case.decisions.get().decided == theirs["decided"]
    again = decision_form(first, case)  # having read it, a second assessment is deliberate and recorded
    assert first.post(url, {**again, "decided": "lesser", "justification": "Tidigare tillsyn utan anmärkning."})
    assert case.decisions.count() == 2


def test_an_assessment_of_an_older_screening_is_refused(case, demo_orgs):
    client = verified(demo_orgs["users"]["karlstad.granskare"])
    seen = decision_form(client, case)
    screen(case)  # somebody screens again, with what the registries hold now
    response = client.post(f"/granskning/arenden/{case.pk}/bedomning/", {**seen, "justification": ""}, follow=True)
    assert "granskades igen" in shown(response)
    assert case.decisions.count() == 0


def test_a_post_without_the_screening_it_decides_on_records_nothing(case, demo_orgs):
    client = verified(demo_orgs["users"]["karlstad.granskare"])
    response = client.post(
        f"/granskning/arenden/{case.pk}/bedomning/", {"decided": "none", "justification": ""}, follow=True
    )
    assert response.status_code == 200 and case.decisions.count() == 0


def test_a_judgement_changed_meanwhile_is_not_overwritten(screening_data, demo_orgs):
    data = case_data(screening_data["clean"], [])
    data["persons"] = [{"name": "Reza Ahmadi", "birth_date": "1971-03-12", "role": "financier"}]
    case = create_case(data)
    screen(case)
    hit = Finding.objects.get(kind="watchlist")
    officer = demo_orgs["users"]["karlstad.granskare"]
    first, second = verified(officer), verified(officer)
    for client in (first, second):
        assert client.get(f"/granskning/arenden/{case.pk}/").status_code == 200
    url = f"/granskning/fynd/{hit.pk}/bedom/"
    assert second.post(url, {"judgement": "same", "note": "", "seen": ""}).status_code == 302
    refused = first.post(url, {"judgement": "not_same", "note": "annan person", "seen": ""}, follow=True)
    assert "bedömde träffen" in shown(refused)
    assert MatchJudgement.objects.get().judgement == "same"
    page = first.get(f"/granskning/arenden/{case.pk}/").content.decode()
    assert 'name="seen" value="same"' in page  # the page now shows, and carries, the stored judgement
    assert first.post(url, {"judgement": "not_same", "note": "annan person", "seen": "same"}).status_code == 302
    assert MatchJudgement.objects.get().judgement == "not_same"
