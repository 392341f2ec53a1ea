"""Running a screening for a case: watch-list matching, the network walk, red flags, the recommendation.

The result is a ScreeningRun with findings, each naming its evidence and source. Reviewers' earlier
judgements on matches are applied: "not the same" suppresses a hit (kept as information), "same" confirms it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Case as DjangoCase
from django.db.models import Count, Q, QuerySet, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from trygg.audit import log
from trygg.screening import bolagsverket, graph, index, network, ownership, procedure_findings
from trygg.screening.crossmatch import best_match
from trygg.screening.matching.normalise import DISTINGUISHING_WORDS, WEAK_WORDS
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
    LIST_FLAG_WORDS,
    PHOENIX_YEARS,
    Appointment,
    Bankruptcy,
    CaseFacts,
    Declaration,
    ListedOwner,
    PartyFacts,
    RoleChange,
    Thresholds,
    ownership_flags,
    recommend,
    red_flags,
    when_left,
)

BOARD_ROLES = ("board_member", "deputy", "ceo", "signatory")
KIN_WORDS = {"relative": "släkting", "associate": "närstående", "representative": "ombud"}
CHANGE_ROLES = (*BOARD_ROLES, "owner", "beneficial_owner")
ROLE_LABELS = {**dict(Relation.Role.choices), "applicant": gettext_lazy("Applicant")}
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
    """The registry entity a party is: by organisation or personal number, else by name and birth date. A
    registry extract with board and owners is preferred to the open API's answer, which knows status only."""
    registry = Dataset.objects.filter(kind=Dataset.Kind.REGISTRY)
    if entity.org_number:
        extract_first = DjangoCase(When(dataset__name=bolagsverket.DATASET, then=1), default=0)
        return (
            Entity.objects.filter(dataset__in=registry, org_number=entity.org_number)
            .order_by(extract_first, "pk")
            .first()
        )
    if entity.personal_number:
        return Entity.objects.filter(dataset__in=registry, personal_number=entity.personal_number).first()
    foreign = entity.properties.get("registration_number") if entity.properties else None
    if foreign and entity.country:  # a foreign company: by country and its own registration number
        number = " ".join(foreign.upper().split())
        return Entity.objects.filter(dataset__in=registry, key=f"foreign:{entity.country}:{number}").first()
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
    to_check: bool = False  # below a hit, but the same full birth date: "att kontrollera"
    roles: tuple[str, ...] = ()  # every role the application gives the party (one hit, not one per role)

    def party_label(self) -> str:
        """The party's name, with its roles in the application when it has more than one."""
        name = self.party.entity.name
        if len(self.roles) < 2:
            return name
        with translation.override("sv"):
            labels = [str(ROLE_LABELS.get(role, role)) for role in self.roles]
        return f"{name} ({', '.join(labels)})"


def listing(listed: Entity) -> str:
    """Where and as what an entity is listed, as the finding says it: "Karlstads lista: näringsförbud 2026-03-01,
    B 123-26" — the list's name alone for a sanctions list (its programme is in the evidence)."""
    words = LIST_FLAG_WORDS.get(listed.flag, "") if listed.flag != "sanction" else ""
    details = ", ".join(v for v in (listed.properties.get("date", ""), listed.properties.get("reference", "")) if v)
    if not words:
        return listed.dataset.name
    return f"{listed.dataset.name}: {words}" + (f" {details}" if details else "")


def watchlist_hits(parties: list[CaseParty], datasets: list[Dataset], t: Thresholds) -> list[Hit]:
    """The listed entities each party resembles; a person named in several roles is looked up once, and a hit
    names every role (not three identical hits for the managing director who is also owner and board member)."""
    hits = []
    dataset_ids = [d.pk for d in datasets]
    by_person: dict[str, list[CaseParty]] = {}  # each role is an entity of its own: the same by identity
    for party in parties:
        by_person.setdefault(party_key(party.entity), []).append(party)
    for group in by_person.values():
        party, roles = group[0], tuple(p.role for p in group)
        e = party.entity
        found = index.candidates(e.names, e.is_company, [e.org_number, e.personal_number], dataset_ids,
                                 birth_date=e.birth_date)  # fmt: skip
        ids = [i for i, _ in found]
        judgements = dict(
            MatchJudgement.objects.filter(party_key=party_key(e), matched__in=ids).values_list(
                "matched_id", "judgement"
            )
        )
        for listed in Entity.objects.filter(pk__in=ids).select_related("dataset"):
            result = best_match(e, listed)
            if result.score >= t.watchlist_score or listed.pk in judgements:
                hits.append(Hit(party, listed, result.score, result.features, judgements.get(listed.pk), roles=roles))
            elif (
                result.score >= t.watchlist_check
                and result.features.get("birth_date") == "same"
                and len(listed.birth_date) == 10
            ):  # a near miss on the names with the same full birth date: a person looks
                hits.append(Hit(party, listed, result.score, result.features, None, to_check=True, roles=roles))
            elif result.features.get("birth_date") == "different":
                names_only = best_match(e, listed, birth_dates=False)
                if names_only.score >= t.watchlist_score:  # a namesake: excluded by the birth date
                    # the score shown is the one with the birth dates (capped); the names' own likeness is kept
                    features = {**names_only.features, "birth_date": "different", "name_score": names_only.score}
                    hits.append(Hit(party, listed, result.score, features, None, excluded=True, roles=roles))
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
            f"{h.party_label()} har samma namn som {h.listed.name} på {h.listed.dataset.name}, men "
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


def walk_from(starts, datasets: list[Dataset] | None = None, since: dt.date | None = None) -> network.WalkResult:
    """The walk over the relations in force on ``since`` or later (default: today's)."""
    t = thresholds()
    with graph.serial_plans():
        stamp = graph.data_stamp()

        def neighbours(frontier, only=None):  # the last step, into the flagged entities, from the cached map
            if only is None:
                return graph.neighbours(frontier, since=since)
            return graph.edges_into(frontier, only, stamp, since)

        return network.walk(
            starts,
            neighbours,
            flagged_ids(datasets, stamp),
            max_hops=t.network_hops,
            hub_cap=t.hub_cap,
            degree=lambda nodes: graph.degree(nodes, since),
        )


EARLIEST_AS_OF = dt.timedelta(days=5 * 365)  # a screening may look back this far before the application, no further


class AsOfError(ValueError):
    """The day asked for is not one a screening may answer for (the message, in Swedish, says which are)."""


def check_as_of(as_of: dt.date, received_on: dt.date, today: dt.date) -> None:
    """A day a screening may answer for: from five years before the application up to today (a typo such as
    0027-01-10 would otherwise screen a world without relations and find no risk). Raises AsOfError."""
    if not received_on - EARLIEST_AS_OF <= as_of <= today:
        raise AsOfError(
            f"Granskningsdagen {as_of.isoformat()} ligger utanför det tillåtna: från "
            f"{(received_on - EARLIEST_AS_OF).isoformat()} (fem år före ansökan) till i dag, {today.isoformat()}."
        )


def ended_relations(relation_ids, today: dt.date) -> dict[int, dt.date]:
    """The relations among ``relation_ids`` that have ended by ``today``, with the day they ended."""
    return dict(Relation.objects.filter(pk__in=list(relation_ids), valid_to__lt=today).values_list("pk", "valid_to"))


def versions(datasets: list[Dataset]) -> list[dict]:
    """The list releases and registry extracts a run read (with the registries in use), for the record."""
    used = {d.pk: d for d in datasets}
    used.update({d.pk: d for d in Dataset.objects.filter(kind=Dataset.Kind.REGISTRY)})
    with translation.override("sv"):  # stored with the run: in the language of the record
        basis = {pk: str(d.basis) for pk, d in used.items()}
    return [
        {"dataset": d.name, "kind": d.kind, "version": d.version,
         "imported_at": d.imported_at.isoformat(timespec="minutes") if d.imported_at else None,
         "legal_basis": basis[d.pk]}
        for d in sorted(used.values(), key=lambda d: (d.kind, d.name))
    ]  # fmt: skip


def receipt_complaints(org_number: str) -> int:
    """Residents' "no receipt" reports about the venue (from the residents' module when it is installed)."""
    if not org_number or not apps.is_installed("trygg.citizens"):
        return 0
    from trygg.citizens.receipts import complaints_for_org_number

    return complaints_for_org_number(org_number)


GENERIC_COMPANY_WORDS = WEAK_WORDS | DISTINGUISHING_WORDS
LEGAL_FORMS = {"ab", "aktiebolag", "hb", "kb", "handelsbolag", "kommanditbolag", "ek", "för", "ekonomisk", "förening",
               "ltd", "limited", "inc", "llc", "gmbh", "oy", "as", "aps", "i", "och", "&"}  # fmt: skip


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"\w+", name.casefold()) if w not in LEGAL_FORMS}


def similar_names(a: str, b: str) -> bool:
    """Company names alike once the legal form is set aside: half or more of their words shared (Jaccard), or a
    distinctive word of five letters or more in both (Ågårdens Kök / Restaurang Ågården: "ågården"), the Swedish
    genitive -s set aside; generic words (restaurang, bygg, handel …) do not count."""
    one, two = _name_words(a), _name_words(b)
    if not (one and two):
        return False
    if len(one & two) / len(one | two) >= 0.5:
        return True
    stems = [{w[:-1] if w.endswith("s") and len(w) > 5 else w for w in words} for words in (one, two)]
    shared = stems[0] & stems[1]
    return any(len(w) >= 5 and w not in GENERIC_COMPANY_WORDS for w in shared)


def bankruptcies(applicant: Entity, people: dict[int, str], address_id: int | None, as_of: dt.date) -> list[Bankruptcy]:
    """Companies bankrupt or in liquidation within ``PHOENIX_YEARS`` before ``as_of`` that share people or owners
    (``people``: registry id → name) with the applicant, or its address (see :func:`rules.status_flags`)."""
    since = as_of - dt.timedelta(days=round(365.25 * PHOENIX_YEARS))
    held: dict[int, set[str]] = {}
    for person, company in (
        Relation.objects.filter(source__in=list(people), role__in=CHANGE_ROLES).exclude(target=applicant)
        .values_list("source", "target")
    ):  # fmt: skip
        held.setdefault(company, set()).add(people[person])
    at_address: set[int] = set()
    if address_id is not None:
        at_address = set(Relation.objects.filter(target_id=address_id, role="address").exclude(source=applicant)
                         .values_list("source", flat=True)[:5000])  # fmt: skip
    out = []
    candidates = Entity.objects.filter(pk__in=list(held.keys() | at_address),
                                       properties__status__in=["bankrupt", "liquidation"])  # fmt: skip
    for company in candidates:
        day = company.properties.get("status_date", "")
        try:
            when = dt.date.fromisoformat(day)
        except ValueError:
            continue  # no date: cannot say it was recent
        if since <= when <= as_of:
            shared = tuple(sorted(held.get(company.pk, ())))
            out.append(Bankruptcy(company.name, company.properties["status"], when, shared, company.pk in at_address,
                                  similar_names(company.name, applicant.name)))  # fmt: skip
    return sorted(out, key=lambda b: b.date, reverse=True)


def gather_facts(
    case: Case,
    resolved: dict[int, Entity | None],
    hits: list[Hit],
    t: Thresholds,
    as_of: dt.date | None = None,
    parties: list[CaseParty] | None = None,
) -> CaseFacts:
    applicant = resolved.get(case.applicant_id)
    if parties is None:
        parties = procedure_findings.current_parties(case, list(case.parties.select_related("entity")))
    as_of = as_of or case.received_on
    facts = CaseFacts(application_date=as_of)
    if applicant is not None:
        facts.company_registered_on = applicant.registered_on
        facts.applicant_status = {k: applicant.properties[k] for k in ("status", "status_date")
                                  if applicant.properties.get(k)}  # fmt: skip
        fetched = api_status(applicant.org_number) if applicant.org_number else {}
        if fetched.get("status") in ("bankrupt", "liquidation", "deregistered"):
            facts.applicant_status = fetched  # what Bolagsverket said when the officer asked
        address = Relation.objects.filter(source=applicant, role="address").select_related("target").first()
        if address is not None:
            facts.address = address.target.name
            facts.companies_at_address = Relation.objects.filter(target=address.target, role="address").count()
        roles = list(Relation.objects.filter(target=applicant, role__in=CHANGE_ROLES).select_related("source"))
        people = {r.source_id: r.source.name for r in roles
                  if r.valid_to is None or r.valid_to >= as_of - graph.LOOKBACK}  # fmt: skip
        people |= {e.pk: e.name for e in resolved.values() if e is not None and e.pk != applicant.pk}
        facts.bankruptcies = bankruptcies(applicant, people, address.target_id if address else None, as_of)
        founded = applicant.registered_on
        for r in roles:
            # the first board, managing director and owners of a new company are its founding, not a change
            founding = founded is not None and r.valid_from is not None and 0 <= (r.valid_from - founded).days <= 31
            if r.valid_from is not None and not founding:
                facts.changes.append(RoleChange(r.source.name, r.role, "joined", r.valid_from))
            if r.valid_to is not None:
                facts.changes.append(RoleChange(r.source.name, r.role, "left", r.valid_to))
        facts.appointments = appointments(applicant, roles, as_of)
        in_application = [p for p in parties if not p.declared_in]
        facts.declarations = declarations(in_application, resolved, roles, as_of)
    facts.today = timezone.localdate()
    facts.receipt_complaints = receipt_complaints(case.applicant.org_number)
    for party in parties:
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
        own = hit.listed.dataset.kind == Dataset.Kind.OWN_LIST
        if own and hit.judgement != "not_same" and not hit.excluded and not hit.to_check:
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


def api_status(org_number: str) -> dict:
    """The status Bolagsverket's open API gave for ``org_number`` when an officer fetched it, with the day and
    the source; empty when it was never fetched."""
    entity = Entity.objects.filter(dataset__name=bolagsverket.DATASET, org_number=org_number).first()
    if entity is None or not entity.properties.get("status"):
        return {}
    out = {k: entity.properties[k] for k in ("status", "status_date") if entity.properties.get(k)}
    out["source"] = f"Bolagsverket (hämtat {entity.properties.get('fetched_on', '')})"
    return out


DECLARED_SEATS = {"ceo": "ceo", "board_member": "board_member", "owner": "owner", "beneficial_owner": "owner"}
DECLARED_OWNER_SHARE = 25.0  # a direct owner of this share or more is expected among the declared parties


def declarations(
    parties: list[CaseParty], resolved: dict[int, Entity | None], roles: list[Relation], day: dt.date
) -> list[Declaration]:
    """Each seat the application declares someone for, against who held it in the registry on ``day``: the
    declared who did not (not for owners: an owner further up the chain is rightly declared), and the registry's
    holders (owners of at least ``DECLARED_OWNER_SHARE`` %, or of an unknown share) who are not declared."""
    declared: dict[str, dict[object, str]] = {}
    for party in parties:
        seat = DECLARED_SEATS.get(party.role)
        if seat is not None:
            registry = resolved.get(party.entity_id)
            key = registry.pk if registry is not None else party.entity.name
            declared.setdefault(seat, {})[key] = party.entity.name
    held: dict[str, dict[object, str]] = {seat: {} for seat in declared}
    for r in roles:
        seat = DECLARED_SEATS.get(r.role)
        if seat not in held or (r.valid_from is not None and r.valid_from > day):
            continue
        if r.valid_to is not None and r.valid_to < day:
            continue
        if seat == "owner" and r.share is not None and r.share < DECLARED_OWNER_SHARE:
            continue
        held[seat][r.source_id] = r.source.name
    out = []
    for seat, names in declared.items():
        declared_only = () if seat == "owner" else tuple(sorted(n for k, n in names.items() if k not in held[seat]))
        registry_only = tuple(sorted(n for k, n in held[seat].items() if k not in names))
        if declared_only or registry_only:
            out.append(Declaration(seat, declared_only, registry_only))
    return out


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
    applicant: Entity | None, datasets: list[Dataset] | None = None, days: Sequence[dt.date] = ()
) -> tuple[list[ListedOwner], set[int]]:
    """Listed parties (on the lists ``datasets``) that own or control the applicant at any depth on any of
    ``days`` (the case's date first, then today; default today), and their registry ids. Each says on which of
    the days it held its interest; the first day's chains are shown where it held one then."""
    if applicant is None:
        return [], set()
    days = list(dict.fromkeys(days or [dt.date.today()]))
    held: dict[int, list[dt.date]] = {}
    interests = {}
    with graph.serial_plans():
        for day in days:
            analysed = ownership.analyse(applicant.pk, lambda companies, day=day: graph.holdings_into(companies, day))
            for k, interest in analysed.items():
                if interest.owns_or_controls:
                    interests.setdefault(k, interest)
                    held.setdefault(k, []).append(day)
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
        steps = [s.relation for s in [*chain, *(interest.control or [])]]
        ended = ended_relations(steps, days[-1]) if len(days) > 1 else {}
        out.append(
            ListedOwner(
                held_on=held[entity_id],
                days=days,
                ended_on=min(ended.values()) if ended else None,
                name=names.get(entity_id, str(entity_id)),
                listed_as=flag.listed.name,
                list_name=flag.listed.dataset.name,
                listing=listing(flag.listed),
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


def screen(case: Case, user=None, as_of: dt.date | None = None) -> ScreeningRun:
    """Screen the case as of its date (``as_of``, default the day the application was received) and store the run
    with its findings, recommendation and the versions of the data it read (audited).

    Relations that ended up to :data:`graph.LOOKBACK` before that date, or after it, are walked and named with the
    day they ended; ownership is computed as on that date and as today."""
    t = thresholds()
    as_of = as_of or case.received_on
    today = timezone.localdate()
    check_as_of(as_of, case.received_on, today)
    day_word = "ansökan" if as_of == case.received_on else f"granskningsdagen ({as_of.isoformat()})"
    with graph.serial_plans():  # the reading: many small lookups, one transaction
        parties = procedure_findings.current_parties(case, list(case.parties.select_related("entity")))
        datasets = list_datasets(case)
        hits = watchlist_hits(parties, datasets, t)
        resolved = {p.entity_id: resolve(p.entity) for p in parties}
        starts = {r.pk: p for p in parties if (r := resolved[p.entity_id]) is not None}
        walk = walk_from(starts, datasets, since=min(as_of - graph.LOOKBACK, today))
        # the red flags are about the application and its date
        facts = gather_facts(case, resolved, hits, t, parties=parties)
        facts.listed_owners, owner_ids = listed_owners(resolved.get(case.applicant_id), datasets, [as_of, today])
        facts.listed_owners = [replace(o, on_application=as_of == case.received_on) for o in facts.listed_owners]
    flags = red_flags(facts, t)
    owner_flags = ownership_flags(facts, t)
    extras = procedure_findings.declaration_findings(case, parties, resolved, as_of, facts.own_list_entries)
    extras += procedure_findings.authority_findings(case)

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
            "to_check": h.to_check,
        }
        for h in sanction_hits
    ]
    entities = Entity.objects.in_bulk({n for p in walk.reached.values() for n in p.nodes} | set(walk.hubs))
    link_summaries = []
    strongest_flag = {}  # the best list match of each flagged node reached
    for flag in case_flags(datasets).filter(entity__in=list(walk.reached)).select_related("listed__dataset"):
        if flag.entity_id not in strongest_flag or flag.score > strongest_flag[flag.entity_id].score:
            strongest_flag[flag.entity_id] = flag
    on_paths = {r for p in walk.reached.values() for r in p.relations}
    ended = ended_relations(on_paths, today)
    kin = dict(Relation.objects.filter(pk__in=list(on_paths), role__in=KIN_WORDS).values_list("pk", "detail"))
    for node, path in walk.reached.items():
        if path.hops == 0:
            continue  # the party itself is listed: reported as a hit above, not as a link
        if node in owner_ids:
            continue  # it owns or controls the applicant: reported with its shares below, not as a bare link
        flag = strongest_flag[node]
        label = f"{entities[path.nodes[0]].name} → {entities[node].name} ~ {flag.listed.name} ({listing(flag.listed)})"
        code = "network_link"
        for relation, role in zip(path.relations, path.roles, strict=True):
            if role in KIN_WORDS:  # a relative or an associate of a listed person
                code = f"listed_{role}"
                label += f" ({KIN_WORDS[role]}{': ' + kin[relation] if kin.get(relation) else ''})"
        gone = [ended[r] for r in path.relations if r in ended]
        if gone:  # a listed party who left (or a link that ended): a finding of its own, with the day
            label += f" — {when_left(max(gone), as_of, day_word)}"
            code = "listed_left"
        link_summaries.append({"label": label, "hops": path.hops, "node": node, "path": path, "flag": flag,
                               "code": code, "ended_on": max(gone) if gone else None})  # fmt: skip
    outcome = recommend(flags + owner_flags + [e.flag for e in extras], hit_summaries, link_summaries, t)

    with transaction.atomic():
        run = ScreeningRun.objects.create(
            case=case,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            config=t.as_dict(),
            as_of=as_of,
            versions=versions(datasets),
            recommendation=outcome.recommendation,
            reasons=outcome.reasons,
        )
        findings = []
        for h in hits:
            if h.excluded:
                findings.append(excluded_finding(run, h))
                continue
            suppressed = h.judgement == "not_same"
            code = "own_list" if h.listed.dataset.kind == Dataset.Kind.OWN_LIST else "watchlist"
            findings.append(
                Finding(
                    run=run,
                    party=h.party,
                    kind=Finding.Kind.WATCHLIST,
                    code=f"{code}_check" if h.to_check else code,
                    severity="info"
                    if suppressed
                    else ("high" if h.judgement == "same" or h.score >= t.watchlist_strong else "medium"),
                    score=h.score,
                    matched=h.listed,
                    summary=(
                        (
                            f"{h.party_label()} har samma person- eller organisationsnummer som {h.listed.name} på "
                            f"{h.listed.dataset.name}"
                            if h.features.get("identifier") == "same"
                            else f"{h.party_label()} liknar {h.listed.name} på {h.listed.dataset.name}"
                        )
                        + (" — bedömd som inte samma av granskare" if suppressed else "")
                        + (" — bekräftad av granskare" if h.judgement == "same" else "")
                        + (" — att kontrollera: samma födelsedatum, namnen skiljer sig" if h.to_check else "")
                    ),
                    evidence={
                        "features": h.features,
                        "listed_names": h.listed.names,
                        "flag": h.listed.flag,
                        "birth_date": h.listed.birth_date,
                        "program": h.listed.properties.get("program", ""),
                        "sanctions": h.listed.properties.get("sanctions", []),
                        "judgement": h.judgement,
                        "party_key": party_key(h.party.entity),
                        "roles": list(h.roles),
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
                    code=link["code"],
                    severity="high" if path.hops <= 1 else "medium",
                    score=link["flag"].score,
                    matched=link["flag"].listed,
                    summary=f"{link['label']}: {path.hops} steg i ägar- och rollnätverket",
                    evidence={
                        "path": [{"entity": entities[n].name, "schema": entities[n].schema} for n in path.nodes],
                        "roles": path.roles,
                        "relations": path.relations,
                        "ended": {str(r): ended[r].isoformat() for r in path.relations if r in ended},
                        "as_of": as_of.isoformat(),
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
                    source="Registerutdrag, samverkans listor och Trygg",
                )
            )
        for extra in extras:  # the applicant's answers against the registry; the authorities' answers
            findings.append(
                Finding(
                    run=run,
                    party=extra.party or applicant,
                    kind=extra.kind,
                    code=extra.flag.code,
                    severity=extra.flag.severity,
                    summary=extra.flag.summary,
                    evidence=extra.flag.evidence,
                    source=extra.source,
                )
            )
        for finding in findings:  # the whole text stays in the evidence; the summary column holds 500
            limit = Finding._meta.get_field("summary").max_length
            if len(finding.summary) > limit:
                finding.evidence = {**finding.evidence, "text": finding.summary}
            finding.summary = shorten(finding.summary, limit)
        Finding.objects.bulk_create(findings)
        log.record(
            user or "trygg screen",
            "search",
            case,
            summary=f"screening run {run.pk} as of {as_of.isoformat()}: {run.recommendation}",
            purpose=case,
        )
    return run
