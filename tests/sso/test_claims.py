"""The pure mapping from claims to roles."""

from trygg.sso.claims import Rule, claim_values, roles_from_claims

RULES = [
    Rule("groups", "trygg-lasare", 1, "viewer"),
    Rule("groups", "trygg-admin", 1, "org_admin"),
    Rule("groups", "trygg-samordnare", 1, "coordinator"),
    Rule("roles", "rapportor", 2, "reporter"),
]


def test_the_widest_role_wins_within_an_organisation_whatever_the_order():
    for groups in (["trygg-lasare", "trygg-admin", "trygg-samordnare"], ["trygg-samordnare", "trygg-lasare"]):
        expected = "org_admin" if "trygg-admin" in groups else "coordinator"
        assert roles_from_claims({"groups": groups}, RULES) == {1: expected}
        assert roles_from_claims({"groups": groups}, list(reversed(RULES))) == {1: expected}


def test_each_rule_reads_its_own_claim_and_unknown_values_give_nothing():
    assert roles_from_claims({"groups": ["rapportor"], "roles": "rapportor other"}, RULES) == {2: "reporter"}
    assert roles_from_claims({"groups": ["ekonomi"]}, RULES) == {}
    assert roles_from_claims({}, RULES) == {}


def test_claim_values_accept_lists_strings_and_scalars():
    assert claim_values({"g": ["a", "b"]}, "g") == {"a", "b"}
    assert claim_values({"g": "a b"}, "g") == {"a", "b"}
    assert claim_values({"g": 7}, "g") == {"7"}
    assert claim_values({}, "g") == set()
