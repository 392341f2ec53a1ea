"""The search on a case: companies by name or organisation number, persons by name, birth date or personal
identity number, in the registries and the lists the case may use (never other cases' entries or another
municipality's own list). A weak name match is left out: "no hits" is the honest answer then.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from trygg.core.identity import IdentityError, parse_organisation_number, parse_personal_number
from trygg.screening import engine, index
from trygg.screening.matching import compare
from trygg.screening.models import Case, Dataset, Entity

SEARCH_FLOOR = 0.6  # name scores below this are not shown: "no hits" is the honest answer then
SEARCH_MARGIN = 0.25  # nor those this far below the best name score of the same search
SEARCH_LIMIT = 30
DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


@dataclass
class SearchQuery:
    """A query taken apart: identifiers and birth dates in it, and the rest as a name."""

    name: str = ""
    org_numbers: list[str] = field(default_factory=list)
    personal_numbers: list[str] = field(default_factory=list)  # 12 digits
    birth_dates: list[str] = field(default_factory=list)  # YYYY-MM-DD


def _date(text: str) -> str | None:
    match = DATE.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _identifier(text: str, query: SearchQuery) -> bool:
    """Add ``text`` to the query as an organisation number, a personal number or a date; False if none."""
    compact = re.sub(r"\s", "", text)
    if re.fullmatch(r"\d{6}-?\d{4}|\d{10}", compact):
        try:
            query.org_numbers.append(parse_organisation_number(compact))
            return True
        except IdentityError:
            pass
    if re.fullmatch(r"(?:\d{2})?\d{6}[-+]?\d{4}", compact):
        try:
            number = parse_personal_number(compact)
        except IdentityError:
            pass
        else:
            query.personal_numbers.append(number.digits)
            query.birth_dates.append(number.birth_date)
            return True
    date = _date(compact)
    if date is not None and len(compact) in (8, 10):
        query.birth_dates.append(date)
        return True
    return False


def parse_query(text: str) -> SearchQuery:
    """``"556677-8899"``, ``"5566778899"``, ``"Anna Berg 1981-12-28"``, ``"19811228-9874"``, ``"Krogen AB"``."""
    query = SearchQuery()
    text = " ".join((text or "").replace("\x00", " ").split())[:200]
    if not text or _identifier(text, query):
        return query
    name = [token for token in text.split(" ") if not _identifier(token, query)]
    query.name = " ".join(name)
    return query


@dataclass
class SearchHit:
    score: float
    entity: Entity
    reasons: list[str]
    scored: bool = False  # a name score; otherwise found by an identifier or a birth date alone
    network_url: str = ""  # the case's network opened at this entity, when it is in it


def search_datasets(case: Case) -> list[int]:
    """Registries, and the watch lists and own lists the case may use (never other cases' entries)."""
    registries = Dataset.objects.filter(kind=Dataset.Kind.REGISTRY).values_list("pk", flat=True)
    return sorted({*registries, *(d.pk for d in engine.list_datasets(case))})


def search_entities(case: Case, text: str, schema: str = "") -> list[SearchHit]:
    """Entities matching the query, best first.

    An organisation number finds companies, a personal number or a birth date persons (with a name beside
    it, the persons born that day whose name fits); a name alone is looked up in the candidate index and
    scored. Name scores below ``SEARCH_FLOOR``, or more than ``SEARCH_MARGIN`` below the best name score,
    are left out: a word that merely resembles one word of the query is not a hit. ``schema`` is "company",
    "person" or "" for both.
    """
    query = parse_query(text)
    datasets = search_datasets(case)
    hits: dict[int, SearchHit] = {}

    def add(entity: Entity, score: float, reason: str, scored: bool = False) -> None:
        hit = hits.setdefault(entity.pk, SearchHit(score, entity, [], scored))
        hit.score = max(hit.score, score)
        hit.scored = hit.scored or scored
        if reason not in hit.reasons:
            hit.reasons.append(reason)

    visible = Entity.objects.filter(dataset__in=datasets).select_related("dataset")
    if query.org_numbers:
        for entity in visible.filter(org_number__in=query.org_numbers)[:SEARCH_LIMIT]:
            add(entity, 1.0, _("organisation number"))
    if query.personal_numbers:
        for entity in visible.filter(personal_number__in=query.personal_numbers)[:SEARCH_LIMIT]:
            add(entity, 1.0, _("personal identity number"))
    by_name: list[tuple[Entity, float, str]] = []
    if query.birth_dates:
        born = visible.filter(schema="Person", birth_date__in=query.birth_dates).order_by("name", "pk")
        for entity in born[: SEARCH_LIMIT * 3]:
            if query.name:
                score = max(compare(query.name, n, "Person").score for n in entity.names)
                by_name.append((entity, score, _("birth date and name")))
            elif not (query.personal_numbers and entity.personal_number):
                add(entity, 1.0, _("birth date"))  # a personal number finds those without one by their birth date
    elif query.name:
        for company in {"company": [True], "person": [False]}.get(schema, [True, False]):
            ids = [i for i, _w in index.candidates([query.name], company, dataset_ids=datasets, limit=SEARCH_LIMIT)]
            for entity in visible.filter(pk__in=ids):
                score = max(compare(query.name, n, "Company" if company else "Person").score for n in entity.names)
                by_name.append((entity, score, _("name")))
    cutoff = max(SEARCH_FLOOR, max((score for _e, score, _r in by_name), default=0.0) - SEARCH_MARGIN)
    for entity, score, reason in by_name:
        if score >= cutoff:
            add(entity, score, reason, scored=True)
    return sorted(hits.values(), key=lambda h: (-h.score, h.entity.name.casefold(), h.entity.pk))[:SEARCH_LIMIT]
