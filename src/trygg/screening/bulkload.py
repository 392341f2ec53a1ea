"""Bulk loads on PostgreSQL: a table's secondary indexes and foreign keys dropped while millions of rows go in, and
made again as they were after, in the same transaction.

Inserting row by row into a table with indexes updates every index for every row, and each foreign key queues a
check per row that runs at COMMIT (some 4 µs each: minutes for a national registry's tens of millions of name
keys). Built after the load, an index is one sort; a foreign key added back checks every row in one query. The
drops are DDL inside the import's transaction: a failure rolls them back with the rest, so the import stays all or
nothing. The price: until the transaction ends, the tables dropped from and those their foreign keys point to are
locked (``ACCESS EXCLUSIVE``) — screening waits for the end of the first import of a national registry. Only
loads that add more rows than the table holds are bulk loads (:func:`is_bulk_load`); an import of a few changes
keeps the indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

BULK_MIN_ROWS = 200_000


def is_bulk_load(table: str, rows: int) -> bool:
    """Whether adding ``rows`` to ``table`` is a bulk load: PostgreSQL, at least ``BULK_MIN_ROWS``, and at least as
    many as the table holds (estimated from its statistics, counted when never analysed)."""
    if connection.vendor != "postgresql" or rows < BULK_MIN_ROWS:
        return False
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [qn(table)])
        held = cursor.fetchone()[0]
        if held < 0:  # never analysed
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")  # noqa: S608 - a table name from model metadata
            held = cursor.fetchone()[0]
    return rows >= held


@contextmanager
def without_indexes(table: str) -> Iterator[None]:
    """PostgreSQL, in a transaction: ``table``'s foreign keys and its indexes (other than those of its primary key
    and unique constraints) dropped for the block and made again after it as the catalogue defined them; an error
    inside rolls the drops back with the rest of the transaction."""
    qn = connection.ops.quote_name
    connection.check_constraints()  # the checks deferred so far, now: a table with pending checks cannot be altered
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' ORDER BY conname",
            [qn(table)],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
            "WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            [qn(table)],
        )
        indexes = cursor.fetchall()
        for name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index builds' sorts in memory
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        cursor.execute(f"ANALYZE {qn(table)}")
