"""From a provider's claims to roles in organisations: a pure function over the mapping table's rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# When several groups give one person different roles in one organisation, the widest wins.
ROLE_ORDER = ("viewer", "business_check", "reporter", "screening_officer", "coordinator", "org_admin")


@dataclass(frozen=True)
class Rule:
    """One row of the mapping table: a claim value that gives a role in an organisation."""

    claim: str
    value: str
    organisation_id: int
    role: str


def claim_values(claims: Mapping[str, Any], claim: str) -> set[str]:
    """The claim's values as strings: a list of groups, one string, or a space-separated string of roles."""
    value = claims.get(claim)
    if value is None:
        return set()
    if isinstance(value, str):
        return set(value.split())
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value}
    return {str(value)}


def roles_from_claims(claims: Mapping[str, Any], rules: Iterable[Rule]) -> dict[int, str]:
    """The role per organisation that the claims give; organisations no rule matches are absent."""
    roles: dict[int, str] = {}
    values: dict[str, set[str]] = {}
    for rule in rules:
        if rule.claim not in values:
            values[rule.claim] = claim_values(claims, rule.claim)
        if rule.value not in values[rule.claim]:
            continue
        current = roles.get(rule.organisation_id)
        if current is None or ROLE_ORDER.index(rule.role) > ROLE_ORDER.index(current):
            roles[rule.organisation_id] = rule.role
    return roles
