"""The audit log's append-only rule in the database itself, on PostgreSQL and SQLite.

Raw ``UPDATE`` and ``DELETE`` on the audit table are refused by triggers, so that neither a bug nor a person with
the database file can rewrite what happened. One change is let through: when a user is deleted, the foreign key
to them is set to NULL and nothing else changes (the entry keeps ``actor_label``, the username).

On SQLite the delete trigger asks ``trygg_audit_maintenance()``, a function Trygg registers on each of its own
connections; outside Trygg (the ``sqlite3`` shell) the function does not exist and the statement fails. Inside,
it answers 1 only during :func:`maintenance` — used by ``flush`` (the test suite's reset of the database), never
by a request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_state = threading.local()

COLUMNS = ("id", "at", "actor_label", "action", "object_type", "object_id", "summary", "changes", "purpose")

POSTGRESQL = """
CREATE OR REPLACE FUNCTION trygg_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
     AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
    RETURN NEW;  -- the user was deleted; the entry keeps actor_label
  END IF;
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""

_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)
SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit_auditevent
    WHEN NOT (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL AND {_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit_auditevent
    WHEN trygg_audit_maintenance() = 0
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_append_only_update", "DROP TRIGGER IF EXISTS audit_append_only_delete"]


@contextmanager
def maintenance() -> Iterator[None]:
    """Allow emptying the audit table on this thread's SQLite connections (the test suite's flush)."""
    _state.on = True
    try:
        yield
    finally:
        _state.on = False


def _in_maintenance() -> int:
    return 1 if getattr(_state, "on", False) else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give Trygg's SQLite connections ``trygg_audit_maintenance()``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("trygg_audit_maintenance", 0, _in_maintenance)
