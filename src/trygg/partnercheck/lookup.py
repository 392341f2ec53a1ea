"""Reading what a partner's check may read, and running the check.

A check reads two kinds of data and no other: the published sanctions lists (datasets of kind *watch list*) and
the registry extracts (kind *registry*) — not the extract of Bolagsverket's open API, whose entries exist only
because a screening officer fetched a company for a case (their mere presence would tell of a case). It never
reads the municipalities' own lists, what was entered in cases, or the cases themselves, and a person is never
looked up: a personal identity number is refused as a query, and persons on the board are only counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core.identity import IdentityError, find_personal_numbers, parse_organisation_number
from trygg.partnercheck import assess
from trygg.partnercheck.models import CompanyCheck, checking_organisations
from trygg.screening import bolagsverket, engine, graph, index
from trygg.screening.crossmatch import best_match
from trygg.screening.importers import ofac_programs
from trygg.screening.matching import compare
from trygg.screening.matching.normalise import has_legal_form, normalise
from trygg.screening.models import Dataset, Entity, EntityFlag, Relation
from trygg.screening.rules import Thresholds

COMPANY_SCHEMAS = ("Company", "Organization", "LegalEntity")
NUMBERISH = re.compile(r"[\d\s+-]{10,16}")
MAX_CANDIDATES = 10


class QueryError(ValueError):
    """The query cannot be checked (the message says why, in the user's language)."""


@dataclass(frozen=True)
class Query:
    text: str
    org_number: str = ""
    name: str = ""


def parse(text: str) -> Query:
    """A company's organisation number (``556677-8899``, ``5566778899``, ``16556677-8899``) or its name. A personal
    identity number — a sole trader's, or a person's — is refused, not checked."""
    text = " ".join((text or "").replace("\x00", " ").split())[:200]
    if not text:
        raise QueryError(_("Write a company's name or organisation number."))
    if NUMBERISH.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 12 and digits.startswith("16"):
            digits = digits[2:]
        try:
            if len(digits) == 10 and digits[2] in "01":  # a month: a personal identity number (a sole trader's)
                raise IdentityError(digits)
            return Query(text, org_number=parse_organisation_number(digits))
        except IdentityError as exc:
            raise QueryError(
                _(
                    "That is not a valid organisation number. Personal identity numbers are not checked here: "
                    "write the company's organisation number or its name."
                )
            ) from exc
    if find_personal_numbers(text):
        raise QueryError(_("Write the company's name without a personal identity number."))
    if sum(ch.isalpha() for ch in text) < 2:
        raise QueryError(_("Write a company's name or organisation number."))
    if not normalise(text, company=True).tokens or all(has_legal_form(w) for w in text.split()):  # "AB", "Ltd"
        raise QueryError(_("Write more of the company's name than its legal form."))
    return Query(text, name=text)


def registries():
    """The registry extracts a check reads (not Bolagsverket's answers to officers' questions)."""
    return Dataset.objects.filter(kind=Dataset.Kind.REGISTRY).exclude(name=bolagsverket.DATASET)


def sanctions_lists():
    return Dataset.objects.filter(kind=Dataset.Kind.WATCHLIST)


def _day(moment: dt.datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


def sources(datasets: list[Dataset]) -> list[assess.Source]:
    return [
        assess.Source(d.name, d.kind, d.version, _day(d.imported_at))
        for d in sorted(datasets, key=lambda d: (d.kind != Dataset.Kind.WATCHLIST, d.name))
    ]


def find_company(query: Query, registry_ids: list[int], t: Thresholds) -> tuple[Entity | None, list[Entity]]:
    """The registry's company for the query — by organisation number, or by a name only one company fits well —
    else the companies whose names fit, best first, to choose from."""
    companies = Entity.objects.filter(dataset__in=registry_ids, schema__in=COMPANY_SCHEMAS).select_related("dataset")
    if query.org_number:
        newest_first = (F("dataset__imported_at").desc(nulls_last=True), "pk")
        return companies.filter(org_number=query.org_number).order_by(*newest_first).first(), []
    ids = [i for i, _w in index.candidates([query.name], True, dataset_ids=registry_ids, limit=30)]
    scored = []
    for entity in companies.filter(pk__in=ids):
        score = max(compare(query.name, n, "Company").score for n in entity.names)
        if score >= t.watchlist_score:
            scored.append((score, entity))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name.casefold(), pair[1].pk))
    unique, seen = [], set()
    for score, entity in scored:  # the same company in two extracts is one choice
        key = entity.org_number or f"pk:{entity.pk}"
        if key not in seen:
            seen.add(key)
            unique.append((score, entity))
    strong = [entity for score, entity in unique if score >= t.watchlist_strong]
    numbered = [entity for entity in strong if entity.org_number]
    if len(numbered) == 1:  # an owner named in a role without its number is the same company, not another choice
        names = {numbered[0].name.casefold()}
        if all(entity.org_number or entity.name.casefold() in names for entity in strong):
            return numbered[0], []
    if len(strong) == 1:
        return strong[0], []
    return None, [entity for _score, entity in unique if entity.org_number][:MAX_CANDIDATES]


def list_hits(names: list[str], org_number: str, company: Entity | None, list_ids: list[int], t: Thresholds):
    """Companies on the sanctions lists that the names (or the organisation number) match, and the registry's
    own cross-match flags of the company on those lists."""
    probe = Entity(schema="Company", name=names[0] if names else "", aliases=names[1:], org_number=org_number)
    found = index.candidates([n for n in names if n], True, [org_number], list_ids) if list_ids else []
    best: dict[int, tuple[float, Entity]] = {}
    listed = Entity.objects.filter(pk__in=[i for i, _w in found], dataset__in=list_ids).select_related("dataset")
    for entry in listed:
        if not entry.is_company:
            continue
        result = best_match(probe, entry)
        if result is not None and result.score >= t.watchlist_score:
            best[entry.pk] = (result.score, entry)
    if company is not None:
        flags = EntityFlag.objects.filter(entity=company, listed__dataset__in=list_ids).select_related(
            "listed__dataset"
        )
        for flag in flags:
            if flag.listed.is_company and flag.score > best.get(flag.listed_id, (0.0, None))[0]:
                best[flag.listed_id] = (flag.score, flag.listed)
    return [
        assess.ListHit(
            entry.name,
            entry.dataset.name,
            round(score, 3),
            ofac_programs(str(entry.properties.get("program", ""))),  # stored before the import read them apart
            strong=score >= t.watchlist_strong,
        )
        for score, entry in best.values()
    ]


def company_facts(
    company: Entity, today: dt.date, registry_ids: list[int], lists: list[Dataset], t: Thresholds
) -> assess.Company:
    """What the registry extracts say about ``company`` on ``today``; persons only as keys to count."""
    facts = assess.Company(
        name=company.name,
        org_number=company.org_number,
        registry=company.dataset.name,
        status=str(company.properties.get("status", "")),
        status_date=str(company.properties.get("status_date", "")),
    )
    address = (
        Relation.objects.filter(source=company, role="address", dataset__in=registry_ids)
        .select_related("target")
        .first()
    )
    if address is not None:
        facts.address = address.target.name
        facts.companies_at_address = Relation.objects.filter(target=address.target, role="address").count()
    roles = list(
        Relation.objects.filter(target=company, role__in=engine.CHANGE_ROLES, dataset__in=registry_ids).select_related(
            "source"
        )
    )
    founded = company.registered_on
    for r in roles:  # the first board and owners of a new company are its founding, not a change (as screening)
        founding = founded is not None and r.valid_from is not None and 0 <= (r.valid_from - founded).days <= 31
        if r.valid_from is not None and not founding:
            facts.changes.append(assess.Change(str(r.source_id), r.role, "joined", r.valid_from))
        if r.valid_to is not None:
            facts.changes.append(assess.Change(str(r.source_id), r.role, "left", r.valid_to))
    people = {r.source_id: r.source.name for r in roles
              if r.valid_to is None or r.valid_to >= today - graph.LOOKBACK}  # fmt: skip
    earlier = engine.bankruptcies(company, people, address.target_id if address else None, today)
    facts.bankruptcies = [
        assess.Bankruptcy(b.company, b.status, b.date, len(b.shared), b.same_address) for b in earlier
    ]
    owners, _ids = engine.listed_owners(company, lists, [today])
    facts.listed_owners = [
        assess.ListedOwner(o.name, o.list_name, o.effective_share, o.unknown_share, o.controls) for o in owners
    ]
    return facts


def run(query: Query, today: dt.date | None = None, t: Thresholds | None = None) -> assess.Outcome:
    """The check of ``query`` against the sanctions lists and the registry extracts, as of ``today``."""
    t = t or engine.thresholds()
    today = today or timezone.localdate()
    registry_sets, lists = list(registries()), list(sanctions_lists())
    registry_ids, list_ids = [d.pk for d in registry_sets], [d.pk for d in lists]
    with graph.serial_plans():
        company, candidates = find_company(query, registry_ids, t)
        names = [query.name] if query.name else []
        if company is not None:
            names = list(dict.fromkeys([company.name, *company.names[1:], *names]))
        org_number = query.org_number or (company.org_number if company is not None else "")
        hits = list_hits(names, org_number, company, list_ids, t)
        facts = company_facts(company, today, registry_ids, lists, t) if company is not None else None
    return assess.assess(
        today,
        query.text,
        hits,
        sources(registry_sets + lists),
        facts,
        t,
        candidates=[{"name": c.name, "org_number": c.org_number} for c in candidates],
        not_in_registry=bool(query.org_number) and company is None,
    )


def make_check(user, text: str) -> CompanyCheck:
    """Run a check for ``user`` and keep it (its receipt), audited as a search. Raises :class:`QueryError`."""
    query = parse(text)
    outcome = run(query)
    company = outcome.company or {}
    with transaction.atomic():
        check = CompanyCheck.objects.create(
            user=user,
            organisation=checking_organisations(user).order_by("name").first(),
            query=query.org_number or query.name,
            company_name=company.get("name", ""),
            org_number=company.get("org_number", query.org_number),
            result=outcome.as_json(),
            clean=outcome.clean,
        )
        log.record(
            user,
            "search",
            check,
            summary=f"company check: {check.company_name or check.query} {check.org_number} "
            f"({len(outcome.hits)} list hits, {len(outcome.signals)} registry signals)",
            changes={"sources": [f"{s.name} {s.version or s.imported_on}".strip() for s in outcome.sources]},
        )
    return check
