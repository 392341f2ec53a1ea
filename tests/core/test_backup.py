"""`trygg backup` and `trygg restore`: a backup restores whole into a live installation, or changes nothing.

The backup is made in this process from the test database (SQLite, or PostgreSQL with the machine's pg_dump);
`trygg restore` runs as a real subprocess against a separate "live" installation (a SQLite file, or a database of
its own named after the test database, and a media folder). What the live installation holds is read back with
plain sqlite3/psycopg queries, not with the code under test.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_incident
from trygg.audit import log
from trygg.orgs.models import User

TRYGG = Path(sys.executable).with_name("trygg")
pytestmark = pytest.mark.usefixtures("transactional_db")


def quiet() -> dict:
    return {"stdout": open(os.devnull, "w")}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def pg_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def pg_admin():
    import psycopg

    return psycopg.connect(pg_url("postgres"), autocommit=True)


def pg_tool_args(name: str) -> list[str]:
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432)
    return ["--host", host, "--port", port, "--username", db["USER"], "--dbname", name]


def rows_at(url: str) -> dict[str, list[str]]:
    """Every row of every table at ``url`` (sorted, as text): what a person would find there."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {
                t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"')))
                for t in tables
                if not t.startswith("sqlite_")
            }
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}


def source_url() -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    return pg_url(connection.settings_dict["NAME"])


@dataclass
class Live:
    """A Trygg installation to restore into, as `trygg serve` would run it."""

    url: str
    name: str  # the PostgreSQL database (or the SQLite file's path)
    media: Path
    var: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": self.url, "TRYGG_MEDIA_ROOT": str(self.media)}
        env |= {"TRYGG_VAR_DIR": str(self.var), **extra}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return env

    def restore(self, folder: Path, *options: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(TRYGG), "restore", str(folder), "--yes", *options],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def rows(self) -> dict[str, list[str]]:
        return rows_at(self.url)

    def load(self, folder: Path) -> None:
        """Make the live installation hold an unencrypted backup's data, with the database's own tools."""
        shutil.copytree(folder / "media", self.media)
        if self.url.startswith("sqlite"):
            shutil.copy(folder / "database.sqlite3", self.name)
            return
        subprocess.run(["pg_restore", "--no-owner", *pg_tool_args(self.name),
                        str(folder / "database.dump")], check=True, capture_output=True)  # fmt: skip

    def databases(self) -> list[str]:
        with pg_admin() as admin:
            found = admin.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [self.name])
            return sorted(r[0] for r in found)

    def leftovers(self) -> list[str]:
        """Staged copies a refused restore must not leave behind."""
        found = [p.name for p in self.media.parent.glob(".*restore-*")]
        if self.url.startswith("postgresql"):
            found += [n for n in self.databases() if "_restore_" in n]
        return found


@pytest.fixture
def live(tmp_path):
    """An empty live installation (dropped afterwards, with every database named after it)."""
    home = tmp_path / "live"
    home.mkdir()
    if connection.vendor == "sqlite":
        path = home / "trygg.sqlite3"
        yield Live(f"sqlite:///{path}", str(path), home / "media", home / "var")
        return
    name = f"{connection.settings_dict['NAME'].removeprefix('test_')[:30]}_r{uuid.uuid4().hex[:8]}"
    with pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    target = Live(pg_url(name), name, home / "media", home / "var")
    yield target
    with pg_admin() as admin:
        for other in target.databases():
            admin.execute(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)')


@pytest.fixture
def signing_key(monkeypatch) -> str:
    key = secrets.token_urlsafe(40)
    monkeypatch.setenv("TRYGG_BACKUP_KEY", key)
    return key


@pytest.fixture
def data(demo_orgs, tmp_path, settings):
    """Incidents, audit entries and a photo: what a backup must bring back."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "tips").mkdir(parents=True)
    (settings.MEDIA_ROOT / "tips" / "foto.jpg").write_bytes(b"\xff\xd8 a photo")
    marker = f"Klotter vid {uuid.uuid4().hex}"
    for i in range(5):
        make_incident(org=demo_orgs["orgs"]["centrum-karlstad"], description=f"{marker} {i}")
        log.record("test", "view", object_type="x", object_id=i, summary=f"läst {i}")
    return {"marker": marker, "user": User.objects.filter(is_superuser=False).order_by("pk").first()}


def trygg(*args: str, **extra: str) -> subprocess.CompletedProcess:
    """`trygg ARGS` on the test database, as cron would run it."""
    from django.conf import settings

    env = {**os.environ, "DATABASE_URL": source_url(), "TRYGG_MEDIA_ROOT": str(settings.MEDIA_ROOT), **extra}
    env["TRYGG_BACKUP_RECIPIENTS"] = ",".join(getattr(settings, "TRYGG_BACKUP_RECIPIENTS", []))
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run([str(TRYGG), *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def make_backup(directory: Path) -> Path:
    done = trygg("backup", str(directory))
    assert done.returncode == 0, done.stderr
    (folder,) = [p for p in directory.iterdir() if p.name.startswith("trygg-backup-")]
    return folder


def restored_as_backed_up(backed_up: dict, restored: dict) -> bool:
    """The live data is the backup's: every table equal, but for the restore's own audit entry."""
    restored = dict(restored)
    restored["audit_auditevent"] = [r for r in restored["audit_auditevent"] if "'trygg restore'" not in r]
    return restored == backed_up


def make_superuser_in_dump(folder: Path, live: Live, username: str) -> None:
    """Change the backup's database with SQL: the user becomes a superuser."""
    statement = f"UPDATE orgs_user SET is_superuser = true WHERE username = '{username}'"
    change_dump(folder, live, statement)


def change_dump(folder: Path, live: Live, statement: str) -> None:
    """Run ``statement`` (changing one row) on the backup's database, as someone with the backup files could."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(folder / "database.sqlite3") as conn:
            triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
            for name, _ in triggers:  # the append-only triggers are no obstacle to whoever holds the file
                conn.execute(f'DROP TRIGGER "{name}"')
            assert conn.execute(statement).rowcount == 1
            for _, sql in triggers:
                conn.execute(sql)
        return
    scratch = f"{live.name}_x"  # dropped with the live installation
    with pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    subprocess.run(["pg_restore", "--no-owner", *pg_tool_args(scratch), str(folder / "database.dump")],
                   check=True, capture_output=True)  # fmt: skip
    script = f"ALTER TABLE audit_auditevent DISABLE TRIGGER USER; {statement}; "
    script += "ALTER TABLE audit_auditevent ENABLE TRIGGER USER;"
    done = subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-c", script, *pg_tool_args(scratch)],
                          check=True, capture_output=True, text=True)  # fmt: skip
    assert "UPDATE 1" in done.stdout
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "database.dump"),
                    *pg_tool_args(scratch)], check=True, capture_output=True)  # fmt: skip


def test_a_signed_backup_restores_exactly_what_was_backed_up(data, live, tmp_path, signing_key):
    folder = make_backup(tmp_path / "backups")
    backed_up = rows_at(source_url())
    assert (folder / "manifest.hmac").exists()

    result = live.restore(folder)
    assert result.returncode == 0, result.stderr
    assert "signature, every file's and every table's digest verified" in result.stdout
    assert restored_as_backed_up(backed_up, live.rows())
    assert any(data["marker"] in row for row in live.rows()["incidents_incident"])
    assert (live.media / "tips" / "foto.jpg").read_bytes() == b"\xff\xd8 a photo"
    assert mode(live.media) == 0o700 and mode(live.media / "tips") == 0o700
    assert mode(live.media / "tips" / "foto.jpg") == 0o600
    if connection.vendor == "sqlite":
        assert mode(Path(live.name)) == 0o600
    assert live.leftovers() == []


def test_a_dump_with_a_user_made_superuser_is_refused_and_the_live_data_is_unchanged(data, live, tmp_path, signing_key):
    folder = make_backup(tmp_path / "backups")
    live.load(folder)
    before = live.rows()
    make_superuser_in_dump(folder, live, data["user"].username)

    result = live.restore(folder)
    assert result.returncode != 0
    database = "database.sqlite3" if connection.vendor == "sqlite" else "database.dump"
    assert f"{database}: " in result.stderr or f"{database} differs from the manifest" in result.stderr
    assert "Nothing was restored" in result.stderr
    assert live.rows() == before
    assert live.leftovers() == []


def test_a_tampered_audit_log_is_refused_before_anything_goes_live(data, live, tmp_path, signing_key):
    folder = make_backup(tmp_path / "backups")
    live.load(folder)
    before = live.rows()
    change_dump(folder, live, "UPDATE audit_auditevent SET summary = 'nothing to see' WHERE summary = 'läst 3'")

    result = live.restore(folder)
    assert result.returncode != 0
    assert live.rows() == before  # the tampered log was never live, not even for a moment before a check
    assert "Nothing was restored" in result.stderr
    assert live.leftovers() == []


@pytest.mark.parametrize("damage", ["truncated database", "missing photo", "missing signature"])
def test_a_partial_backup_is_refused_and_says_what_is_missing(data, live, tmp_path, signing_key, damage):
    folder = make_backup(tmp_path / "backups")
    live.load(folder)
    before = live.rows()
    database = folder / ("database.sqlite3" if connection.vendor == "sqlite" else "database.dump")
    if damage == "truncated database":
        os.truncate(database, database.stat().st_size // 2)
        expected = f"{database.name}: {database.stat().st_size} bytes, the manifest lists"
    elif damage == "missing photo":
        (folder / "media" / "tips" / "foto.jpg").unlink()
        expected = "media/tips/foto.jpg: missing"
    else:
        (folder / "manifest.hmac").unlink()
        expected = "manifest.hmac is missing"

    result = live.restore(folder, *(["--unsigned"] if damage == "missing signature" else []))
    assert result.returncode != 0
    assert expected in result.stderr and "Nothing was restored" in result.stderr
    assert live.rows() == before
    assert (live.media / "tips" / "foto.jpg").exists()


def test_a_manifest_edited_without_the_key_is_refused(data, live, tmp_path, signing_key):
    folder = make_backup(tmp_path / "backups")
    live.load(folder)
    before = live.rows()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["created_at"] = "2020-01-01T00:00:00+00:00"  # any change: the signature covers every byte
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))

    result = live.restore(folder)
    assert result.returncode != 0
    assert "manifest.json does not match its signature" in result.stderr
    assert live.rows() == before

    other_key = live.restore(folder, TRYGG_BACKUP_KEY=secrets.token_urlsafe(40))
    assert other_key.returncode != 0 and "signed with another key" in other_key.stderr


def test_a_table_that_comes_back_different_is_named(data, live, tmp_path, monkeypatch):
    """Unsigned, the file digests can be rewritten too: the restored table's digest still differs."""
    monkeypatch.delenv("TRYGG_BACKUP_KEY", raising=False)
    folder = make_backup(tmp_path / "backups")
    assert live.restore(folder, "--unsigned").returncode == 0
    before = live.rows()
    make_superuser_in_dump(folder, live, data["user"].username)
    manifest = json.loads((folder / "manifest.json").read_text())
    dump = folder / manifest["database"]
    manifest["files"][manifest["database"]] = {
        "size": dump.stat().st_size,
        "sha256": hashlib.sha256(dump.read_bytes()).hexdigest(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))

    result = live.restore(folder, "--unsigned")
    assert result.returncode != 0
    assert "the restored database differs from the backup: orgs_user: content differs" in result.stderr
    assert live.rows() == before
    assert live.leftovers() == []


def test_an_unsigned_backup_needs_unsigned_and_production_makes_none(data, live, tmp_path, monkeypatch):
    monkeypatch.delenv("TRYGG_BACKUP_KEY", raising=False)
    made = trygg("backup", str(tmp_path / "backups"))
    assert made.returncode == 0 and "UNSIGNED" in made.stdout
    (folder,) = (tmp_path / "backups").iterdir()

    refused = live.restore(folder)
    assert refused.returncode != 0 and "--unsigned" in refused.stderr
    assert live.restore(folder, "--unsigned").returncode == 0

    env = live.env(TRYGG_PRODUCTION="1")
    env.pop("TRYGG_BACKUP_KEY", None)
    production = subprocess.run([str(TRYGG), "backup", str(tmp_path / "prod")], env=env, capture_output=True,
                                text=True, timeout=300, check=False)  # fmt: skip
    assert production.returncode != 0 and "no backup signing key" in production.stderr
    assert not (tmp_path / "prod").exists() or not any((tmp_path / "prod").iterdir())


def test_backup_folders_and_files_are_private_whatever_the_umask(data, tmp_path, signing_key):
    previous = os.umask(0o022)
    try:
        folder = make_backup(tmp_path / "backups")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "backups") == 0o700
    paths = [folder, *folder.rglob("*")]
    assert {p.relative_to(folder).as_posix() for p in paths if p.is_file()} >= {
        "manifest.json",
        "manifest.hmac",
        "media/tips/foto.jpg",
    }
    assert {p.relative_to(folder).as_posix(): mode(p) for p in paths if p.is_dir()} == {
        p.relative_to(folder).as_posix(): 0o700 for p in paths if p.is_dir()
    }
    assert {p.relative_to(folder).as_posix(): mode(p) for p in paths if p.is_file()} == {
        p.relative_to(folder).as_posix(): 0o600 for p in paths if p.is_file()
    }


def test_var_the_sqlite_file_and_media_are_not_world_readable(tmp_path):
    """An installation an older Trygg left readable to all is tightened at start; a new one is made private."""
    old, new = tmp_path / "old-var", tmp_path / "new-var"
    (old / "media" / "tips").mkdir(parents=True)
    (old / "trygg.sqlite3").write_bytes(b"")
    old.chmod(0o755)
    (old / "media").chmod(0o755)
    (old / "trygg.sqlite3").chmod(0o644)
    for var in (old, new):
        env = {**os.environ, "TRYGG_VAR_DIR": str(var), "DATABASE_URL": ""}
        env.pop("TRYGG_MEDIA_ROOT", None)
        done = subprocess.run([str(TRYGG), "check"], env=env, capture_output=True, text=True, timeout=300,
                              check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert (mode(var), mode(var / "media"), mode(var / "trygg.sqlite3")) == (0o700, 0o700, 0o600)


def test_an_encrypted_backup_round_trips_and_is_unreadable_without_its_key(data, live, tmp_path, signing_key, settings):
    keys = tmp_path / "keys"
    call_command("backup", new_keys=str(keys), **quiet())
    identity = keys / "backup-identity.txt"
    public = identity.read_text().split("public key: ")[1].split()[0]
    settings.TRYGG_BACKUP_RECIPIENTS = [public]
    folder = make_backup(tmp_path / "backups")
    backed_up = rows_at(source_url())

    stored = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("manifest.")]
    assert stored and all(p.name.endswith(".age") for p in stored)
    for path in stored:
        content = path.read_bytes()
        assert content.startswith(b"age-encryption.org/v1\n")
        assert data["marker"].encode() not in content and data["user"].username.encode() not in content
        assert b"a photo" not in content

    without = live.restore(folder)
    assert without.returncode != 0 and "TRYGG_BACKUP_IDENTITY_FILE" in without.stderr
    call_command("backup", new_keys=str(tmp_path / "other-keys"), **quiet())
    wrong = tmp_path / "other-keys" / "backup-identity.txt"
    refused = live.restore(folder, TRYGG_BACKUP_IDENTITY_FILE=str(wrong))
    assert refused.returncode != 0 and "cannot be decrypted" in refused.stderr
    assert live.leftovers() == []

    restored = live.restore(folder, TRYGG_BACKUP_IDENTITY_FILE=str(identity))
    assert restored.returncode == 0, restored.stderr
    assert restored_as_backed_up(backed_up, live.rows())
    assert (live.media / "tips" / "foto.jpg").read_bytes() == b"\xff\xd8 a photo"
