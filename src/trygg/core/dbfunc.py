"""Reading many rows as numbers: a POSIX-time expression for both databases and a fetch straight into numpy.

Building a ``datetime`` per row and Django's per-row conversion dominate reading some 100 000 incidents for a
scan (0,8 s of 1 s at 1M incidents); the database computes the seconds and the cursor returns plain floats.
"""

from __future__ import annotations

import numpy as np
from django.db import connections
from django.db.models import FloatField, Func, QuerySet


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC of a ``DateTimeField`` (with fractions), as a float."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        return super().as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)", **extra)

    def as_sqlite(self, compiler, connection, **extra):  # stored as UTC text; julianday keeps the fractions
        return super().as_sql(compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
                              **extra)  # fmt: skip


def numeric_rows(qs: QuerySet, *fields: str) -> np.ndarray:
    """The values of ``fields`` (numbers only) of every row of ``qs``, as a (rows, fields) float array."""
    sql, params = qs.values_list(*fields).query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return np.array(rows, dtype=float).reshape(len(rows), len(fields))
