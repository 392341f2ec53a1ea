"""Reading the ownership and role graph for the network walk, straight from the relations table.

A walk asks for the relations of hundreds to thousands of nodes per step. The queries are written in SQL so that
each step is one round trip: on PostgreSQL the ids travel as one array parameter (``= ANY(%s)``), which keeps
the statement the same whatever the number of ids; on SQLite they go in chunks of placeholders. Shared addresses
are not followed (see :mod:`trygg.screening.network`).

A screening answers as of the case's date: the walk reads every relation in force at some time from ``since``
(twelve months before the application, :data:`LOOKBACK`) up to now — one who left the week after the
application is still there, with the date they left — and ownership is computed as in force on a given day.
Without a date, today's relations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, transaction

from trygg.screening.models import Relation
from trygg.screening.network import Edge
from trygg.screening.ownership import CONTROL_ROLES, OWNER_ROLES, Holding

SQLITE_CHUNK = 400
LOOKBACK = dt.timedelta(days=365)  # relations that ended this long before the case's date are still walked


@contextmanager
def serial_plans() -> Iterator[None]:
    """Run the walk's many small index lookups without parallel workers (PostgreSQL).

    The planner gives a lookup of a few thousand index entries two workers; starting them costs more than the
    lookup (measured at 1.5M entities / 5M relations: 13–20 ms with workers against 6 ms without). ``SET LOCAL``
    holds until the surrounding transaction ends, so nothing else is affected.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def _id_clauses(ids: Sequence[int]) -> Iterator[tuple[str, list]]:
    """``(clause, params)`` pairs that restrict a column to ``ids``."""
    if connection.vendor == "postgresql":
        yield "= ANY(%s)", [list(ids)]
        return
    for start in range(0, len(ids), SQLITE_CHUNK):
        chunk = list(ids[start : start + SQLITE_CHUNK])
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def _both_directions(
    nodes: Sequence[int], wrap: str = "{}", since: dt.date | None = None, ends: bool = False
) -> Iterator[tuple]:
    """Rows ``(relation id, other end, node, role)`` (and ``valid_to`` with ``ends``) of the relations of
    ``nodes`` in force on ``since`` or later (default today), each direction read through its own covering index
    and joined by UNION ALL; ``wrap`` is a query around that union."""
    table = connection.ops.quote_name(Relation._meta.db_table)
    current = "role <> 'address' AND (valid_to IS NULL OR valid_to >= %s)"
    today = since or dt.date.today()
    end = ", valid_to" if ends else ""
    with connection.cursor() as cursor:
        for clause, ids in _id_clauses(list(nodes)):
            union = (
                f"SELECT id, target_id AS other, source_id AS node, role{end} FROM {table} "  # noqa: S608
                f"WHERE source_id {clause} AND {current} UNION ALL "
                f"SELECT id, source_id, target_id, role{end} FROM {table} WHERE target_id {clause} AND {current}"
            )
            cursor.execute(wrap.format(union), [*ids, today, *ids, today])
            yield from cursor.fetchall()


def neighbours(
    frontier: Sequence[int], only: set[int] | None = None, since: dt.date | None = None
) -> dict[int, list[Edge]]:
    """Relations of the frontier nodes in both directions in force on ``since`` or later (default today); with
    ``only``, just those leading into it."""
    edges: dict[int, list[Edge]] = defaultdict(list)
    if frontier:
        for relation, other, node, role in _both_directions(frontier, since=since):
            if only is None or other in only:
                edges[node].append((other, relation, role))
    return edges


def degree(nodes: Sequence[int], since: dt.date | None = None) -> dict[int, int]:
    """The number of relations of each node in force on ``since`` or later (to tell hubs)."""
    counts: dict[int, int] = defaultdict(int)
    if nodes:
        for node, n in _both_directions(nodes, "SELECT node, COUNT(*) FROM ({}) AS ends GROUP BY node", since):
            counts[node] += n
    return counts


_ADJACENCY: dict = {"stamp": None, "edges": {}}


def data_stamp() -> tuple:
    """One round trip saying whether the screening data changed: the day (relations expire), the datasets
    (every import stamps its dataset and rewrites its relations under new ids) and the cross-match flags."""
    from trygg.screening.models import Dataset, EntityFlag

    relations, datasets, flags = (connection.ops.quote_name(m._meta.db_table) for m in (Relation, Dataset, EntityFlag))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {relations}), (SELECT COUNT(*) FROM {datasets}), "  # noqa: S608
            f"(SELECT MAX(imported_at) FROM {datasets}), (SELECT COUNT(*) FROM {flags}), (SELECT MAX(id) FROM {flags})"
        )
        return (dt.date.today(), *cursor.fetchone())


def edges_into(
    frontier: Sequence[int], targets: set[int], stamp: tuple | None = None, since: dt.date | None = None
) -> dict[int, list[Edge]]:
    """The relations (in force on ``since`` or later) of the frontier nodes that lead into ``targets`` (the
    flagged entities): the last step of a walk. The relations of the few flagged entities are read once and
    kept (per process, until :func:`data_stamp` changes) as a map from each of their neighbours to its edges,
    so that the last step — the frontier's thousands of relations — needs no query at all."""
    key = (stamp or data_stamp(), frozenset(targets))
    if _ADJACENCY["stamp"] != key:  # every relation of the flagged, ended or not: one map for every case's date
        adjacency: dict[int, list[tuple]] = defaultdict(list)
        for relation, other, node, role, ended in _both_directions(sorted(key[1]), since=dt.date.min, ends=True):
            if isinstance(ended, str):  # SQLite's cursor gives the date as text
                ended = dt.date.fromisoformat(ended)
            adjacency[other].append((node, relation, role, ended))  # "other" is the flagged entity's neighbour
        _ADJACENCY.update(stamp=key, edges=dict(adjacency))
    edges, day = _ADJACENCY["edges"], since or dt.date.today()
    found = {
        n: [(node, relation, role) for node, relation, role, ended in edges[n] if ended is None or ended >= day]
        for n in frontier
        if n in edges
    }
    return {n: e for n, e in found.items() if e}


def holdings_into(companies: Sequence[int], on: dt.date | None = None) -> dict[int, list[Holding]]:
    """The owners and role holders of each company (incoming relations) in force on the day ``on`` (default
    today), with ownership shares."""
    day = on or dt.date.today()
    table = connection.ops.quote_name(Relation._meta.db_table)
    roles = sorted(OWNER_ROLES | CONTROL_ROLES)
    role_list = ", ".join("%s" for _ in roles)
    out: dict[int, list[Holding]] = defaultdict(list)
    if not companies:
        return out
    with connection.cursor() as cursor:
        for clause, ids in _id_clauses(list(companies)):
            cursor.execute(
                f"SELECT id, source_id, target_id, role, share FROM {table} "  # noqa: S608
                f"WHERE target_id {clause} AND role IN ({role_list}) AND (valid_to IS NULL OR valid_to >= %s) "
                "AND (valid_from IS NULL OR valid_from <= %s)",
                [*ids, *roles, day, day],
            )
            for relation, holder, company, role, share in cursor.fetchall():
                out[company].append(Holding(holder, company, role, share, relation))
    return out
