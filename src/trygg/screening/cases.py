"""Creating cases from an application, deciding them, extracts for the applicant, and retention."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from trygg.audit import log
from trygg.core.identity import IdentityError, parse_organisation_number, parse_personal_number
from trygg.core.importing import RecordError
from trygg.orgs.models import Municipality
from trygg.screening import bolagsverket
from trygg.screening.crossmatch import crossmatch
from trygg.screening.importers import export_ftm
from trygg.screening.matching.normalise import has_legal_form
from trygg.screening.models import (
    Case,
    CaseParty,
    Dataset,
    Decision,
    Entity,
    Finding,
    MatchJudgement,
    Recommendation,
    Relation,
    Schema,
    ScreeningRun,
)

CASE_INPUT = "Ärendeuppgifter"
SWEDISH_NUMBER = re.compile(r"^\s*(\d{2})?\d{6}[-+]?\d{4}\s*$")  # a personnummer's shape, checked when it has it
PARTY_ROLES = {choice for choice, _ in Relation.Role.choices} - {"address"}


def is_company(name: str, identifier: str, country: str) -> bool:
    """A party line names a company when its number is a Swedish organisation number or its name has a legal
    form (a foreign company's number cannot be checked)."""
    if has_legal_form(name):
        return True
    if country == "SE" and identifier:
        try:
            parse_organisation_number(identifier)
        except IdentityError:
            return False
        return True
    return False


def retention_days() -> int:
    return int(getattr(settings, "TRYGG_SCREENING_RETENTION_DAYS", 3 * 365))


def _case_input() -> Dataset:
    dataset, _ = Dataset.objects.get_or_create(name=CASE_INPUT, defaults={"kind": Dataset.Kind.CASE_INPUT})
    return dataset


def _party_entity(data: dict[str, Any], where: str, company: bool) -> Entity:
    name = str(data.get("name") or "").strip()
    if not name:
        raise RecordError(f"{where}.name: a name is required")
    entity = Entity(
        dataset=_case_input(),
        key=uuid.uuid4().hex,
        name=name[:400],
        schema=Schema.COMPANY if company else Schema.PERSON,
        country=str(data.get("country") or "SE").upper()[:2],
        address=str(data.get("address") or "")[:300],
    )
    if company:
        if data.get("org_number") and entity.country != "SE":  # a foreign company: its registration number as given
            entity.properties = {"registration_number": " ".join(str(data["org_number"]).split())[:60]}
        elif data.get("org_number"):
            try:
                entity.org_number = parse_organisation_number(str(data["org_number"]))
            except IdentityError as exc:
                raise RecordError(f"{where}.org_number: {exc}") from exc
    elif (
        data.get("personal_number")
        and entity.country != "SE"
        and not SWEDISH_NUMBER.match(str(data["personal_number"]))
    ):
        entity.properties = {"id_number": " ".join(str(data["personal_number"]).split())[:60]}
    else:
        if data.get("personal_number"):
            try:
                number = parse_personal_number(str(data["personal_number"]))
            except IdentityError as exc:
                raise RecordError(f"{where}.personal_number: {exc}") from exc
            entity.personal_number, entity.id_kind, entity.birth_date = number.digits, number.kind, number.birth_date
        elif data.get("birth_date"):
            try:
                entity.birth_date = dt.date.fromisoformat(str(data["birth_date"])).isoformat()
            except ValueError as exc:
                raise RecordError(f"{where}.birth_date: not a date (YYYY-MM-DD): {data['birth_date']!r}") from exc
    return entity


def create_case(data: dict[str, Any], user=None, generated: bool = False) -> Case:
    """A case from an application described as a dict (the format of ``trygg screen CASE.json``)::

        {"municipality": "1780", "kind": "serveringstillstand", "reference": "SOC 2026/123",
         "received_on": "2026-03-01", "premises_address": "Storgatan 1, Karlstad",
         "applicant": {"name": "Krogen AB", "org_number": "556677-8899"},
         "persons": [{"name": "Anna Svensson", "personal_number": "19800101-1234", "role": "board_member"},
                     {"name": "Holding AB", "org_number": "…", "role": "owner", "share": 60, "company": true}]}

    Raises RecordError naming the field (``persons[1].personal_number: …``); nothing is stored then.
    """
    if not isinstance(data, dict):
        raise RecordError("the case must be a JSON object")
    municipality = Municipality.objects.filter(code=str(data.get("municipality", ""))).first()
    if municipality is None:
        raise RecordError(f"municipality: unknown code {data.get('municipality')!r}")
    kind = data.get("kind", "")
    if kind not in Case.Kind.values:
        raise RecordError(f"kind: must be one of {', '.join(Case.Kind.values)}")
    reference = str(data.get("reference") or "").strip()
    if not reference:
        raise RecordError("reference: a reference number is required")
    try:
        received = dt.date.fromisoformat(str(data.get("received_on") or timezone.localdate().isoformat()))
    except ValueError as exc:
        raise RecordError(f"received_on: not a date (YYYY-MM-DD): {data.get('received_on')!r}") from exc
    applicant_data = data.get("applicant")
    if not isinstance(applicant_data, dict):
        raise RecordError("applicant: an object with name and org_number is required")
    persons = data.get("persons") or []
    if not isinstance(persons, list):
        raise RecordError("persons: must be a list")
    with transaction.atomic():
        applicant = _party_entity(applicant_data, "applicant", company=True)
        applicant.save()
        case = Case.objects.create(
            municipality=municipality,
            kind=kind,
            reference=reference[:60],
            premises_address=str(data.get("premises_address") or "")[:300],
            received_on=received,
            applicant=applicant,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            retention_until=received + dt.timedelta(days=retention_days()),
            is_generated=generated,
        )
        CaseParty.objects.create(case=case, entity=applicant, role="applicant")
        for i, person in enumerate(persons):
            where = f"persons[{i}]"
            if not isinstance(person, dict):
                raise RecordError(f"{where}: must be an object")
            role = person.get("role", "")
            if role not in PARTY_ROLES:
                raise RecordError(f"{where}.role: must be one of {', '.join(sorted(PARTY_ROLES))}")
            share = person.get("share")
            if share is not None and not (isinstance(share, int | float) and 0 <= share <= 100):
                raise RecordError(f"{where}.share: a number from 0 to 100")
            entity = _party_entity(person, where, company=bool(person.get("company")))
            entity.save()
            CaseParty.objects.create(case=case, entity=entity, role=role, share=share)
        log.record(user or "trygg screen", "create", case, summary=f"case {reference}", purpose=case)
    return case


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _changed_meanwhile(message: str, officer, moment, **what: str) -> RecordError:
    """The refusal of a save on what another officer changed since the page was read: who, what, when."""
    return RecordError(
        message % {"officer": officer or gettext("another officer"), "when": _when(moment) if moment else "–", **what}
    )


def decide(
    case: Case, run: ScreeningRun, decided: str, justification: str, officer, *, seen_decision: int | None = None
) -> Decision:
    """The officer's assessment; overriding the recommendation needs a written justification.

    The assessment is of ``run``: it is refused when a newer screening exists, or — given ``seen_decision``, the
    newest decision the officer saw (0 for none) — when another officer recorded one meanwhile."""
    if decided not in Recommendation.values:
        raise RecordError(gettext("Choose an assessment: %(choices)s.") % {"choices": ", ".join(
            str(label) for label in Recommendation.labels)})  # fmt: skip
    if run.case_id != case.pk:
        raise RecordError(gettext("The screening belongs to another case."))
    if decided != run.recommendation and len(justification.strip()) < 20:
        raise RecordError(
            gettext(
                "An assessment other than the recommended one needs a written justification (20 characters or more)."
            )
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        newest_run = case.runs.first()
        if newest_run is not None and newest_run.pk != run.pk:
            raise RecordError(
                gettext(
                    "The case was screened again at %(when)s while you were reading (%(level)s). Read the new "
                    "findings before you decide; nothing was recorded."
                )
                % {"when": _when(newest_run.created_at), "level": newest_run.get_recommendation_display()}
            )
        newest = case.decisions.select_related("officer").order_by("-decided_at", "-id").first()
        if seen_decision is not None and (newest.pk if newest else 0) != seen_decision:
            raise _changed_meanwhile(
                gettext(
                    "%(officer)s recorded the assessment “%(level)s” at %(when)s while you were reading; yours was "
                    "not recorded. Read it, and record yours again if it should stand."
                ),
                newest and newest.officer,
                newest and newest.decided_at,
                level=newest.get_decided_display() if newest else "–",
            )
        decision = Decision.objects.create(
            case=case,
            run=run,
            recommended=run.recommendation,
            decided=decided,
            justification=justification.strip(),
            officer=officer,
        )
        case.status = Case.Status.DECIDED
        case.retention_until = timezone.localdate() + dt.timedelta(days=retention_days())
        case.save(update_fields=["status", "retention_until"])
        log.record(
            officer,
            "decide",
            case,
            purpose=case,
            changes={
                "recommended": run.recommendation,
                "decided": decided,
                "overridden": decided != run.recommendation,
            },
        )
    return decision


def current_judgements(findings: list[Finding]) -> dict[int, str]:
    """The judgement stored now on each watch-list finding's match, by finding id ("" when none): what the
    officer sees and is asked to change. One query for the whole list."""
    from trygg.screening.engine import party_key

    keyed = {f.pk: (party_key(f.party.entity), f.matched_id) for f in findings if f.matched_id is not None}
    stored = dict.fromkeys(keyed.values(), "")
    rows = MatchJudgement.objects.filter(
        party_key__in={key for key, _ in keyed.values()}, matched_id__in={m for _, m in keyed.values()}
    ).values_list("party_key", "matched_id", "judgement")
    for key, matched, judgement in rows:
        if (key, matched) in stored:
            stored[(key, matched)] = judgement
    return {pk: stored[pair] for pk, pair in keyed.items()}


def judge(finding: Finding, judgement: str, note: str, officer, *, seen: str | None = None) -> MatchJudgement:
    """Record whether a party and a listed entity are the same. Given ``seen`` — the judgement the officer saw
    ("" for none) — a judgement changed by another officer meanwhile is not overwritten."""
    if judgement not in MatchJudgement.Judgement.values:
        raise RecordError(f"judgement must be one of {', '.join(MatchJudgement.Judgement.values)}")
    if finding.matched_id is None or finding.kind != Finding.Kind.WATCHLIST:
        raise RecordError("only watch-list hits are judged")
    from trygg.screening.engine import party_key

    key = party_key(finding.party.entity)
    with transaction.atomic():
        stored = (
            MatchJudgement.objects.select_for_update(of=("self",))
            .select_related("judged_by")
            .filter(party_key=key, matched_id=finding.matched_id)
            .first()
        )
        if seen is not None and (stored.judgement if stored else "") != seen:
            raise _changed_meanwhile(
                gettext(
                    "%(officer)s judged this match “%(judgement)s” at %(when)s while you were reading; your "
                    "judgement was not saved. Read theirs, and save yours again if it should stand."
                ),
                stored and stored.judged_by,
                stored and stored.judged_at,
                judgement=stored.get_judgement_display() if stored else "–",
            )
        item, _ = MatchJudgement.objects.update_or_create(
            party_key=key,
            matched_id=finding.matched_id,
            defaults={
                "judgement": judgement,
                "note": note[:500],
                "judged_by": officer,
                "retention_until": timezone.localdate() + dt.timedelta(days=retention_days()),
            },
        )
        log.record(officer, "decide", item, summary=f"match judged {judgement}", purpose=finding.run.case)
    return item


def extract(case: Case, party: CaseParty) -> dict:
    """What was used about a party in the case — for the applicant's right of access (GDPR art. 15)."""
    from trygg.screening.engine import resolve

    registry = resolve(party.entity)
    relations = []
    if registry is not None:
        relations = list(Relation.objects.filter(source=registry).select_related("source", "target")) + list(
            Relation.objects.filter(target=registry).select_related("source", "target")
        )
    findings = Finding.objects.filter(run__case=case).filter(party=party).select_related("matched__dataset")
    return {
        "case": {
            "reference": case.reference,
            "kind": case.get_kind_display(),
            "municipality": case.municipality.name,
            "received_on": case.received_on.isoformat(),
        },
        "party": {"name": party.entity.name, "role": party.role},
        "data_entered_in_case": list(export_ftm([party.entity])),
        "registry_data": list(export_ftm([registry] if registry else [], relations)),
        "relations": [
            {
                "role": r.get_role_display(),
                "person_or_company": r.source.name,
                "company": r.target.name,
                "share": r.share,
                "valid_from": r.valid_from.isoformat() if r.valid_from else None,
                "valid_to": r.valid_to.isoformat() if r.valid_to else None,
            }
            for r in relations
        ],
        "findings": [
            {
                "kind": f.kind,
                "code": f.code,
                "summary": f.summary,
                "source": f.source,
                "date": f.run.created_at.date().isoformat(),
            }
            for f in findings
        ],
        "decisions": [
            {"assessment": d.get_decided_display(), "date": d.decided_at.date().isoformat()}
            for d in case.decisions.all()
        ],
        "retention_until": case.retention_until.isoformat(),
    }


def delete_expired(today: dt.date | None = None, actor: str = "trygg screening_retention") -> dict[str, int]:
    """Delete cases (with their parties' data, runs, findings, decisions) and judgements past retention."""
    today = today or timezone.localdate()
    expired = list(Case.objects.filter(retention_until__lt=today))
    counts = {"cases": 0, "entities": 0, "judgements": 0}
    for case in expired:
        with transaction.atomic():
            entity_ids = list(case.parties.values_list("entity_id", flat=True))
            reference, pk = case.reference, case.pk
            case.licence_decisions.all().delete()  # they and the hearings hold on to runs
            case.hearings.all().delete()
            case.decisions.all().delete()
            case.runs.all().delete()
            case.parties.all().delete()
            case.delete()
            counts["entities"] += Entity.objects.filter(
                pk__in=entity_ids, dataset__kind=Dataset.Kind.CASE_INPUT
            ).delete()[0]
            counts["cases"] += 1
            log.record(
                actor,
                "delete",
                object_type="screening.case",
                object_id=pk,
                summary="deleted after the retention period",
                purpose=reference,
            )
    judgements = MatchJudgement.objects.filter(retention_until__lt=today)
    counts["judgements"] = judgements.count()
    if counts["judgements"]:
        judgements.delete()
        log.record(
            actor,
            "delete",
            object_type="screening.matchjudgement",
            summary=f"{counts['judgements']} judgements deleted after the retention period",
        )
    return counts


@dataclass
class RegistryFetch:
    """What a fetch from Bolagsverket for a case gave: the companies stored, those it does not know, failures."""

    fetched: list[str]
    not_found: list[str]
    failed: list[str]


def fetch_registry(case: Case, user, client: bolagsverket.Client | None = None) -> RegistryFetch:
    """Ask Bolagsverket's open API about the case's Swedish companies (the applicant and company parties), keep
    the answers as a registry extract of the day and re-match those companies against the lists; audited with
    the case as purpose. Raises :class:`bolagsverket.BolagsverketError` when the API is not set up."""
    numbers = sorted({p.entity.org_number for p in case.parties.select_related("entity") if p.entity.org_number})
    client = client or bolagsverket.client_from_settings()
    companies, not_found, failed = [], [], []
    for number in numbers:
        try:
            company = client.company(number)
        except bolagsverket.BolagsverketError as exc:
            failed.append(f"{number}: {exc}")
            continue
        if company is None:
            not_found.append(number)
        else:
            companies.append(company)
    ids = bolagsverket.store(companies, timezone.localdate()) if companies else []
    if ids:
        crossmatch(entity_ids=ids)
    summary = f"Bolagsverket: {len(companies)} hämtade, {len(not_found)} okända, {len(failed)} misslyckades"
    log.record(user, "import", object_type="screening.bolagsverket", object_id=case.pk, summary=summary,
               purpose=case)  # fmt: skip
    return RegistryFetch([c.org_number for c in companies], not_found, failed)
