"""Red flags and the recommendation (pure rules)."""

import datetime as dt

from trygg.screening.network import walk
from trygg.screening.rules import (
    Appointment,
    CaseFacts,
    ListedOwner,
    PartyFacts,
    RoleChange,
    Thresholds,
    ownership_flags,
    recommend,
    red_flags,
)

T = Thresholds()
DAY = dt.date(2026, 3, 1)


def codes(facts):
    return {f.code for f in red_flags(facts, T)}


def joined(person, days_before, role="board_member", kind="joined"):
    return RoleChange(person, role, kind, DAY - dt.timedelta(days=days_before))


def appointed(person, days_before, age, other_roles, roles=("board_member", "ceo")):
    return Appointment(person, roles, DAY - dt.timedelta(days=days_before), age, other_roles)


def test_each_red_flag_fires_at_its_threshold_and_not_below():
    assert "front_person" in codes(CaseFacts(DAY, parties=[PartyFacts("A", "ceo", True, boards=10)]))
    assert "front_person" not in codes(CaseFacts(DAY, parties=[PartyFacts("A", "ceo", True, boards=9)]))
    assert "mass_registration_address" in codes(CaseFacts(DAY, companies_at_address=20, address="X"))
    assert "mass_registration_address" not in codes(CaseFacts(DAY, companies_at_address=19))
    assert "recent_board_change" in codes(CaseFacts(DAY, changes=[joined("B", 90)]))
    assert "recent_board_change" not in codes(CaseFacts(DAY, changes=[joined("B", 91)]))
    assert "young_company" in codes(CaseFacts(DAY, company_registered_on=DAY - dt.timedelta(days=364)))
    assert "young_company" not in codes(CaseFacts(DAY, company_registered_on=DAY - dt.timedelta(days=365)))
    assert "coordination_number_only" in codes(
        CaseFacts(DAY, parties=[PartyFacts("C", "board_member", True, id_kind="samordningsnummer")])
    )
    assert "foreign_address" in codes(CaseFacts(DAY, parties=[PartyFacts("D", "owner", True, country="DK")]))
    assert "receipt_complaints" in codes(CaseFacts(DAY, receipt_complaints=3))
    assert "receipt_complaints" not in codes(CaseFacts(DAY, receipt_complaints=2))
    assert "earlier_refusal" in codes(CaseFacts(DAY, own_list_entries=[{"name": "E", "flag": "refused"}]))


def test_thresholds_are_configurable():
    strict = Thresholds(front_person_boards=3)
    flags = red_flags(CaseFacts(DAY, parties=[PartyFacts("A", "ceo", True, boards=3)]), strict)
    assert [f.code for f in flags] == ["front_person"]


def test_recommendation_levels():
    none = recommend([], [], [], T)
    assert none.recommendation == "none"
    low_only = red_flags(CaseFacts(DAY, company_registered_on=DAY - dt.timedelta(days=10)), T)
    assert recommend(low_only, [], [], T).recommendation == "none"
    medium = red_flags(CaseFacts(DAY, companies_at_address=30, address="X"), T)
    assert recommend(medium, [], [], T).recommendation == "lesser"
    assert recommend([], [{"label": "x", "score": 0.85}], [], T).recommendation == "lesser"
    assert recommend([], [{"label": "x", "score": 0.95}], [], T).recommendation == "serious"
    assert recommend([], [{"label": "x", "score": 0.85, "confirmed": True}], [], T).recommendation == "serious"
    assert recommend([], [], [{"label": "x", "hops": 2}], T).recommendation == "lesser"
    assert recommend([], [], [{"label": "x", "hops": 1}], T).recommendation == "serious"
    revoked = red_flags(CaseFacts(DAY, own_list_entries=[{"name": "E", "flag": "revoked"}]), T)
    assert recommend(revoked, [], [], T).recommendation == "serious"
    assert "återkallat tillstånd" in revoked[0].summary and "revoked" not in revoked[0].summary
    three = red_flags(
        CaseFacts(
            DAY,
            companies_at_address=30,
            receipt_complaints=5,
            changes=[joined("B", 0)],
            parties=[PartyFacts("A", "ceo", True, boards=12)],
        ),
        T,
    )
    outcome = recommend(three, [], [], T)
    assert outcome.recommendation == "serious" and any("medelhög" in r for r in outcome.reasons)


def test_network_walk_finds_shortest_paths_and_caps_hubs():
    # 1 - 2 - 3(flagged); 1 - 4(hub with 60 links) - 5(flagged)
    graph = {
        1: [(2, 10, "board_member"), (4, 11, "address")],
        2: [(1, 10, "board_member"), (3, 12, "owner")],
        3: [(2, 12, "owner")],
        4: [(1, 11, "address"), (5, 13, "address")] + [(100 + i, 200 + i, "address") for i in range(60)],
        5: [(4, 13, "address")],
    }

    def neighbours(frontier):
        return {n: graph.get(n, []) for n in frontier}

    def flagged(nodes):
        return {n for n in nodes if n in (3, 5)}

    result = walk([1], neighbours, flagged, max_hops=3, hub_cap=50)
    assert set(result.reached) == {3}
    assert result.reached[3].nodes == [1, 2, 3] and result.reached[3].roles == ["board_member", "owner"]
    assert result.hubs == {4: 62}  # links to 1, 5 and 60 others
    uncapped = walk([1], neighbours, flagged, max_hops=3, hub_cap=100)
    assert set(uncapped.reached) == {3, 5}
    assert walk([1], neighbours, flagged, max_hops=1, hub_cap=100).reached == {}


def test_network_walk_with_a_flagged_set_asks_only_for_edges_into_it_on_the_last_hop():
    graph = {
        1: [(2, 10, "board_member")],
        2: [(1, 10, "board_member"), (3, 12, "owner")],
        3: [(2, 12, "owner"), (4, 13, "owner")],
        4: [(3, 13, "owner")],
    }
    asked = []

    def neighbours(frontier, only=None):
        asked.append(only)
        return {n: [e for e in graph.get(n, []) if only is None or e[0] in only] for n in frontier}

    result = walk([1], neighbours, {4}, max_hops=3, hub_cap=50, degree=lambda nodes: dict.fromkeys(nodes, 1))
    assert result.reached[4].nodes == [1, 2, 3, 4]
    assert asked == [None, None, {4}]
    capped = walk([1], neighbours, {4}, max_hops=3, hub_cap=50, degree=lambda nodes: dict.fromkeys(nodes, 99))
    assert capped.reached == {} and capped.hubs == {3: 99}
    assert walk([1], neighbours, set(), max_hops=3).visited == 1  # nothing flagged: nothing to walk


def test_one_person_made_board_member_and_managing_director_is_one_change_not_two():
    facts = CaseFacts(DAY, changes=[joined("Ung Person", 14), joined("Ung Person", 14, "ceo"),
                                    joined("Gammal Ledamot", 14, kind="left")])  # fmt: skip
    flag = next(f for f in red_flags(facts, T) if f.code == "recent_board_change")
    assert flag.evidence["persons"] == 2
    assert "1 styrelseledamot tillträdde" in flag.summary and "1 VD tillträdde" in flag.summary
    assert "1 styrelseledamot lämnade" in flag.summary and "gång(er)" not in flag.summary


def test_frequent_changes_are_counted_per_person():
    facts = CaseFacts(DAY, changes=[joined("A", 200), joined("A", 100, kind="left"), joined("B", 300),
                                    joined("C", 30, "owner")])  # fmt: skip
    assert "frequent_changes" in codes(facts)
    assert "frequent_changes" not in codes(CaseFacts(DAY, changes=[joined("A", 200), joined("A", 100, kind="left"),
                                                                   joined("B", 300)]))  # fmt: skip


def test_straw_man_signs():
    young = red_flags(CaseFacts(DAY, appointments=[appointed("Ung Person", 14, age=24, other_roles=0)]), T)
    flag = next(f for f in young if f.code == "straw_man_sign")
    assert flag.severity == "medium"
    assert flag.summary.startswith(
        "Ung Person (24 år, inga andra uppdrag i registret) utsågs till styrelseledamot och VD 14 dagar"
    )
    no_history = next(
        f
        for f in red_flags(CaseFacts(DAY, appointments=[appointed("P", 20, age=51, other_roles=0)]), T)
        if f.code == "straw_man_sign"
    )
    assert no_history.severity == "low"
    assert "straw_man_sign" not in codes(CaseFacts(DAY, appointments=[appointed("P", 20, age=51, other_roles=3)]))
    assert "straw_man_sign" not in codes(CaseFacts(DAY, appointments=[appointed("P", 200, age=22, other_roles=0)]))
    assert "many_roles" in codes(CaseFacts(DAY, parties=[PartyFacts("M", "ceo", True, boards=5)]))


def owner(share, controls, unknown=False):
    chain = [
        {"holder": "Vasiliy K", "role": "owner", "company": "Holding AB", "share": 100.0},
        {"holder": "Holding AB", "role": "owner", "company": "Krogen AB", "share": share},
    ]
    return ListedOwner("Vasiliy K", "KHRISTOFOROV, Vasiliy", "OFAC SDN", 0.97, share, unknown, controls, chain, [])


def test_a_listed_owner_at_any_depth_weighs_by_share_and_control():
    serious = ownership_flags(CaseFacts(DAY, listed_owners=[owner(60.0, True)]), T)[0]
    assert serious.severity == "high" and "äger i praktiken 60 % av sökanden" in serious.summary
    assert "Vasiliy K äger 100 % av Holding AB; Holding AB äger 60 % av Krogen AB" in serious.summary
    assert recommend([serious], [], [], T).recommendation == "serious"
    minority = ownership_flags(CaseFacts(DAY, listed_owners=[owner(30.0, False)]), T)[0]
    assert minority.severity == "medium" and "30 %" in minority.summary
    assert recommend([minority], [], [], T).recommendation == "lesser"
    controlled = ownership_flags(CaseFacts(DAY, listed_owners=[owner(30.0, True)]), T)[0]
    assert controlled.severity == "high" and "kontrollerar" in controlled.summary


def test_network_links_count_among_the_medium_findings():
    medium = red_flags(CaseFacts(DAY, companies_at_address=30, address="X"), T)
    links = [{"label": "a", "hops": 2}, {"label": "b", "hops": 3}]
    assert recommend(medium, [], links, T).recommendation == "serious"
