"""A SHA-256 digest of every row of every table, so that a restored database can be shown to hold the same data.

Each table's digest covers its name, its column names and then every row, in primary-key order, one canonical
JSON line per row (columns sorted by name). A column that belongs to a model is read through Django's own
converters (datetimes as aware UTC, booleans, decimals, JSON, UUIDs), and text keys are ordered by code point
(``COLLATE "C"`` / ``BINARY``), so the same data gives the same digest in SQLite and in PostgreSQL; a column or
table no model knows is digested as the database returns it (the same engine reproduces it).

The digest is ordered (not a sum of row hashes, which a generalised-birthday search can forge, Wagner 2002).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
from typing import Any

from django.apps import apps
from django.db import connections, models

BATCH = 2000
TEXT_FIELDS = (models.CharField, models.TextField)


def _canonical(value: Any) -> Any:
    """What ``json.dumps`` cannot write itself, written the same way whichever database returned it."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return f"{value // dt.timedelta(microseconds=1)}us"
    if isinstance(value, bytes | bytearray | memoryview):
        return "base64:" + base64.b64encode(bytes(value)).decode()
    return str(value)  # UUID, IP addresses


_ENCODER = json.JSONEncoder(default=_canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _line(values: list) -> bytes:
    return _ENCODER.encode(values).encode("utf-8", "surrogatepass") + b"\n"


def _models_by_table() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.proxy and not model._meta.swapped:
            found.setdefault(model._meta.db_table, model)
    return found


def table_names(using: str = "default") -> list[str]:
    """The tables of the database (not views, not SQLite's own), sorted."""
    conn = connections[using]
    with conn.cursor() as cursor:
        return sorted(t for t in conn.introspection.table_names(cursor) if not t.startswith("sqlite_"))


def table_digest(table: str, using: str = "default", model: type[models.Model] | None = None) -> dict:
    """``{"rows": n, "sha256": hex}`` of ``table`` in database ``using``."""
    conn = connections[using]
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
        columns = sorted(column.name for column in conn.introspection.get_table_description(cursor, table))
        primary = conn.introspection.get_primary_key_columns(cursor, table) or columns
    fields = {field.column: field for field in model._meta.local_concrete_fields} if model else {}
    converters = []  # (column index, expression, functions) of the columns Django converts
    for i, column in enumerate(columns):
        if field := fields.get(column):
            expression = field.get_col(table)
            functions = (*conn.ops.get_db_converters(expression), *expression.get_db_converters(conn))
            if functions:
                converters.append((i, expression, functions))
    binary = '"C"' if conn.vendor == "postgresql" else "BINARY"
    order = ", ".join(
        f"{quote(c)} COLLATE {binary}" if isinstance(fields.get(c), TEXT_FIELDS) else quote(c) for c in primary
    )
    digest = hashlib.sha256(_line([table, columns]))
    rows = 0
    with conn.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} ORDER BY {order}")  # noqa: S608
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                values = list(row)
                for i, expression, functions in converters:
                    for function in functions:
                        values[i] = function(values[i], expression, conn)
                digest.update(_line(values))
            rows += len(batch)
    return {"rows": rows, "sha256": digest.hexdigest()}


def table_digests(using: str = "default") -> dict[str, dict]:
    """Every table's ``{"rows", "sha256"}`` in database ``using``, by table name."""
    by_table = _models_by_table()
    return {table: table_digest(table, using, by_table.get(table)) for table in table_names(using)}


def differences(expected: dict[str, dict], found: dict[str, dict]) -> list[str]:
    """What differs between two results of :func:`table_digests`, one line per table, for people."""
    lines = []
    for table in sorted(expected.keys() | found.keys()):
        want, got = expected.get(table), found.get(table)
        if got is None:
            lines.append(f"{table}: missing")
        elif want is None:
            lines.append(f"{table}: not in the backup")
        elif want["rows"] != got["rows"]:
            lines.append(f"{table}: {got['rows']} rows, the backup had {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            lines.append(f"{table}: content differs ({got['rows']} rows in both)")
    return lines
