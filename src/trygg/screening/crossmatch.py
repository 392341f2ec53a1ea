"""Cross-matching the registry against the watch lists and own lists, so that the network walk knows which
registry entities are flagged.

Candidate pairs come from one query over the candidate index (entities of the two sides sharing at least two
rare keys, or one identifier), and each pair is scored with the same scorer as everything else. Run after a
list or registry import (the import commands do).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from trygg.core.bulk import insert_rows
from trygg.screening.matching import compare
from trygg.screening.models import Dataset, Entity, EntityFlag, KeyFrequency, NameKey
from trygg.screening.rules import Thresholds

MAX_KEY_FREQUENCY = 200  # keys shared by more entities than this do not propose pairs
TOP_PER_LISTED = 10  # registry candidates scored per listed entity


def crossmatch(thresholds: Thresholds | None = None, entity_ids: list[int] | None = None) -> int:
    """Recompute every EntityFlag — or only those of the registry entities ``entity_ids`` (a few companies
    fetched or changed: their flags, not everyone's); returns how many registry entities are flagged."""
    t = thresholds or Thresholds()
    registry = list(Dataset.objects.filter(kind=Dataset.Kind.REGISTRY).values_list("pk", flat=True))
    lists = list(
        Dataset.objects.filter(kind__in=[Dataset.Kind.WATCHLIST, Dataset.Kind.OWN_LIST]).values_list("pk", flat=True)
    )
    with transaction.atomic():
        (EntityFlag.objects.all() if entity_ids is None else EntityFlag.objects.filter(entity__in=entity_ids)).delete()
        if not registry or not lists or entity_ids == []:
            return 0
        pairs = _candidate_pairs(registry, lists, entity_ids)
        ids = {i for pair in pairs for i in pair}
        entities = Entity.objects.in_bulk(list(ids))
        flags = []
        for left_id, right_id in pairs:
            left, right = entities[left_id], entities[right_id]
            if left.is_company != right.is_company:
                continue
            result = best_match(left, right)
            if result.score >= t.watchlist_score:
                flags.append((left_id, right_id, result.score, result.features))
        insert_rows(EntityFlag, ("entity", "listed", "score", "features"), flags)
    return len({f[0] for f in flags})


def best_match(left: Entity, right: Entity, birth_dates: bool = True):
    """The best score over all names of the two entities, with identifiers and (unless told not to) birth
    dates."""
    schema = "Company" if left.is_company else "Person"
    id_left = left.org_number or left.personal_number or None
    id_right = right.org_number or right.personal_number or None
    best = None
    for a in left.names:
        for b in right.names:
            result = compare(
                a,
                b,
                schema,
                id1=id_left,
                id2=id_right,
                birth1=(left.birth_date or None) if birth_dates else None,
                birth2=(right.birth_date or None) if birth_dates else None,
            )
            if best is None or result.score > best.score:
                best = result
            if best.score >= 1.0:
                return best
    return best


def _candidate_pairs(registry: list[int], lists: list[int], only: list[int] | None = None) -> list[tuple[int, int]]:
    qn = connection.ops.quote_name
    keys = qn(NameKey._meta.db_table)
    freq = qn(KeyFrequency._meta.db_table)
    key, count = qn("key"), qn("count")
    reg = ",".join(str(int(i)) for i in registry)
    lst = ",".join(str(int(i)) for i in lists)
    # the frequency and the key tested on the list's side (b), so that a plan that starts from the list drops a
    # common key before it reads the registry's postings of it (tens of thousands for "t:anna")
    sql = f"""
        SELECT a.entity_id, b.entity_id, a.{key}
        FROM {keys} a
        JOIN {keys} b ON a.{key} = b.{key} AND a.company = b.company
        JOIN {freq} f ON f.{key} = b.{key}
        WHERE a.dataset_id IN ({reg}) AND b.dataset_id IN ({lst})
          AND (f.{count} <= %s OR b.{key} LIKE 'id:%%')
    """  # noqa: S608 - ids are integers from the database, names from model metadata
    if only is not None:
        sql += f" AND a.entity_id IN ({','.join(str(int(i)) for i in only)})"
    shared: dict[tuple[int, int], int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, [MAX_KEY_FREQUENCY])
        for left, right, k in cursor.fetchall():
            shared[(left, right)] += 2 if k.startswith("id:") else 1
    per_listed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (left, right), n in shared.items():
        if n >= 2:
            per_listed[right].append((n, left))
    return [
        (left, right) for right, items in per_listed.items() for _, left in sorted(items, reverse=True)[:TOP_PER_LISTED]
    ]
