"""Screening a case end to end: hits, network links, each red flag, judgements, decisions."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.screening.conftest import case_data
from trygg.core.importing import RecordError
from trygg.screening.cases import create_case, decide, judge
from trygg.screening.engine import screen

pytestmark = pytest.mark.django_db


def codes(run):
    return {(f.kind, f.code) for f in run.findings.all()}


def test_front_person_young_company_board_change_and_shared_revocation(screening_data):
    d = screening_data
    case = create_case(case_data(d["krogen"], [(d["front"], "ceo"), (d["revoked"], "owner")]))
    run = screen(case)
    found = codes(run)
    assert ("red_flag", "front_person") in found
    assert ("red_flag", "young_company") in found
    assert ("red_flag", "recent_board_change") in found
    assert ("red_flag", "earlier_refusal") in found  # Örebro's list, shared with Karlstad through the cooperation
    assert run.recommendation == "serious"  # a revoked licence weighs serious
    evidence = next(f.evidence for f in run.findings.all() if f.code == "front_person")
    assert evidence["boards"] == 11


def test_mass_registration_address_coordination_number_and_foreign_address(screening_data):
    d = screening_data
    case = create_case(case_data(d["fasad"], [(d["abroad"], "board_member")], municipality="1880", kind="bygglov"))
    run = screen(case)
    found = codes(run)
    assert {
        ("red_flag", "mass_registration_address"),
        ("red_flag", "coordination_number_only"),
        ("red_flag", "foreign_address"),
    } <= found
    mass = next(f for f in run.findings.all() if f.code == "mass_registration_address")
    assert mass.evidence["companies"] == 21
    assert run.recommendation == "lesser"


def test_network_link_to_a_sanctioned_owner_with_the_path_as_evidence(screening_data):
    d = screening_data
    case = create_case(case_data(d["entreprenad"], [(d["lars"], "ceo")], kind="upphandling"))
    run = screen(case)
    link = next(f for f in run.findings.all() if f.code == "network_link")
    names = [step["entity"] for step in link.evidence["path"]]
    assert names[-1] == "Nordsjö Holding Ltd" and "Vänerhamn Trading AB" in names
    assert link.matched.name == "NORDSJO HOLDING LTD"
    assert run.recommendation in ("lesser", "serious")


def test_a_clean_application_gets_no_risk(screening_data):
    d = screening_data
    run = screen(create_case(case_data(d["clean"], [(d["anna"], "board_member")])))
    assert run.recommendation == "none"
    assert not [f for f in run.findings.all() if f.severity in ("medium", "high")]


def test_watch_list_hit_and_judgements_are_reused(screening_data, demo_orgs):
    d = screening_data
    data = case_data(d["clean"], [])
    data["persons"] = [{"name": "Reza Ahmadi", "birth_date": "1971-03-12", "role": "financier"}]
    case = create_case(data)
    run = screen(case)
    hit = next(f for f in run.findings.all() if f.kind == "watchlist")
    assert hit.matched.name == "AHMADI, Reza" and hit.score >= 0.9
    assert hit.evidence["features"]["birth_date"] == "same"
    assert run.recommendation == "serious"
    officer = demo_orgs["users"]["karlstad.granskare"]
    judge(hit, "not_same", "Annan person enligt pass", officer)
    again = screen(case)
    suppressed = next(f for f in again.findings.all() if f.kind == "watchlist")
    assert suppressed.severity == "info" and "inte samma" in suppressed.summary
    assert again.recommendation == "none"
    judge(suppressed, "same", "", officer)
    confirmed = screen(case)
    assert confirmed.recommendation == "serious"
    assert any("bekräftad" in f.summary for f in confirmed.findings.all())


def test_the_officer_decides_and_overriding_needs_a_justification(screening_data, demo_orgs):
    d = screening_data
    case = create_case(case_data(d["clean"], [(d["anna"], "board_member")]))
    run = screen(case)
    officer = demo_orgs["users"]["karlstad.granskare"]
    with pytest.raises(RecordError, match="motivering"):
        decide(case, run, "serious", "kort", officer)
    decision = decide(case, run, "lesser", "Verksamheten har tidigare haft anmärkningar vid tillsyn.", officer)
    assert decision.overridden and decision.recommended == "none"
    case.refresh_from_db()
    assert case.status == "decided"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"municipality": "9999"}, "municipality"),
        ({"kind": "hundlicens"}, "kind"),
        ({"applicant": {"name": "X AB", "org_number": "556036-0794"}}, "applicant.org_number"),
        ({"persons": [{"name": "A", "personal_number": "811228-9875", "role": "ceo"}]}, "persons[0].personal_number"),
        ({"persons": [{"name": "A", "role": "king"}]}, "persons[0].role"),
        ({"persons": [{"name": "A", "role": "owner", "share": 140}]}, "persons[0].share"),
    ],
)
def test_bad_case_data_names_the_field_and_stores_nothing(screening_data, change, message):
    from trygg.screening.models import Case

    data = case_data(screening_data["clean"], [])
    data.update(change)
    with pytest.raises(RecordError, match=message.replace("[", r"\[").replace("]", r"\]")):
        create_case(data)
    assert not Case.objects.exists()


def test_screen_command_prints_json(screening_data, tmp_path):
    d = screening_data
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(case_data(d["fasad"], [(d["abroad"], "board_member")], municipality="1880")), encoding="utf-8"
    )
    out = io.StringIO()
    call_command("screen", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert result["recommendation"] == "lesser"
    assert "mass_registration_address" in {f["code"] for f in result["findings"]}
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("screen", str(path))
