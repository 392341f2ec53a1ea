"""The candidate index in the database: blocking keys per entity, and the search that uses them.

Keys (see :mod:`trygg.screening.matching.keys`) live in ``NameKey`` with an index on the key, and their
frequencies in ``KeyFrequency``. A search takes the query's keys from the rarest up, skips keys shared by
very many entities (common surnames, "bygg"), ranks the entities found by the summed weight of the keys
they share, and returns the best few for the scorer. That keeps a query to a few index lookups however
many names are stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from functools import lru_cache
from types import SimpleNamespace

from django.db import connection, transaction

from trygg.core.bulk import insert_rows
from trygg.screening.bulkload import is_bulk_load, without_indexes
from trygg.screening.matching.keys import entity_keys, key_weight
from trygg.screening.models import Entity, KeyFrequency, NameKey

CHUNK = 20_000
MAX_POSTINGS_PER_KEY = 5000
MAX_POSTINGS_PER_QUERY = 6000
KEYS_PER_ENTITY = 8  # about: how many keys indexing an entity adds, for telling a bulk load (bulkload.py)
_FIELDS = ("id", "dataset_id", "schema", "name", "aliases", "org_number", "personal_number", "birth_date")


def keys_for(entity: Entity) -> set[str]:
    return remembered_keys(entity.names, entity.is_company, [entity.org_number, entity.personal_number],
                           entity.birth_date)  # fmt: skip


@lru_cache(maxsize=1 << 15)
def _name_keys(name: str, company: bool) -> frozenset[str]:
    """The keys of one name, remembered: a registry names the same people again and again ("Anna Andersson")."""
    return frozenset(entity_keys([name], company))


def remembered_keys(names: list[str], company: bool, identifiers: list[str], birth_date: str) -> set[str]:
    """``entity_keys`` of these values, each name's keys remembered: ``entity_keys`` is the union of the keys of
    each name with those of the identifiers and the birth date."""
    keys = entity_keys([], company, identifiers, birth_date)
    for name in names:
        keys |= _name_keys(name, company)
    return keys


def _key_rows(rows: Iterable[tuple]) -> Iterator[tuple[int, str, int, bool]]:
    """NameKey rows (entity, key, dataset, company) of entity rows (``_FIELDS``), the same as :func:`keys_for`
    gives, without making an Entity of each row."""
    for pk, dataset_id, schema, name, aliases, org_number, personal_number, birth_date in rows:
        view = SimpleNamespace(schema=schema, name=name, aliases=aliases or [])  # what the two properties read
        company = Entity.is_company.fget(view)
        for key in remembered_keys(Entity.names.fget(view), company, [org_number, personal_number], birth_date):
            yield pk, key, dataset_id, company


def index_entities(entity_ids: Iterable[int] | None = None, dataset=None) -> int:
    """(Re)build the keys of the given entities (or of a whole dataset); returns the number of keys.

    A bulk load on PostgreSQL (a first import of a large registry: more keys than the index holds) builds the
    table's indexes and checks its foreign keys after the rows are in (:mod:`trygg.screening.bulkload`)."""
    qs = Entity.objects.exclude(schema="Address")
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if entity_ids is not None:
        qs = qs.filter(pk__in=list(entity_ids))
    total = 0
    with transaction.atomic():
        NameKey.objects.filter(entity__in=qs.values("pk")).delete()
        table = NameKey._meta.db_table
        bulk = connection.vendor == "postgresql" and is_bulk_load(table, KEYS_PER_ENTITY * qs.count())
        with without_indexes(table) if bulk else nullcontext():
            last = 0
            while True:  # in chunks: reading and the bulk insert cannot share the connection at the same time
                chunk = list(qs.filter(pk__gt=last).order_by("pk").values_list(*_FIELDS)[:CHUNK])
                if not chunk:
                    break
                last = chunk[-1][0]
                total += insert_rows(NameKey, ("entity", "key", "dataset", "company"), _key_rows(chunk))
    return total


def refresh_frequencies(keys: Iterable[str] | None = None) -> None:
    """Recount how many entities share each key (after imports); only ``keys`` when given (a few entities
    changed: their keys' counts, not the whole table's)."""
    qn = connection.ops.quote_name
    keys_table, freq_table = NameKey._meta.db_table, KeyFrequency._meta.db_table
    key, count = qn("key"), qn("count")
    with transaction.atomic(), connection.cursor() as cursor:
        if keys is None:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL work_mem = '256MB'")  # counting tens of millions of keys: in memory
            cursor.execute(f"DELETE FROM {qn(freq_table)}")  # noqa: S608 - table names from model metadata
            cursor.execute(
                f"INSERT INTO {qn(freq_table)} ({key}, {count}) "  # noqa: S608 - names from model metadata
                f"SELECT {key}, COUNT(*) FROM {qn(keys_table)} GROUP BY {key}"
            )
            return
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {qn(freq_table)} WHERE {key} IN ({marks})", part)  # noqa: S608
            cursor.execute(
                f"INSERT INTO {qn(freq_table)} ({key}, {count}) "  # noqa: S608 - names from model metadata
                f"SELECT {key}, COUNT(*) FROM {qn(keys_table)} WHERE {key} IN ({marks}) GROUP BY {key}",
                part,
            )


def candidates(
    names: Iterable[str],
    company: bool,
    identifiers: Iterable[str] = (),
    dataset_ids: Iterable[int] | None = None,
    limit: int = 30,
    birth_date: str = "",
) -> list[tuple[int, float]]:
    """Entity ids worth scoring against the query, best first, with their blocking weight."""
    keys = entity_keys(list(names), company, [i for i in identifiers if i], birth_date)
    if not keys:
        return []
    frequencies = dict(KeyFrequency.objects.filter(key__in=keys).values_list("key", "count"))
    usable = sorted(
        (k for k in keys if k in frequencies and (k.startswith("id:") or frequencies[k] <= MAX_POSTINGS_PER_KEY)),
        key=lambda k: frequencies[k],
    )
    chosen, budget = [], 0
    for key in usable:
        if budget + frequencies[key] > MAX_POSTINGS_PER_QUERY and chosen:
            break
        chosen.append(key)
        budget += frequencies[key]
    if not chosen:
        return []
    qs = NameKey.objects.filter(key__in=chosen, company=company)  # read from the index alone
    if dataset_ids is not None:
        qs = qs.filter(dataset__in=list(dataset_ids))
    weights = {key: key_weight(key, frequencies[key]) for key in chosen}
    scores: dict[int, float] = defaultdict(float)
    for entity_id, key in qs.values_list("entity_id", "key"):
        scores[entity_id] += weights[key]
    return sorted(scores.items(), key=lambda item: -item[1])[:limit]
