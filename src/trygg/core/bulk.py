"""Fast bulk insert for importers: COPY on PostgreSQL, INSERTs of many rows each on SQLite.

``Model.objects.bulk_create`` spends most of its time preparing values field by field; for importers of
tens of thousands of rows that is the whole cost. Here values are adapted once per column type with the
backend's own adapters, so the rows stored are the same as the ORM would store.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a column's values are adapted for the database; None when they go as they are."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and settings.USE_TZ:
            return _sqlite_datetime(ops.adapt_datetimefield_value, connection.timezone)
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return json.dumps
    return None


def _sqlite_datetime(adapt: Callable[[Any], Any], zone: dt.tzinfo) -> Callable[[Any], Any]:
    """What Django's SQLite backend does with an aware datetime (naive in the connection's zone, as text), without
    looking the settings up for every value; anything else goes through the backend itself."""
    utc = zone is dt.UTC

    def adapt_datetime(value: Any) -> Any:
        if type(value) is dt.datetime and value.utcoffset() is not None:
            # str() of the naive datetime; in UTC that of the aware one ends with "+00:00" instead (and is quicker)
            return str(value.astimezone(zone))[:-6] if utc else str(value.astimezone(zone).replace(tzinfo=None))
        return adapt(value)

    return adapt_datetime


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    batch: int = 2000,
    beside: bool = False,
) -> int:
    """Insert rows (tuples in the order of ``fields``, foreign keys as ids); returns the count.

    Columns not named get the field's default (``auto_now`` fields: now), as ``Model.save`` would give them.
    ``beside``: the rows are made (read, parsed, converted) in a thread beside the inserts, which release the GIL
    while the database works — only for rows whose making touches no database.
    """
    opts = model._meta
    model_fields = [opts.get_field(name) for name in fields]
    named = {f.name for f in model_fields}
    rest = [f for f in opts.concrete_fields if not f.primary_key and f.name not in named]
    now = timezone.now()
    rest_values = tuple(
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default() for f in rest
    )
    adapted = _adapted_rows(model_fields, rest, rest_values, rows)  # the adapters are looked up here, not there
    columns = [f.column for f in model_fields + rest]
    if beside:  # the values adapted in the maker's thread too
        made = made_beside(adapted)
        try:
            return _insert_adapted(opts.db_table, columns, made, batch)
        finally:
            made.close()  # an insert that failed stops the maker now, not when its traceback is freed
    return _insert_adapted(opts.db_table, columns, adapted, batch)


def _insert_adapted(table: str, columns: list[str], adapted: Iterator[tuple], batch: int) -> int:
    if connection.vendor == "postgresql":
        return _copy_rows(table, columns, adapted)
    if connection.vendor == "sqlite":
        return _sqlite_rows(table, columns, adapted, batch)
    qn = connection.ops.quote_name
    # Table and column names come from model metadata, quoted by the backend; values are parameters.
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(table)} ({', '.join(map(qn, columns))}) VALUES ({placeholders})"  # noqa: S608
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        while buffer := list(islice(adapted, batch)):
            cursor.executemany(sql, buffer)
            count += len(buffer)
    return count


SQLITE_ROWS_PER_STATEMENT = 500
BESIDE_CHUNK, BESIDE_DEPTH = 500, 8  # rows handed over at a time, chunks made ahead at most


def made_beside(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The rows of ``rows``, made in a thread of their own up to ``BESIDE_DEPTH`` chunks ahead; an error there is
    raised here, and stopping here (an error in the inserts) stops the thread."""
    handover: queue.Queue = queue.Queue(BESIDE_DEPTH)
    stop, done = threading.Event(), object()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            while chunk := list(islice(rows, BESIDE_CHUNK)):
                if not put(chunk):
                    return
            put(done)
        except BaseException as exc:  # handed to the inserting thread, which raises it
            put(exc)

    maker = threading.Thread(target=make, name="insert-rows-maker", daemon=True)
    maker.start()
    try:
        while (item := handover.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        maker.join()


def _sqlite_rows(table: str, columns: list[str], rows: Iterator[tuple], batch: int) -> int:
    """SQLite: many rows in one INSERT statement (one step of SQLite's engine, not one per row), straight on the
    DB-API connection, whose "?" placeholders then need no rewriting; errors become Django's as from a cursor."""
    qn = connection.ops.quote_name
    with transaction.atomic():
        raw = connection.connection
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns)
        per = max(1, min(batch, SQLITE_ROWS_PER_STATEMENT, limit))
        one = "(" + ", ".join(["?"] * len(columns)) + ")"
        # Table and column names come from model metadata, quoted by the backend; values are parameters.
        head = f"INSERT INTO {qn(table)} ({', '.join(map(qn, columns))}) VALUES "  # noqa: S608
        full = head + ", ".join([one] * per)
        count = 0
        while chunk := list(islice(rows, per)):
            sql = full if len(chunk) == per else head + ", ".join([one] * len(chunk))
            with connection.wrap_database_errors:
                raw.execute(sql, list(chain.from_iterable(chunk)))
            count += len(chunk)
    return count


def _adapted_rows(
    fields: list[models.Field], rest: list[models.Field], rest_values: tuple, rows: Iterable[Sequence[Any]]
) -> Iterator[tuple]:
    """The rows as the database takes them: each value adapted for its column (None stays None), the columns not
    named appended with their (adapted) defaults. A row of the wrong length is a ValueError. The adapters are
    looked up now, in the caller's thread (the connection is per thread); the rows may be adapted in another."""
    adapt_rest = [_adapter(f) for f in rest]
    tail = tuple(v if a is None or v is None else a(v) for a, v in zip(adapt_rest, rest_values, strict=True))
    conversions = [(i, a) for i, a in enumerate(_adapter(f) for f in fields) if a is not None]
    return _adapt_each(rows, len(fields), conversions, tail)


def _adapt_each(
    rows: Iterable[Sequence[Any]], width: int, conversions: list[tuple[int, Callable[[Any], Any]]], tail: tuple
) -> Iterator[tuple]:
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} columns")
        if conversions:
            row = list(row)  # the adapted copy
            for i, adapt in conversions:
                if row[i] is not None:
                    row[i] = adapt(row[i])
        yield (*row, *tail)


def _copy_rows(table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL: stream the rows with COPY, many times faster than INSERT for bulk loads."""
    qn = connection.ops.quote_name
    statement = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    count = 0
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        connection.wrap_database_errors,  # a refused row raises Django's error, as an INSERT would
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
