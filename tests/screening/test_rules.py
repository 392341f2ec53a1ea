"""Red flags and the recommendation (pure rules)."""

import datetime as dt

from trygg.screening.network import walk
from trygg.screening.rules import CaseFacts, PartyFacts, Thresholds, recommend, red_flags

T = Thresholds()
DAY = dt.date(2026, 3, 1)


def codes(facts):
    return {f.code for f in red_flags(facts, T)}


def test_each_red_flag_fires_at_its_threshold_and_not_below():
    assert "front_person" in codes(CaseFacts(DAY, parties=[PartyFacts("A", "ceo", True, boards=10)]))
    assert "front_person" not in codes(CaseFacts(DAY, parties=[PartyFacts("A", "ceo", True, boards=9)]))
    assert "mass_registration_address" in codes(CaseFacts(DAY, companies_at_address=20, address="X"))
    assert "mass_registration_address" not in codes(CaseFacts(DAY, companies_at_address=19))
    assert "recent_board_change" in codes(CaseFacts(DAY, board_changes=[("B", DAY - dt.timedelta(days=90))]))
    assert "recent_board_change" not in codes(CaseFacts(DAY, board_changes=[("B", DAY - dt.timedelta(days=91))]))
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
            board_changes=[("B", DAY)],
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
