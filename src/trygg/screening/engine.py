"""Running a screening for a case: watch-list matching, the network walk, red flags, the recommendation.

The result is a ScreeningRun with findings, each naming its evidence and source. Reviewers' earlier
judgements on matches are applied: "not the same" suppresses a hit (kept as information), "same" confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from trygg.audit import log
from trygg.screening import graph, index, network
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
from trygg.screening.rules import CaseFacts, PartyFacts, Thresholds, recommend, red_flags

BOARD_ROLES = ("board_member", "deputy", "ceo", "signatory")
PERSON_RESOLVE_SCORE = 0.92


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


def list_datasets(case: Case) -> list[Dataset]:
    """Watch lists, and own lists of the case's municipality or shared with it through a cooperation."""
    from trygg.orgs.models import Cooperation

    cooperations = Cooperation.objects.filter(
        organisations__municipalities=case.municipality, share_watchlists=True
    ).distinct()
    return list(
        Dataset.objects.filter(
            Q(kind=Dataset.Kind.WATCHLIST)
            | Q(kind=Dataset.Kind.OWN_LIST, owner__municipalities=case.municipality)
            | Q(kind=Dataset.Kind.OWN_LIST, shared_with__in=cooperations)
        ).distinct()
    )


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
    return hits


def flagged_ids() -> set[int]:
    """The flagged registry entities are few, so they are read once per screening."""
    return set(EntityFlag.objects.values_list("entity_id", flat=True))


def walk_from(starts) -> network.WalkResult:
    t = thresholds()
    return network.walk(
        starts, graph.neighbours, flagged_ids(), max_hops=t.network_hops, hub_cap=t.hub_cap, degree=graph.degree
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
        facts.board_changes = [
            (r.source.name, r.valid_from)
            for r in Relation.objects.filter(
                target=applicant, role__in=BOARD_ROLES, valid_from__isnull=False
            ).select_related("source")
        ] + [
            (r.source.name, r.valid_to)
            for r in Relation.objects.filter(
                target=applicant, role__in=BOARD_ROLES, valid_to__isnull=False
            ).select_related("source")
        ]
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
        if hit.listed.dataset.kind == Dataset.Kind.OWN_LIST and hit.judgement != "not_same":
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


def screen(case: Case, user=None) -> ScreeningRun:
    """Screen the case now and store the run with its findings and recommendation (audited)."""
    t = thresholds()
    parties = list(case.parties.select_related("entity"))
    datasets = list_datasets(case)
    hits = watchlist_hits(parties, datasets, t)
    resolved = {p.entity_id: resolve(p.entity) for p in parties}
    starts = {r.pk: p for p in parties if (r := resolved[p.entity_id]) is not None}
    walk = walk_from(starts)
    facts = gather_facts(case, resolved, hits, t)
    flags = red_flags(facts, t)

    sanction_hits = [h for h in hits if h.listed.dataset.kind == Dataset.Kind.WATCHLIST and h.judgement != "not_same"]
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
    for flag in EntityFlag.objects.filter(entity__in=list(walk.reached)).select_related("listed__dataset"):
        if flag.entity_id not in strongest_flag or flag.score > strongest_flag[flag.entity_id].score:
            strongest_flag[flag.entity_id] = flag
    for node, path in walk.reached.items():
        if path.hops == 0:
            continue  # the party itself is listed: reported as a hit above, not as a link
        flag = strongest_flag[node]
        label = (
            f"{entities[path.nodes[0]].name} → {entities[node].name} ~ {flag.listed.name} ({flag.listed.dataset.name})"
        )
        link_summaries.append({"label": label, "hops": path.hops, "node": node, "path": path, "flag": flag})
    outcome = recommend(flags, hit_summaries, link_summaries, t)

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
        Finding.objects.bulk_create(findings)
        log.record(
            user or "trygg screen",
            "search",
            case,
            summary=f"screening run {run.pk}: {run.recommendation}",
            purpose=case.reference,
        )
    return run
