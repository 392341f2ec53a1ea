"""What the procedure adds to a screening run: the applicant's answers compared with the registry on the run's
day (:mod:`trygg.screening.declared`), and each authority answer the officer recorded and judged, with its
source. Called by :func:`trygg.screening.engine.screen`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils import translation
from django.utils.formats import date_format

from trygg.screening import graph, ownership
from trygg.screening.declared import FUNDING_ROLES, Declared, Held, compare
from trygg.screening.models import AuthorityRequest, Case, CaseParty, Entity, Finding, Relation
from trygg.screening.rules import Flag


@dataclass
class Extra:
    """A finding of the procedure: its kind, source, and the flag (code, severity, summary, evidence)."""

    kind: str
    source: str
    flag: Flag
    party: CaseParty | None = None


def registry_holders(applicant: Entity, day: dt.date) -> list[Held]:
    """Who owned the applicant on ``day`` (effective shares over every chain) and who financed or leased to it."""
    interests = ownership.analyse(applicant.pk, lambda companies: graph.holdings_into(companies, day))
    owners = {k: i for k, i in interests.items() if i.effective_share > 0 or i.unknown_share}
    funding = [
        r
        for r in Relation.objects.filter(target=applicant, role__in=FUNDING_ROLES)
        if (r.valid_from is None or r.valid_from <= day) and (r.valid_to is None or r.valid_to >= day)
    ]
    names = dict(Entity.objects.filter(pk__in=set(owners) | {r.source_id for r in funding}).values_list("pk", "name"))
    held = [
        Held(k, names.get(k, str(k)), "owner", round(i.effective_share, 1), i.unknown_share) for k, i in owners.items()
    ]
    held += [Held(r.source_id, names.get(r.source_id, ""), r.role) for r in funding]
    return sorted(held, key=lambda h: (h.role, h.name))


def current_parties(case: Case, parties: list[CaseParty]) -> list[CaseParty]:
    """The application's parties and those declared in the applicant's newest answer (an earlier answer's are
    replaced by it)."""
    answer = case.answers.first()
    tag = f"questionnaire:{answer.pk}" if answer is not None else None
    return [p for p in parties if not p.declared_in or p.declared_in == tag]


def _words(name: str) -> str:
    return " ".join(name.casefold().split())


def _same(p: CaseParty, row: dict) -> bool:
    number = "".join(c for c in str(row.get("identifier") or "") if c.isdigit())
    mine = p.entity.org_number or p.entity.personal_number
    if number and mine:
        return mine.endswith(number[-10:])
    return " ".join(p.entity.name.casefold().split()) == " ".join(str(row["name"]).casefold().split())


def declaration_findings(
    case: Case, parties: list[CaseParty], resolved: dict[int, Entity | None], day: dt.date, own_list: list[dict]
) -> list[Extra]:
    """The newest answer's owners, financiers and lessors (with the shares it gives) against the registry on ``day``;
    an owner or financier the application names counts as declared too."""
    answer = case.answers.first()
    if answer is None:
        return []
    applicant = resolved.get(case.applicant_id)
    by_name = {p.entity.name: p for p in parties}
    rows = [(r, "owner", r.get("share")) for r in answer.answers.get("owners", [])]
    rows += [(r, "lessor" if r.get("kind") == "lease" else "financier", None)
             for r in answer.answers.get("financing", [])]  # fmt: skip
    declared = []
    for row, role, share in rows:
        seats = {"owner": ("owner", "beneficial_owner")}.get(role, (role,))
        party = next((p for p in parties if p.role in seats and _same(p, row)), None)
        registry = resolved.get(party.entity_id) if party is not None else None
        declared.append(Declared(party.entity.name if party else row["name"], role,
                                 registry.pk if registry else None, share))  # fmt: skip
    for p in parties:
        if not p.declared_in and p.role in ("owner", "beneficial_owner", *FUNDING_ROLES):
            registry = resolved.get(p.entity_id)
            if registry is not None and all(d.registry != registry.pk for d in declared):
                declared.append(
                    Declared(p.entity.name, "owner" if p.role == "beneficial_owner" else p.role, registry.pk, p.share)
                )
    held = registry_holders(applicant, day) if applicant is not None else []
    # one declared by name alone is the holder of that seat with the same name, if the registry has one
    by_seat = {(h.role, _words(h.name)): h.registry for h in held}
    declared = [
        replace(d, registry=by_seat.get((d.role, _words(d.name)))) if d.registry is None else d for d in declared
    ]
    refusals = [e for e in own_list if e.get("flag") in ("refused", "revoked")]
    flags = compare(declared, held, day, refusals_answer=answer.answers.get("refusals"), refusals_found=refusals)
    source = f"Sökandens svar {date_format(answer.submitted_at, 'Y-m-d')} mot registerutdraget"
    return [Extra(Finding.Kind.DECLARATION, source, f, by_name.get(f.subject)) for f in flags]


AUTHORITY_CODES = {
    "police": "police_opinion",
    "tax": "tax_answer",
    "enforcement": "enforcement_answer",
    "rescue": "rescue_answer",
    "environment": "environment_answer",
}


def authority_findings(case: Case) -> list[Extra]:
    with translation.override("sv"):  # the sources read in Swedish, whoever screens
        return _authority_findings(case)


def _authority_findings(case: Case) -> list[Extra]:
    out = []
    for r in AuthorityRequest.objects.filter(case=case, recorded_at__isnull=False).order_by("answered_on", "id"):
        reference = f", dnr {r.their_reference}" if r.their_reference else ""
        source = f"{r.get_authority_display()}, svar {r.answered_on.isoformat()}{reference}"
        documents = [{"name": d.name, "sha256": d.sha256} for d in r.documents.all()]
        summary = f"{r.get_authority_display()}: {r.judgement}"
        flag = Flag(
            AUTHORITY_CODES[r.authority],
            r.severity,
            summary,
            {
                "request": r.pk,
                "answer": r.answer_text,
                "answered_on": r.answered_on.isoformat(),
                "their_reference": r.their_reference,
                "documents": documents,
            },
        )
        out.append(Extra(Finding.Kind.AUTHORITY, source, flag))
    return out
