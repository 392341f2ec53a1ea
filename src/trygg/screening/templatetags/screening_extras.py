"""Findings' evidence for the officer: chains and changes as small tables, the rest as labelled facts."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

register = template.Library()

LABELS = {
    "boards": gettext_lazy("Active roles in companies"),
    "threshold": gettext_lazy("Threshold"),
    "person": gettext_lazy("Person"),
    "party": gettext_lazy("Party"),
    "country": gettext_lazy("Country"),
    "role": gettext_lazy("Role"),
    "roles": gettext_lazy("Roles"),
    "address": gettext_lazy("Address"),
    "companies": gettext_lazy("Companies at the address"),
    "registered_on": gettext_lazy("Registered on"),
    "age_days": gettext_lazy("Age of the company (days)"),
    "reports": gettext_lazy("Reports"),
    "flag": gettext_lazy("Listed as"),
    "date": gettext_lazy("Date"),
    "reference": gettext_lazy("Reference"),
    "list": gettext_lazy("List"),
    "name": gettext_lazy("Name"),
    "score": gettext_lazy("Match score"),
    "birth_date": gettext_lazy("Birth date on the list"),
    "program": gettext_lazy("Sanctions programme"),
    "judgement": gettext_lazy("Reviewer's judgement"),
    "listed_names": gettext_lazy("Names on the list"),
    "party_birth_date": gettext_lazy("Birth date of the party"),
    "listed_birth_date": gettext_lazy("Birth date on the list"),
    "owner": gettext_lazy("Owner"),
    "listed_as": gettext_lazy("List entry"),
    "effective_share": gettext_lazy("Effective share (%)"),
    "unknown_share": gettext_lazy("Some share not given"),
    "controls": gettext_lazy("Controls the applicant"),
    "appointed": gettext_lazy("Appointed"),
    "days_before": gettext_lazy("Days before the application (negative: after it)"),
    "application_date": gettext_lazy("Application received"),
    "until": gettext_lazy("Until"),
    "age": gettext_lazy("Age"),
    "other_roles": gettext_lazy("Other roles in the registry"),
    "young_below": gettext_lazy("Young: below (years)"),
    "persons": gettext_lazy("Persons"),
    "days": gettext_lazy("Days"),
    "entity": gettext_lazy("Entity"),
    "relations": gettext_lazy("Relations"),
    "cap": gettext_lazy("Followed up to (relations)"),
    "held_on": gettext_lazy("Owned or controlled the applicant on"),
    "ended_on": gettext_lazy("Ended"),
    "ended": gettext_lazy("Relations ended"),
    "as_of": gettext_lazy("Screened as of"),
    "company": gettext_lazy("Company"),
    "status": gettext_lazy("Status"),
    "shared": gettext_lazy("The applicant's people who held roles in it"),
    "same_address": gettext_lazy("Same address"),
    "similar_name": gettext_lazy("Like name"),
    "status_date": gettext_lazy("Status since"),
    "sanctions": gettext_lazy("Listings"),
}
HIDDEN = {"features", "party_key", "chain", "control_chain", "chains", "chain_count", "changes", "path", "match",
          "relations_ids"}  # fmt: skip
STATUS_NAMES = {
    "bankrupt": gettext_lazy("bankrupt"),
    "liquidation": gettext_lazy("in liquidation"),
    "deregistered": gettext_lazy("deregistered"),
    "active": gettext_lazy("active"),
}
ROLE_NAMES = {
    "board_member": gettext_lazy("board member"),
    "deputy": gettext_lazy("deputy board member"),
    "ceo": gettext_lazy("managing director"),
    "signatory": gettext_lazy("authorised signatory"),
    "owner": gettext_lazy("owner"),
    "beneficial_owner": gettext_lazy("beneficial owner"),
    "address": gettext_lazy("registered address"),
}
FEATURES = {
    "identifier": gettext_lazy("identifier"),
    "same_normalised_name": gettext_lazy("same name after normalisation"),
    "coverage_shorter": gettext_lazy("share of the shorter name matched"),
    "coverage_longer": gettext_lazy("share of the longer name matched"),
    "tokens_matched": gettext_lazy("name parts matched"),
    "birth_date": gettext_lazy("birth date"),
    "single_name": gettext_lazy("only one name part"),
    "unexplained_tokens": gettext_lazy("name parts without a match"),
    "numbers_differ": gettext_lazy("numbers in the names differ"),
    "legal_forms_differ": gettext_lazy("legal forms differ"),
    "joined_similarity": gettext_lazy("similarity of the joined names"),
    "patronymic_order_differs": gettext_lazy("order of the name parts differs"),
    "nickname": gettext_lazy("nickname"),
    "spelling": gettext_lazy("spelling variant"),
    "somali": gettext_lazy("Somali spelling"),
    "arabic_vowels": gettext_lazy("Arabic name without short vowels"),
    "arabic_script": gettext_lazy("Arabic script"),
    "initial": gettext_lazy("initial"),
    "distinguishing": gettext_lazy("different forms of a name"),
    "distinguishing_words": gettext_lazy("words that tell the companies apart"),
    "initials_differ": gettext_lazy("initials differ"),
    "weight_shorter": gettext_lazy("weight of the shorter name's parts"),
    "name_score": gettext_lazy("likeness of the names alone"),
}
VALUES = {
    "same": gettext_lazy("same"),
    "different": gettext_lazy("different"),
    True: gettext_lazy("yes"),
    False: gettext_lazy("no"),
    "joined": gettext_lazy("joined"),
    "left": gettext_lazy("left"),
}


# what a list entry is listed for (Entity.flag), as an officer reads it
FLAG_NAMES = {
    "sanction": gettext_lazy("sanctioned"),
    "refused": gettext_lazy("refused a licence before"),
    "revoked": gettext_lazy("licence revoked"),
    "debarred": gettext_lazy("debarred from procurement"),
    "trading_ban": gettext_lazy("trading ban"),
    "bankruptcy": gettext_lazy("bankruptcy"),
}


@register.filter
def flag_name(flag: str) -> str:
    return FLAG_NAMES.get(flag, flag)


def _value(key, value):
    if key == "flag" and value in FLAG_NAMES:
        return FLAG_NAMES[value]
    if key in ("role",) and value in ROLE_NAMES:
        return ROLE_NAMES[value]
    if key == "roles" and isinstance(value, list):
        return ", ".join(str(ROLE_NAMES.get(v, v)) for v in value)
    if key == "status" and value in STATUS_NAMES:
        return STATUS_NAMES[value]
    if key == "ended" and isinstance(value, dict):  # relation id -> the day it ended: the days, not the ids
        return "; ".join(sorted(set(value.values()))) or "–"
    if key == "sanctions" and isinstance(value, list):
        return "; ".join(
            " ".join(str(s.get(k)) for k in ("authority", "program", "start") if isinstance(s, dict) and s.get(k))
            for s in value
        )
    if isinstance(value, bool) or value in ("same", "different"):
        return VALUES.get(value, value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value is None or value == "":
        return "–"
    return value


@register.filter
def evidence_facts(evidence: dict) -> list[tuple[str, object]]:
    """Labelled facts of a finding's evidence (tables are drawn separately)."""
    if not isinstance(evidence, dict):
        return []
    return [(LABELS.get(k, k), _value(k, v)) for k, v in evidence.items() if k not in HIDDEN]


@register.filter
def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)


@register.filter
def match_features(evidence: dict) -> list[tuple[str, object]]:
    """The scorer's features (of a hit, or of the match behind a network link) in words."""
    if not isinstance(evidence, dict):
        return []
    features = evidence.get("features") or evidence.get("match") or {}
    if not isinstance(features, dict):
        return []
    return [(FEATURES.get(k, k), VALUES.get(v, v) if isinstance(v, bool | str) else v) for k, v in features.items()]


@register.filter
def match_explanation(evidence: dict) -> list[str]:
    """The scorer's reasoning as Swedish sentences (what counted, with which weight)."""
    from trygg.screening.matching.scorer import explain

    if not isinstance(evidence, dict):
        return []
    features = evidence.get("features") or evidence.get("match") or {}
    return explain(features) if isinstance(features, dict) else []
