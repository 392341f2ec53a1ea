"""Effective ownership and control through chains of companies, on hand-built structures."""

from trygg.screening.ownership import Holding, analyse


def graph(*edges):
    """``(holder, company, role, share)`` tuples as the ``holdings_into`` function the walk reads."""
    into = {}
    for i, (holder, company, role, share) in enumerate(edges):
        into.setdefault(company, []).append(Holding(holder, company, role, share, 100 + i))
    return lambda companies: {c: into.get(c, []) for c in companies}


APPLICANT, HOLDING, PERSON, OTHER, SECOND = 1, 2, 3, 4, 5


def test_a_full_owner_of_a_majority_holding_owns_and_controls_through_it():
    result = analyse(APPLICANT, graph((HOLDING, APPLICANT, "owner", 60.0), (PERSON, HOLDING, "owner", 100.0)))
    assert result[PERSON].effective_share == 60.0
    assert result[PERSON].controls
    assert [(s.holder, s.company, s.share) for s in result[PERSON].chains[0]] == [
        (PERSON, HOLDING, 100.0),
        (HOLDING, APPLICANT, 60.0),
    ]
    assert result[HOLDING].effective_share == 60.0 and result[HOLDING].controls


def test_shares_along_two_chains_add_up():
    # 30 % directly and 50 % of a holding that owns 50 %: 30 + 25 = 55 %
    result = analyse(
        APPLICANT,
        graph(
            (PERSON, APPLICANT, "owner", 30.0), (HOLDING, APPLICANT, "owner", 50.0), (PERSON, HOLDING, "owner", 50.0)
        ),
    )
    assert abs(result[PERSON].effective_share - 55.0) < 1e-9
    assert not result[PERSON].controls  # 30 % directly; half of the holding is not a majority of it
    assert len(result[PERSON].chains) == 2


def test_a_minority_stake_is_shown_with_its_share_and_no_control():
    result = analyse(APPLICANT, graph((HOLDING, APPLICANT, "owner", 40.0), (PERSON, HOLDING, "owner", 100.0)))
    assert result[PERSON].effective_share == 40.0
    assert not result[PERSON].controls


def test_control_through_a_board_seat_of_a_majority_owner():
    result = analyse(APPLICANT, graph((HOLDING, APPLICANT, "owner", 60.0), (PERSON, HOLDING, "ceo", None)))
    assert result[PERSON].controls and result[PERSON].effective_share == 0.0
    assert [s.role for s in result[PERSON].control] == ["ceo", "owner"]
    minority = analyse(APPLICANT, graph((HOLDING, APPLICANT, "owner", 40.0), (PERSON, HOLDING, "ceo", None)))
    assert not minority[PERSON].controls


def test_circular_holdings_end():
    # the holding and another company own half of each other; the holding owns 60 % of the applicant
    result = analyse(
        APPLICANT,
        graph(
            (HOLDING, APPLICANT, "owner", 60.0),
            (OTHER, HOLDING, "owner", 50.0),
            (HOLDING, OTHER, "owner", 50.0),
            (PERSON, OTHER, "owner", 100.0),
        ),
    )
    assert result[OTHER].effective_share == 30.0
    assert result[PERSON].effective_share == 30.0


def test_an_unknown_share_is_marked_not_guessed():
    result = analyse(APPLICANT, graph((PERSON, APPLICANT, "owner", None)))
    assert result[PERSON].unknown_share and result[PERSON].effective_share == 0.0


def test_depth_is_limited():
    edges = [(i + 1, i, "owner", 100.0) for i in range(1, 12)]  # 2 owns 1, 3 owns 2, …
    result = analyse(1, graph(*edges), max_depth=5)
    assert 6 in result and 7 not in result
    assert result[6].effective_share == 100.0 and result[6].controls


def test_a_deputy_seat_is_not_control():
    result = analyse(APPLICANT, graph((PERSON, APPLICANT, "deputy", None)))
    assert PERSON not in result or not result[PERSON].controls
    assert not result.get(PERSON) or not result[PERSON].owns_or_controls


def test_a_minority_owner_of_a_company_on_the_board_neither_owns_nor_controls():
    # the person owns 30 % of a company that sits on the applicant's board: a connection, not ownership or control
    result = analyse(APPLICANT, graph((HOLDING, APPLICANT, "board_member", None), (PERSON, HOLDING, "owner", 30.0)))
    assert result[HOLDING].controls
    assert result[PERSON].effective_share == 0.0 and not result[PERSON].controls
    assert not result[PERSON].owns_or_controls
    majority = analyse(APPLICANT, graph((HOLDING, APPLICANT, "board_member", None), (PERSON, HOLDING, "owner", 60.0)))
    assert majority[PERSON].controls and majority[PERSON].owns_or_controls


def test_a_long_chain_reads_as_its_first_and_last_steps():
    from trygg.screening.rules import chain_sv

    chain = [{"holder": f"B{i}", "role": "owner", "company": f"B{i + 1}", "share": 100.0} for i in range(7)]
    text = chain_sv(chain)
    assert text.startswith("B0 äger 100 % av B1; B1 äger 100 % av B2; B2 äger 100 % av B3; … ytterligare 3 steg …")
    assert text.endswith("B6 äger 100 % av B7") and len(text) < 200
    assert chain_sv(chain[:4]).count(";") == 3
