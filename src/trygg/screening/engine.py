"""Running a screening for a case: watch-list matching, the network walk, red flags, the recommendation.

The result is a ScreeningRun with findings, each naming its evidence and source. Reviewers' earlier
judgements on matches are applied: "not the same" suppresses a hit (kept as information), "same" confirms it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from trygg.audit import log
from trygg.screening import graph, index, network, ownership
from trygg.screening.crossmatch import best_match
from trygg.screening.models import (
    Case,
    CaseParty,
    Dataset,
    Entity,
    EntityFlag,
    Finding,
    MatchJudgement,
    Relation,
    ScreeningRun,
)
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

BOARD_ROLES = ("board_member", "deputy", "ceo", "signatory")
CHANGE_ROLES = (*BOARD_ROLES, "owner", "beneficial_owner")
PERSON_RESOLVE_SCORE = 0.92


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary with an ellipsis so that it has at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut).rstrip(" ,;:") + "…"


def thresholds() -> Thresholds:
    return Thresholds(**getattr(settings, "TRYGG_SCREENING_RULES", {}))


def party_key(entity: Entity) -> str:
    """The identity of a party across cases, for reusing reviewers' judgements."""
    if entity.org_number:
        return f"org:{entity.org_number}"
    if entity.personal_number:
        return f"pnr:{entity.personal_number}"
    from trygg.screening.matching.normalise import normalise

    return f"name:{normalise(entity.name, entity.is_company).key}|{entity.birth_date}"


def usable_lists(codes) -> QuerySet[Dataset]:
    """Watch lists, and own lists of these municipalities or shared with them through a cooperation."""
    from trygg.orgs.models import Cooperation

    cooperations = Cooperation.objects.filter(organisations__municipalities__in=codes, share_watchlists=True)
    return Dataset.objects.filter(
        Q(kind=Dataset.Kind.WATCHLIST)
        | Q(kind=Dataset.Kind.OWN_LIST, owner__municipalities__in=codes)
        | Q(kind=Dataset.Kind.OWN_LIST, shared_with__in=cooperations)
    ).distinct()


def list_datasets(case: Case) -> list[Dataset]:
    """The lists a case is screened against: those its municipality may use."""
    return list(usable_lists([case.municipality_id]))


def visible_datasets(codes) -> QuerySet[Dataset]:
    """What an officer of these municipalities sees listed: the registries and the lists they may use (not the
    names of other municipalities' own lists)."""
    return Dataset.objects.filter(Q(kind=Dataset.Kind.REGISTRY) | Q(pk__in=usable_lists(codes).values("pk")))


def resolve(entity: Entity) -> Entity | None:
    """The registry entity a party is: by organisation or personal number, else by name and birth date."""
    registry = Dataset.objects.filter(kind=Dataset.Kind.REGISTRY)
    if entity.org_number:
        return Entity.objects.filter(dataset__in=registry, org_number=entity.org_number).first()
    if entity.personal_number:
        return Entity.objects.filter(dataset__in=registry, personal_number=entity.personal_number).first()
    if not entity.birth_date:
        return None
    # people born the same day are few: compare their names
    for candidate in Entity.objects.filter(dataset__in=registry, birth_date=entity.birth_date, schema="Person"):
        if best_match(entity, candidate).score >= PERSON_RESOLVE_SCORE:
            return candidate
    return None


@dataclass
class Hit:
    party: CaseParty
    listed: Entity
    score: float
    features: dict
    judgement: str | None
    excluded: bool = False  # the names match but the birth dates differ: shown as excluded, with the reason


def watchlist_hits(parties: list[CaseParty], datasets: list[Dataset], t: Thresholds) -> list[Hit]:
    hits = []
    dataset_ids = [d.pk for d in datasets]
    for party in parties:
        e = party.entity
        ids = [i for i, _ in index.candidates(e.names, e.is_company, [e.org_number, e.personal_number], dataset_ids)]
        judgements = dict(
            MatchJudgement.objects.filter(party_key=party_key(e), matched__in=ids).values_list(
                "matched_id", "judgement"
            )
        )
        for listed in Entity.objects.filter(pk__in=ids).select_related("dataset"):
            result = best_match(e, listed)
            if result.score >= t.watchlist_score or listed.pk in judgements:
                hits.append(Hit(party, listed, result.score, result.features, judgements.get(listed.pk)))
            elif result.features.get("birth_date") == "different":
                names_only = best_match(e, listed, birth_dates=False)
                if names_only.score >= t.watchlist_score:  # a namesake: excluded by the birth date
                    # the score shown is the one with the birth dates (capped); the names' own likeness is kept
                    features = {**names_only.features, "birth_date": "different", "name_score": names_only.score}
                    hits.append(Hit(party, listed, result.score, features, None, excluded=True))
    return hits


def case_flags(datasets: list[Dataset] | None = None):
    """Cross-match flags, only from the lists a case may use (``datasets``; all lists when None): another
    municipality's own list must not speak in this case."""
    flags = EntityFlag.objects.all()
    return flags if datasets is None else flags.filter(listed__dataset__in=datasets)


_FLAGGED: dict = {}


def flagged_ids(datasets: list[Dataset] | None = None, stamp: tuple | None = None) -> set[int]:
    """The flagged registry entities (few), kept per process and set of lists until the data change."""
    key = (stamp or graph.data_stamp(), None if datasets is None else tuple(sorted(d.pk for d in datasets)))
    if key not in _FLAGGED:
        _FLAGGED.clear()
        _FLAGGED[key] = frozenset(case_flags(datasets).values_list("entity_id", flat=True))
    return set(_FLAGGED[key])


def excluded_finding(run: ScreeningRun, h: Hit) -> Finding:
    return Finding(
        run=run,
        party=h.party,
        kind=Finding.Kind.WATCHLIST,
        code="excluded_namesake",
        severity="info",
        score=h.score,
        matched=h.listed,
        summary=(
            f"{h.party.entity.name} har samma namn som {h.listed.name} på {h.listed.dataset.name}, men "
            f"födelsedatumen skiljer sig ({h.party.entity.birth_date or '–'} mot {h.listed.birth_date or '–'}): "
            "utesluten som namne."
        ),
        evidence={
            "features": h.features,
            "party_birth_date": h.party.entity.birth_date,
            "listed_birth_date": h.listed.birth_date,
            "listed_names": h.listed.names,
        },
        source=f"{h.listed.dataset.name} {h.listed.dataset.version}".strip(),
    )


def walk_from(starts, datasets: list[Dataset] | None = None) -> network.WalkResult:
    t = thresholds()
    with graph.serial_plans():
        stamp = graph.data_stamp()

        def neighbours(frontier, only=None):  # the last step, into the flagged entities, from the cached map
            return graph.neighbours(frontier) if only is None else graph.edges_into(frontier, only, stamp)

        return network.walk(
            starts,
            neighbours,
            flagged_ids(datasets, stamp),
            max_hops=t.network_hops,
            hub_cap=t.hub_cap,
            degree=graph.degree,
        )


def receipt_complaints(org_number: str) -> int:
    """Residents' "no receipt" reports about the venue (from the residents' module when it is installed)."""
    if not org_number or not apps.is_installed("trygg.citizens"):
        return 0
    from trygg.citizens.receipts import complaints_for_org_number

    return complaints_for_org_number(org_number)


def gather_facts(case: Case, resolved: dict[int, Entity | None], hits: list[Hit], t: Thresholds) -> CaseFacts:
    applicant = resolved.get(case.applicant_id)
    facts = CaseFacts(application_date=case.received_on)
    if applicant is not None:
        facts.company_registered_on = applicant.registered_on
        address = Relation.objects.filter(source=applicant, role="address").select_related("target").first()
        if address is not None:
            facts.address = address.target.name
            facts.companies_at_address = Relation.objects.filter(target=address.target, role="address").count()
        roles = list(Relation.objects.filter(target=applicant, role__in=CHANGE_ROLES).select_related("source"))
        founded = applicant.registered_on
        for r in roles:
            # the first board, managing director and owners of a new company are its founding, not a change
            founding = founded is not None and r.valid_from is not None and 0 <= (r.valid_from - founded).days <= 31
            if r.valid_from is not None and not founding:
                facts.changes.append(RoleChange(r.source.name, r.role, "joined", r.valid_from))
            if r.valid_to is not None:
                facts.changes.append(RoleChange(r.source.name, r.role, "left", r.valid_to))
        facts.appointments = appointments(applicant, roles, case.received_on)
    facts.receipt_complaints = receipt_complaints(case.applicant.org_number)
    for party in case.parties.select_related("entity"):
        registry = resolved.get(party.entity_id)
        subject = registry or party.entity
        boards = 0
        if registry is not None and not registry.is_company:
            boards = (
                Relation.objects.filter(source=registry, role__in=BOARD_ROLES, valid_to__isnull=True)
                .values("target")
                .distinct()
                .count()
            )
        facts.parties.append(
            PartyFacts(
                label=subject.name,
                role=party.role,
                is_person=not subject.is_company,
                boards=boards,
                id_kind=subject.id_kind,
                country=subject.country,
            )
        )
    for hit in hits:
        if hit.listed.dataset.kind == Dataset.Kind.OWN_LIST and hit.judgement != "not_same" and not hit.excluded:
            facts.own_list_entries.append(
                {
                    "name": hit.listed.name,
                    "flag": hit.listed.flag,
                    "date": hit.listed.properties.get("date", ""),
                    "reference": hit.listed.properties.get("reference", ""),
                    "list": hit.listed.dataset.name,
                    "party": hit.party.entity.name,
                    "score": round(hit.score, 3),
                }
            )
    return facts


def appointments(applicant: Entity, roles: list[Relation], application_date) -> list[Appointment]:
    """The people in the applicant's board and management, with their age and their other roles."""
    by_person: dict[int, list[Relation]] = {}
    for r in roles:
        if r.role in BOARD_ROLES and r.valid_from is not None and r.valid_to is None and not r.source.is_company:
            by_person.setdefault(r.source_id, []).append(r)
    if not by_person:
        return []
    elsewhere = dict(
        Relation.objects.filter(source__in=list(by_person))
        .exclude(target=applicant)
        .exclude(role="address")
        .values_list("source")
        .annotate(n=Count("id"))
    )
    out = []
    for person_id, held in by_person.items():
        person = held[0].source
        age = None
        if person.birth_date and len(person.birth_date) == 10:
            born = dt.date.fromisoformat(person.birth_date)
            age = (
                application_date.year
                - born.year
                - ((application_date.month, application_date.day) < (born.month, born.day))
            )
        out.append(
            Appointment(
                person=person.name,
                roles=tuple(sorted({r.role for r in held}, key=BOARD_ROLES.index)),
                date=min(r.valid_from for r in held),
                age=age,
                other_roles=elsewhere.get(person_id, 0),
                country=person.country,
            )
        )
    return out


MAX_CHAINS_SHOWN = 5


def listed_owners(
    applicant: Entity | None, datasets: list[Dataset] | None = None
) -> tuple[list[ListedOwner], set[int]]:
    """Listed parties (on the lists ``datasets``) that own or control the applicant at any depth, and their
    registry ids."""
    if applicant is None:
        return [], set()
    with graph.serial_plans():
        analysed = ownership.analyse(applicant.pk, graph.holdings_into)
    interests = {k: i for k, i in analysed.items() if i.owns_or_controls}
    flagged = {
        f.entity_id: f
        for f in case_flags(datasets)
        .filter(entity__in=list(interests))
        .select_related("listed__dataset")
        .order_by("score")
    }
    if not flagged:
        return [], set()
    ids = {n for i in interests.values() for chain in [*i.chains, i.control or []] for s in chain
           for n in (s.holder, s.company)}  # fmt: skip
    names = dict(Entity.objects.filter(pk__in=ids | {applicant.pk}).values_list("pk", "name"))
    out = []
    for entity_id, flag in flagged.items():
        interest = interests[entity_id]
        ranked = sorted(interest.chains, key=lambda c: -_product(c))
        chain = ranked[0] if ranked else []
        out.append(
            ListedOwner(
                name=names.get(entity_id, str(entity_id)),
                listed_as=flag.listed.name,
                list_name=flag.listed.dataset.name,
                score=flag.score,
                effective_share=interest.effective_share,
                unknown_share=interest.unknown_share,
                controls=interest.controls,
                chain=ownership.describe_chain(chain, names),
                chains=[ownership.describe_chain(c, names) for c in ranked[:MAX_CHAINS_SHOWN]],
                chain_count=len(ranked),
                control_chain=ownership.describe_chain(interest.control or [], names),
            )
        )
    return out, set(flagged)


def _product(chain) -> float:
    product = 1.0
    for step in chain:
        product *= (step.share or 0.0) / 100.0
    return product


def screen(case: Case, user=None) -> ScreeningRun:
    """Screen the case now and store the run with its findings and recommendation (audited)."""
    t = thresholds()
    with graph.serial_plans():  # the reading: many small lookups, one transaction
        parties = list(case.parties.select_related("entity"))
        datasets = list_datasets(case)
        hits = watchlist_hits(parties, datasets, t)
        resolved = {p.entity_id: resolve(p.entity) for p in parties}
        starts = {r.pk: p for p in parties if (r := resolved[p.entity_id]) is not None}
        walk = walk_from(starts, datasets)
        facts = gather_facts(case, resolved, hits, t)
        facts.listed_owners, owner_ids = listed_owners(resolved.get(case.applicant_id), datasets)
    flags = red_flags(facts, t)
    owner_flags = ownership_flags(facts, t)

    sanction_hits = [
        h
        for h in hits
        if h.listed.dataset.kind == Dataset.Kind.WATCHLIST and h.judgement != "not_same" and not h.excluded
    ]
    hit_summaries = [
        {
            "label": f"{h.party.entity.name} ~ {h.listed.name} ({h.listed.dataset.name})",
            "score": h.score,
            "confirmed": h.judgement == "same",
        }
        for h in sanction_hits
    ]
    entities = Entity.objects.in_bulk({n for p in walk.reached.values() for n in p.nodes} | set(walk.hubs))
    link_summaries = []
    strongest_flag = {}  # the best list match of each flagged node reached
    for flag in case_flags(datasets).filter(entity__in=list(walk.reached)).select_related("listed__dataset"):
        if flag.entity_id not in strongest_flag or flag.score > strongest_flag[flag.entity_id].score:
            strongest_flag[flag.entity_id] = flag
    for node, path in walk.reached.items():
        if path.hops == 0:
            continue  # the party itself is listed: reported as a hit above, not as a link
        if node in owner_ids:
            continue  # it owns or controls the applicant: reported with its shares below, not as a bare link
        flag = strongest_flag[node]
        label = (
            f"{entities[path.nodes[0]].name} → {entities[node].name} ~ {flag.listed.name} ({flag.listed.dataset.name})"
        )
        link_summaries.append({"label": label, "hops": path.hops, "node": node, "path": path, "flag": flag})
    outcome = recommend(flags + owner_flags, hit_summaries, link_summaries, t)

    with transaction.atomic():
        run = ScreeningRun.objects.create(
            case=case,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            config=t.as_dict(),
            recommendation=outcome.recommendation,
            reasons=outcome.reasons,
        )
        findings = []
        for h in hits:
            if h.excluded:
                findings.append(excluded_finding(run, h))
                continue
            suppressed = h.judgement == "not_same"
            findings.append(
                Finding(
                    run=run,
                    party=h.party,
                    kind=Finding.Kind.WATCHLIST,
                    code="own_list" if h.listed.dataset.kind == Dataset.Kind.OWN_LIST else "watchlist",
                    severity="info"
                    if suppressed
                    else ("high" if h.judgement == "same" or h.score >= t.watchlist_strong else "medium"),
                    score=h.score,
                    matched=h.listed,
                    summary=(
                        f"{h.party.entity.name} liknar {h.listed.name} på {h.listed.dataset.name}"
                        + (" — bedömd som inte samma av granskare" if suppressed else "")
                        + (" — bekräftad av granskare" if h.judgement == "same" else "")
                    ),
                    evidence={
                        "features": h.features,
                        "listed_names": h.listed.names,
                        "flag": h.listed.flag,
                        "birth_date": h.listed.birth_date,
                        "program": h.listed.properties.get("program", ""),
                        "judgement": h.judgement,
                        "party_key": party_key(h.party.entity),
                    },
                    source=f"{h.listed.dataset.name} {h.listed.dataset.version}".strip(),
                )
            )
        for link in link_summaries:
            path = link["path"]
            party = starts[path.nodes[0]]
            findings.append(
                Finding(
                    run=run,
                    party=party,
                    kind=Finding.Kind.NETWORK,
                    code="network_link",
                    severity="high" if path.hops <= 1 else "medium",
                    score=link["flag"].score,
                    matched=link["flag"].listed,
                    summary=f"{link['label']}: {path.hops} steg i ägar- och rollnätverket",
                    evidence={
                        "path": [{"entity": entities[n].name, "schema": entities[n].schema} for n in path.nodes],
                        "roles": path.roles,
                        "relations": path.relations,
                        "match": link["flag"].features,
                    },
                    source="Registerutdrag och bevakningslistor",
                )
            )
        applicant_party = next((p for p in parties if p.role == "applicant"), None)
        for flag in owner_flags:
            findings.append(
                Finding(
                    run=run,
                    party=applicant_party,
                    kind=Finding.Kind.NETWORK,
                    code=flag.code,
                    severity=flag.severity,
                    score=flag.evidence["score"],
                    summary=flag.summary,
                    evidence=flag.evidence,
                    source="Registerutdrag och bevakningslistor",
                )
            )
        for hub, degree in walk.hubs.items():
            findings.append(
                Finding(
                    run=run,
                    party=None,
                    kind=Finding.Kind.NETWORK,
                    code="hub_not_followed",
                    severity="info",
                    summary=f"{entities[hub].name} har {degree} kopplingar och följdes inte vidare (nav, t.ex. "
                    "registreringsombud eller massadress).",
                    evidence={"entity": entities[hub].name, "relations": degree, "cap": t.hub_cap},
                    source="Registerutdrag",
                )
            )
        by_label = {}
        for party in parties:
            by_label[party.entity.name] = party
            if resolved.get(party.entity_id) is not None:
                by_label[resolved[party.entity_id].name] = party
        applicant = next((p for p in parties if p.role == "applicant"), None)
        for flag in flags:
            findings.append(
                Finding(
                    run=run,
                    party=by_label.get(flag.subject, applicant) if flag.subject else applicant,
                    kind=Finding.Kind.RED_FLAG,
                    code=flag.code,
                    severity=flag.severity,
                    summary=flag.summary,
                    evidence=flag.evidence,
                    source="Registerutdrag, samverkansens listor och Trygg",
                )
            )
        for finding in findings:  # the whole text stays in the evidence; the summary column holds 500
            finding.summary = shorten(finding.summary, Finding._meta.get_field("summary").max_length)
        Finding.objects.bulk_create(findings)
        log.record(
            user or "trygg screen",
            "search",
            case,
            summary=f"screening run {run.pk}: {run.recommendation}",
            purpose=case,
        )
    return run
