"""`trygg backup` and `trygg restore`: a backup restores into a fresh database with the same rows and audit log."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_incident
from trygg.audit import log
from trygg.core.backup import audit_checksum, table_counts

TRYGG = Path(sys.executable).with_name("trygg")


@pytest.fixture
def fresh_database(tmp_path):
    """A database URL of an empty database of the same kind as the test database (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
        return
    import psycopg

    settings = connection.settings_dict
    name = f"trygg_restore_{uuid.uuid4().hex[:8]}"
    admin = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}", name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count_in(url: str, table: str) -> int:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_a_backup_restores_into_a_fresh_database(transactional_db, demo_orgs, tmp_path, settings, fresh_database):
    url, _ = fresh_database
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "tips").mkdir(parents=True)
    (settings.MEDIA_ROOT / "tips" / "foto.jpg").write_bytes(b"\xff\xd8 a photo")
    for i in range(5):
        make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], description=f"Klotter {i}")
        log.record("test", "view", object_type="x", object_id=i, summary=f"läst {i}")
    call_command("backup", str(tmp_path / "backups"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"] == table_counts() and manifest["audit_sha256"] == audit_checksum()
    assert manifest["tables"]["incidents_incident"] == 5 and "secret_key" in manifest
    media = tmp_path / "restored-media"
    env = {**os.environ, "DATABASE_URL": url, "TRYGG_MEDIA_ROOT": str(media), "TRYGG_VAR_DIR": str(tmp_path / "var")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([str(TRYGG), "restore", str(folder), "--yes"], env=env, capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "verified" in result.stdout
    assert count_in(url, "incidents_incident") == 5
    assert count_in(url, "audit_auditevent") == manifest["tables"]["audit_auditevent"] > 0
    assert (media / "tips" / "foto.jpg").read_bytes() == b"\xff\xd8 a photo"


def test_a_restore_that_does_not_match_the_manifest_fails(transactional_db, demo_orgs, tmp_path, fresh_database):
    url, _ = fresh_database
    call_command("backup", str(tmp_path / "backups"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["audit_sha256"] = "0" * 64  # as if the log had been changed after the backup
    (folder / "manifest.json").write_text(json.dumps(manifest))
    env = {**os.environ, "DATABASE_URL": url, "TRYGG_VAR_DIR": str(tmp_path / "var")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([str(TRYGG), "restore", str(folder), "--yes"], env=env, capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    assert result.returncode != 0 and "audit log differs" in result.stderr
