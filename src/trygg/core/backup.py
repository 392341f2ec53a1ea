"""Backups that restore: the database, the uploaded files and a manifest that proves the restore is whole.

``backup(directory)`` writes one folder ``trygg-backup-<time>/`` with

* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while Trygg runs) or ``database.dump``
  (PostgreSQL, ``pg_dump --format=custom``);
* ``media/``, the uploaded photos;
* ``manifest.json``: when, which database, the applied migrations, the number of rows of every table and a
  SHA-256 checksum over the whole audit log — and where the secret key lives (it is not copied: whoever
  restores needs it from where it is kept, ``TRYGG_SECRET_KEY`` or ``var/secret_key``, for sessions and
  password-reset links to stay valid).

``restore(folder)`` puts the database and the files back (SQLite: the backup API again, page by page;
PostgreSQL: ``pg_restore --clean``), then counts the rows and recomputes the audit checksum and compares both
with the manifest; a difference is an error, not a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections


class BackupError(RuntimeError):
    """A backup or restore that could not be done or did not come back whole; the message says why."""


def table_counts(using: str = "default") -> dict[str, int]:
    """Rows per table of every installed model (and many-to-many table)."""
    conn = connections[using]
    tables = sorted(set(conn.introspection.django_table_names(only_existing=True, include_views=False)))
    counts = {}
    with conn.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def audit_checksum(using: str = "default") -> str:
    """SHA-256 over every audit entry in id order (all columns), so that a restored log is the same log."""
    model = apps.get_model("audit", "AuditEvent")
    digest = hashlib.sha256()
    columns = [f.attname for f in model._meta.concrete_fields]
    for row in model.objects.using(using).order_by("id").values_list(*columns).iterator(chunk_size=5000):
        digest.update(json.dumps([_plain(v) for v in row], sort_keys=True, default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def _migrations(using: str = "default") -> dict[str, str]:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        latest: dict[str, str] = {}
        for app, name in cursor.fetchall():
            latest[app] = max(latest.get(app, ""), name)
    return latest


def _secret_key_location() -> str:
    if os.environ.get("TRYGG_SECRET_KEY"):
        return "the environment variable TRYGG_SECRET_KEY"
    return str(Path(settings.VAR_DIR) / "secret_key")


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from Django's settings of ``db``."""
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def backup(directory: str | Path, using: str = "default") -> Path:
    """Write a backup folder into ``directory`` and return it."""
    conn = connections[using]
    conn.ensure_connection()
    target = Path(directory) / f"trygg-backup-{dt.datetime.now():%Y%m%dT%H%M%S}"
    target.mkdir(parents=True, exist_ok=False)
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": conn.vendor,
        "migrations": _migrations(using),
        "tables": table_counts(using),
        "audit_sha256": audit_checksum(using),
        "secret_key": _secret_key_location(),
        "media": "media" if Path(settings.MEDIA_ROOT).exists() else None,
    }
    if conn.vendor == "sqlite":
        with sqlite3.connect(target / "database.sqlite3") as copy:
            conn.connection.backup(copy)
        copy.close()
    elif conn.vendor == "postgresql":
        args, env = _pg_env(conn.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target / "database.dump"), *args], env)
    else:
        raise BackupError(f"backups of {conn.vendor} are not supported (SQLite and PostgreSQL are)")
    if manifest["media"]:
        shutil.copytree(settings.MEDIA_ROOT, target / "media")
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def read_manifest(folder: str | Path) -> dict:
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise BackupError(f"{folder} is not a Trygg backup (no manifest.json)")
    return json.loads(path.read_text(encoding="utf-8"))


def restore(folder: str | Path, using: str = "default") -> dict:
    """Restore the backup in ``folder`` into database ``using`` and MEDIA_ROOT; returns the verified manifest.

    Raises BackupError when the backup does not match this database kind or when the restored rows or audit
    log differ from the manifest.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    conn = connections[using]
    if manifest["vendor"] != conn.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database, this one is {conn.vendor}")
    conn.ensure_connection()
    if conn.vendor == "sqlite":
        with sqlite3.connect(folder / "database.sqlite3") as source:
            source.backup(conn.connection)
        source.close()
    else:
        conn.close()
        args, env = _pg_env(conn.settings_dict)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
              str(folder / "database.dump")], env)  # fmt: skip
    if manifest.get("media"):
        shutil.copytree(folder / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    counts, checksum = table_counts(using), audit_checksum(using)
    differing = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differing:
        shown = ", ".join(f"{t}: {a} in the backup, {b} restored" for t, (a, b) in list(differing.items())[:10])
        raise BackupError(f"the restored database differs from the backup: {shown}")
    if checksum != manifest["audit_sha256"]:
        raise BackupError("the restored audit log differs from the one backed up (checksum)")
    return manifest
