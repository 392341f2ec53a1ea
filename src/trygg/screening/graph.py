"""Reading the ownership and role graph for the network walk, straight from the relations table.

A walk asks for the relations of hundreds to thousands of nodes per step. The queries are written in SQL so that
each step is one round trip: on PostgreSQL the ids travel as one array parameter (``= ANY(%s)``), which keeps
the statement the same whatever the number of ids; on SQLite they go in chunks of placeholders. Only current
relations are read, and shared addresses are not followed (see :mod:`trygg.screening.network`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence

from django.db import connection

from trygg.screening.models import Relation
from trygg.screening.network import Edge
from trygg.screening.ownership import CONTROL_ROLES, OWNER_ROLES, Holding

SQLITE_CHUNK = 400


def _id_clauses(ids: Sequence[int]) -> Iterator[tuple[str, list]]:
    """``(clause, params)`` pairs that restrict a column to ``ids``."""
    if connection.vendor == "postgresql":
        yield "= ANY(%s)", [list(ids)]
        return
    for start in range(0, len(ids), SQLITE_CHUNK):
        chunk = list(ids[start : start + SQLITE_CHUNK])
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def _both_directions(nodes: Sequence[int], wrap: str = "{}") -> Iterator[tuple]:
    """Rows ``(relation id, other end, node, role)`` of the current relations of ``nodes``, each direction read
    through its own covering index and joined by UNION ALL; ``wrap`` is a query around that union."""
    table = connection.ops.quote_name(Relation._meta.db_table)
    current = "role <> 'address' AND (valid_to IS NULL OR valid_to >= %s)"
    today = dt.date.today()
    with connection.cursor() as cursor:
        for clause, ids in _id_clauses(list(nodes)):
            union = (
                f"SELECT id, target_id AS other, source_id AS node, role FROM {table} "  # noqa: S608
                f"WHERE source_id {clause} AND {current} UNION ALL "
                f"SELECT id, source_id, target_id, role FROM {table} WHERE target_id {clause} AND {current}"
            )
            cursor.execute(wrap.format(union), [*ids, today, *ids, today])
            yield from cursor.fetchall()


def neighbours(frontier: Sequence[int], only: set[int] | None = None) -> dict[int, list[Edge]]:
    """Current relations of the frontier nodes in both directions; with ``only``, just those leading into it."""
    edges: dict[int, list[Edge]] = defaultdict(list)
    if frontier:
        for relation, other, node, role in _both_directions(frontier):
            if only is None or other in only:
                edges[node].append((other, relation, role))
    return edges


def degree(nodes: Sequence[int]) -> dict[int, int]:
    """The number of current relations of each node (to tell hubs)."""
    counts: dict[int, int] = defaultdict(int)
    if nodes:
        for node, n in _both_directions(nodes, "SELECT node, COUNT(*) FROM ({}) AS ends GROUP BY node"):
            counts[node] += n
    return counts


def holdings_into(companies: Sequence[int]) -> dict[int, list[Holding]]:
    """The current owners and role holders of each company (incoming relations), with ownership shares."""
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
                f"WHERE target_id {clause} AND role IN ({role_list}) AND (valid_to IS NULL OR valid_to >= %s)",
                [*ids, *roles, dt.date.today()],
            )
            for relation, holder, company, role, share in cursor.fetchall():
                out[company].append(Holding(holder, company, role, share, relation))
    return out
