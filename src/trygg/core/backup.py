"""Backups that restore whole or not at all: the database, the uploaded photos and a signed manifest.

``backup(directory)`` writes one folder ``trygg-backup-<time>/`` (0700, every file 0600; it is written as
``.trygg-backup-<time>.partial`` and renamed when complete) with

* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while Trygg runs) or ``database.dump``
  (PostgreSQL, ``pg_dump --format=custom`` in an exported repeatable-read snapshot);
* ``media/``, the uploaded photos;
* ``manifest.json``: when, which database, the migrations, every file's size and SHA-256, and every table's row
  count and content digest (:mod:`trygg.core.table_digest`, computed from the same snapshot as the dump: the
  SQLite copy itself, or the transaction whose snapshot ``pg_dump`` uses);
* ``manifest.hmac``: HMAC-SHA256 of the manifest with a key kept outside the backup (:mod:`.backup_crypto`).

With ``TRYGG_BACKUP_RECIPIENTS`` set, the database and every photo are age-encrypted (``.age``); the manifest
then lists each file's digest both as stored and decrypted.

``restore(folder)`` checks the signature and that every listed file is there with its size, then unpacks the
database into a new file beside the live one (SQLite) or a new database (PostgreSQL) and the photos into a new
folder, checking every file's digest, and recomputes every table's digest from the restored copy. Only when all
of it matches are the live database and media folder replaced (SQLite: an atomic rename; PostgreSQL: both
databases renamed in one transaction); the replaced ones are kept under a ``before-restore`` name. A backup that
was altered, cut short or signed with another key changes nothing, and the error names the file or table.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connections, transaction

from trygg.core import backup_crypto as crypto
from trygg.core.private_files import create_private_file, make_private_dir, private_umask
from trygg.core.table_digest import differences, table_digests

FORMAT = 2
MANIFEST, SIGNATURE = "manifest.json", "manifest.hmac"
SHOWN = 8  # differences named in one error
_NOTHING = "Nothing was restored."


class BackupError(RuntimeError):
    """A backup or restore that could not be done or did not come back whole; the message says why."""


@dataclass
class BackupKeys:
    """The signing key (None: unsigned) and the age public keys (empty: not encrypted) of a backup."""

    signing: bytes | None
    recipients: list = field(default_factory=list)


def backup_keys() -> BackupKeys:
    """The configured keys; raises BackupError in production without a signing key, or for an unusable key."""
    try:
        keys = BackupKeys(crypto.signing_key(), crypto.recipients())
    except crypto.BackupKeyError as exc:
        raise BackupError(str(exc)) from exc
    if keys.signing is None and settings.PRODUCTION:
        raise BackupError(
            "no backup signing key: set TRYGG_BACKUP_KEY or TRYGG_BACKUP_KEY_FILE (a production backup is signed, "
            "so that a restore can tell it was not altered; see docs/operations.md)"
        )
    return keys


# --- helpers ---------------------------------------------------------------------------------------------------


def _migrations(using: str) -> dict[str, str]:
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


@contextlib.contextmanager
def _database(using: str, **changes: Any) -> Iterator[str]:
    """A temporary connection alias: database ``using``'s settings with ``changes`` (another NAME, OPTIONS)."""
    alias = f"trygg_backup_{secrets.token_hex(4)}"
    config = copy.deepcopy(connections.settings[using])
    config.update(changes)
    config["CONN_MAX_AGE"] = 0
    connections.settings[alias] = config
    try:
        yield alias
    finally:
        with contextlib.suppress(Exception):
            connections[alias].close()
        with contextlib.suppress(Exception):
            del connections[alias]
        del connections.settings[alias]


def _sqlite_read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _pg_args(db: dict, name: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from Django's settings of ``db``."""
    args = ["--dbname", name or db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service"):
        if db.get("OPTIONS", {}).get(option):
            env[f"PG{option.upper()}"] = str(db["OPTIONS"][option])
    return args, env


def _pg_admin(db: dict):
    """An autocommit connection to the server's ``postgres`` database, for CREATE/ALTER/DROP DATABASE."""
    import psycopg

    params = {"dbname": "postgres", "host": db.get("HOST") or None, "port": db.get("PORT") or None}
    params |= {"user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    extra = {k: v for k, v in db.get("OPTIONS", {}).items() if k in {"sslmode", "sslrootcert", "sslcert", "sslkey"}}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **extra, autocommit=True)


def _failed(command: list[str], errors: BinaryIO) -> BackupError:
    errors.seek(0)
    return BackupError(f"{command[0]} failed: {errors.read().decode(errors='replace').strip()[:2000]}")


def _entry(stored: crypto.Digest, plain: crypto.Digest | None) -> dict:
    entry = {"size": stored.size, "sha256": stored.sha256}
    if plain is not None:
        entry |= {"plain_size": plain.size, "plain_sha256": plain.sha256}
    return entry


def _store(source: Path, folder: Path, name: str, to: list) -> dict:
    """Copy (or encrypt, when ``to`` names recipients) ``source`` into ``folder/name``; its manifest entry."""
    with open(source, "rb") as reader, open(create_private_file(folder / name), "wb") as writer:
        plain = crypto.encrypt_stream(reader, writer, to) if to else crypto.copy_stream(reader, writer)
    return _entry(crypto.file_digest(folder / name), plain if to else None)


# --- backup ----------------------------------------------------------------------------------------------------


def _backup_sqlite(using: str, folder: Path, to: list, files: dict) -> dict:
    conn = connections[using]
    conn.ensure_connection()
    live = Path(conn.settings_dict["NAME"])
    name = "database.sqlite3.age" if to else "database.sqlite3"
    if to:  # the plaintext copy stays beside the live database, never in the backup folder
        handle, tmp = tempfile.mkstemp(dir=live.parent, prefix=f".{live.name}.backup-")  # 0600
        os.close(handle)
        copy_path = Path(tmp)
    else:
        copy_path = folder / name
        os.close(create_private_file(copy_path))
    try:
        with contextlib.closing(sqlite3.connect(copy_path)) as target:
            conn.connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one file, whatever mode the live database is in
        with _database(using, NAME=_sqlite_read_only(copy_path), OPTIONS={}) as alias:
            tables = table_digests(alias)
        files[name] = _store(copy_path, folder, name, to) if to else _entry(crypto.file_digest(copy_path), None)
    finally:
        if to:
            copy_path.unlink(missing_ok=True)
    return tables


def _backup_postgresql(using: str, folder: Path, to: list, files: dict) -> dict:
    import psycopg

    options = {**connections.settings[using].get("OPTIONS", {})}
    options["isolation_level"] = psycopg.IsolationLevel.REPEATABLE_READ
    name = "database.dump.age" if to else "database.dump"
    with _database(using, OPTIONS=options) as alias, transaction.atomic(using=alias):
        conn = connections[alias]
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        args, env = _pg_args(conn.settings_dict)
        command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", *args]
        with tempfile.TemporaryFile() as errors, open(create_private_file(folder / name), "wb") as writer:
            if to:
                process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
                try:
                    plain = crypto.encrypt_stream(process.stdout, writer, to)
                finally:
                    process.stdout.close()
                    returncode = process.wait()
            else:
                plain = None
                returncode = subprocess.run(command, stdout=writer, stderr=errors, env=env, check=False).returncode  # noqa: S603
            if returncode != 0:
                raise _failed(command, errors)
        files[name] = _entry(crypto.file_digest(folder / name), plain)
        tables = table_digests(alias)  # in the snapshot pg_dump read
    return tables


def _backup_media(folder: Path, to: list, files: dict) -> list[str]:
    """Copy (or encrypt) every regular file of MEDIA_ROOT into ``folder/media``; returns what was skipped."""
    media = Path(settings.MEDIA_ROOT)
    skipped = []
    if not media.is_dir():
        return skipped
    for directory, subdirectories, names in os.walk(media):
        subdirectories.sort()
        relative = Path(directory).relative_to(media)
        for name in sorted(names):
            source = Path(directory) / name
            if source.is_symlink() or not source.is_file():
                skipped.append(str(relative / name))
                continue
            stored = PurePosixPath("media", *relative.parts, name + (".age" if to else ""))
            make_private_dir(folder / stored.parent, exist_ok=True)
            try:
                files[str(stored)] = _store(source, folder, str(stored), to)
            except FileNotFoundError:  # removed while we copied: it is no longer part of Trygg's data
                (folder / stored).unlink(missing_ok=True)
    return skipped


@dataclass
class BackupResult:
    folder: Path
    manifest: dict
    signed: bool
    encrypted: bool


def backup(directory: str | Path, using: str = "default", keys: BackupKeys | None = None) -> BackupResult:
    """Write a backup folder into ``directory`` (made 0700 if missing) and return it with its manifest."""
    keys = keys or backup_keys()
    conn = connections[using]
    if conn.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups of {conn.vendor} are not supported (SQLite and PostgreSQL are)")
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    with private_umask():
        root = make_private_dir(directory, exist_ok=True)
        final, partial = root / f"trygg-backup-{stamp}", root / f".trygg-backup-{stamp}.partial"
        if final.exists():
            raise BackupError(f"{final} exists already")
        make_private_dir(partial)
        try:
            files: dict[str, dict] = {}
            write = _backup_sqlite if conn.vendor == "sqlite" else _backup_postgresql
            tables = write(using, partial, keys.recipients, files)
            skipped = _backup_media(partial, keys.recipients, files)
            manifest = {
                "format": FORMAT,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "vendor": conn.vendor,
                "migrations": _migrations(using),
                "database": next(name for name in files if name.startswith("database.")),
                "encryption": {"scheme": "age", "recipients": [str(r) for r in keys.recipients]}
                if keys.recipients
                else None,
                "signing_key_id": crypto.key_id(keys.signing) if keys.signing else None,
                "secret_key": _secret_key_location(),
                "files": files,
                "media_skipped": skipped,
                "tables": tables,
            }
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            with open(create_private_file(partial / MANIFEST), "wb") as out:
                out.write(data)
            if keys.signing:
                with open(create_private_file(partial / SIGNATURE), "w", encoding="ascii") as out:
                    out.write(crypto.sign(data, keys.signing) + "\n")
            os.rename(partial, final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    return BackupResult(final, manifest, keys.signing is not None, bool(keys.recipients))


# --- restore: reading and checking the backup -----------------------------------------------------------------


def read_manifest(folder: str | Path, *, allow_unsigned: bool = False) -> tuple[dict, bool]:
    """The backup's manifest, its signature verified; returns (manifest, signed).

    Raises BackupError when the manifest is missing, does not match its signature, or is unsigned (or signed
    but no key is configured) and ``allow_unsigned`` is false.
    """
    folder = Path(folder)
    try:
        data = (folder / MANIFEST).read_bytes()
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a complete Trygg backup (no {MANIFEST})") from None
    try:
        key = crypto.signing_key()
    except crypto.BackupKeyError as exc:
        raise BackupError(str(exc)) from exc
    signature = (folder / SIGNATURE).read_text(encoding="ascii") if (folder / SIGNATURE).exists() else None
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST} is not readable JSON ({exc}): altered or cut short") from None
    signed = False
    if signature is None and isinstance(manifest, dict) and manifest.get("signing_key_id"):
        raise BackupError(
            f"the manifest says the backup was signed (key {manifest['signing_key_id']}) but {SIGNATURE} is "
            f"missing: the backup is not whole. {_NOTHING}"
        )
    if signature is None:
        if not allow_unsigned:
            raise BackupError(
                f"the backup is not signed (no {SIGNATURE}), so nothing shows it was not altered; restore it only "
                "if you know where it has been, with --unsigned"
            )
    elif key is None:
        if not allow_unsigned:
            raise BackupError(
                "the backup is signed but no key is configured to check it: set TRYGG_BACKUP_KEY or "
                "TRYGG_BACKUP_KEY_FILE to the key that signed it (or restore with --unsigned)"
            )
    elif not crypto.signature_matches(data, signature, key):
        which = manifest.get("signing_key_id") if isinstance(manifest, dict) else None
        hint = (
            f"; it names the key {which}, the configured key is {crypto.key_id(key)}"
            if which and which != crypto.key_id(key)
            else ""
        )
        raise BackupError(
            f"{MANIFEST} does not match its signature: it was changed after the backup, or signed with another "
            f"key{hint}. Nothing was restored."
        )
    else:
        signed = True
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format", 1) if isinstance(manifest, dict) else "?"
        raise BackupError(
            f"the backup's format is {found}, this Trygg reads format {FORMAT} (signed, with table digests); "
            "restore a format-1 backup with the Trygg version that wrote it, then back up again"
        )
    _check_shape(manifest)
    return manifest, signed


def _check_shape(manifest: dict) -> None:
    """The fields a restore reads are there and of their kind (an unsigned manifest may be anything)."""
    wrong = [key for key in ("vendor", "database") if not isinstance(manifest.get(key), str)]
    for key, field_names in (("files", ("size", "sha256")), ("tables", ("rows", "sha256"))):
        entries = manifest.get(key)
        if not isinstance(entries, dict):
            wrong.append(key)
            continue
        for name, entry in entries.items():
            if not isinstance(entry, dict) or not all(isinstance(entry.get(f), int | str) for f in field_names):
                wrong.append(f"{key}[{name!r}]")
    if wrong:
        raise BackupError(
            f"{MANIFEST} is not a Trygg manifest ({', '.join(wrong[:SHOWN])} missing or wrong). {_NOTHING}"
        )


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"the manifest lists a file outside the backup: {name!r}")
    return path


def check_files(folder: Path, manifest: dict) -> None:
    """Every listed file is there with its size, and nothing else is: a partial backup is refused here."""
    problems = []
    listed = manifest.get("files", {})
    for name, entry in sorted(listed.items()):
        path = folder / _safe_relative(name)
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != entry["size"]:
            problems.append(f"{name}: {path.stat().st_size} bytes, the manifest lists {entry['size']}")
    present = {
        str(PurePosixPath(p.relative_to(folder).as_posix())) for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    }
    for name in sorted(present - set(listed) - {MANIFEST, SIGNATURE}):
        problems.append(f"{name}: not listed in the manifest")
    if manifest.get("database") not in listed:
        problems.append("the manifest lists no database file")
    if problems:
        raise BackupError(_problems("the backup is not whole", problems))


def _problems(title: str, problems: list[str]) -> str:
    shown = "; ".join(problems[:SHOWN])
    more = f" (and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
    return f"{title}: {shown}{more}. Nothing was restored."


def _unpack(folder: Path, name: str, entry: dict, keys: list | None, target: Path) -> None:
    """Copy (or decrypt) the backup's file ``name`` into the new file ``target`` (0600), checking its digests."""
    source = folder / name
    with open(source, "rb") as raw, open(create_private_file(target), "wb") as writer:
        reader = crypto.HashingReader(raw)
        try:
            plain = crypto.decrypt_stream(reader, writer, keys) if keys else crypto.copy_stream(reader, writer)
        except ValueError as exc:
            if crypto.file_digest(source).sha256 != entry["sha256"]:
                raise BackupError(f"{name} differs from the manifest (altered or cut short). {_NOTHING}") from exc
            raise BackupError(f"{name} cannot be decrypted with TRYGG_BACKUP_IDENTITY_FILE: {exc}. {_NOTHING}") from exc
        while reader.read(crypto.CHUNK):  # what the decryption did not need still counts
            pass
    stored = reader.digest()
    if (stored.size, stored.sha256) != (entry["size"], entry["sha256"]):
        raise BackupError(
            f"{name} differs from the manifest: {stored.size} bytes with SHA-256 {stored.sha256[:16]}…, "
            f"the manifest lists {entry['size']} bytes with {entry['sha256'][:16]}…. {_NOTHING}"
        )
    if keys and (plain.size, plain.sha256) != (entry.get("plain_size"), entry.get("plain_sha256")):
        raise BackupError(f"{name}: the decrypted content differs from the manifest. {_NOTHING}")


# --- restore: the staged database and media, and the swap ----------------------------------------------------


class _SqliteTarget:
    """The restored database as a new file beside the live one, swapped in by an atomic rename."""

    def __init__(self, using: str):
        self.using = using
        self.live = Path(connections[using].settings_dict["NAME"])
        self.staged = self.live.with_name(f".{self.live.name}.restore-{secrets.token_hex(4)}")

    def load(self, folder: Path, manifest: dict, keys: list | None, scratch: Path) -> None:
        name = manifest["database"]
        _unpack(folder, name, manifest["files"][name], keys, self.staged)

    def digests(self) -> dict:
        with _database(self.using, NAME=_sqlite_read_only(self.staged), OPTIONS={}) as alias:
            return table_digests(alias)

    def swap(self, stamp: str) -> str | None:
        connections[self.using].close()
        kept = None
        if self.live.exists() and self.live.stat().st_size:
            with contextlib.closing(sqlite3.connect(self.live)) as old:  # a hot journal rolled back, WAL emptied
                old.execute("SELECT count(*) FROM sqlite_master").fetchone()
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            kept = self.live.with_name(f"{self.live.name}.before-restore-{stamp}")
            os.link(self.live, kept)
        os.replace(self.staged, self.live)
        for suffix in ("-wal", "-shm", "-journal"):  # the old database's, which must not meet the new one
            Path(f"{self.live}{suffix}").unlink(missing_ok=True)
        return str(kept) if kept else None

    def discard(self) -> None:
        self.staged.unlink(missing_ok=True)


class _PostgresTarget:
    """The restored database as a new database on the same server; both renamed in one transaction."""

    def __init__(self, using: str):
        self.using = using
        self.db = connections[using].settings_dict
        self.live = self.db["NAME"]
        self.staged = f"{self.live[:40]}_restore_{secrets.token_hex(4)}"
        self.created = False

    def load(self, folder: Path, manifest: dict, keys: list | None, scratch: Path) -> None:
        from psycopg import sql

        name = manifest["database"]
        dump = scratch / "database.dump"
        _unpack(folder, name, manifest["files"][name], keys, dump)  # checked before pg_restore reads a byte
        with contextlib.closing(_pg_admin(self.db)) as admin:
            row = admin.execute(
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = %s",
                [self.live],
            ).fetchone()
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(self.staged))
            if row:
                statement += sql.SQL(" ENCODING {} LC_COLLATE {} LC_CTYPE {}").format(*map(sql.Literal, row))
            admin.execute(statement)
            self.created = True
        args, env = _pg_args(self.db, self.staged)
        command = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", *args, str(dump)]
        with tempfile.TemporaryFile() as errors:
            if subprocess.run(command, stdout=errors, stderr=errors, env=env, check=False).returncode:  # noqa: S603
                raise _failed(command, errors)

    def digests(self) -> dict:
        with _database(self.using, NAME=self.staged) as alias:
            return table_digests(alias)

    def swap(self, stamp: str) -> str | None:
        from psycopg import sql

        connections[self.using].close()
        kept = f"{self.live[:40]}_before_{stamp}"
        live, old, new = (sql.Identifier(n) for n in (self.live, kept, self.staged))
        with contextlib.closing(_pg_admin(self.db)) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.live]).fetchone():
                admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(new, live))
                self.created = False
                return None
            admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(live))
            try:
                for _ in range(50):  # running Trygg processes reconnect to the restored database by its name
                    others = admin.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        [self.live],
                    ).fetchone()[0]
                    if not others:
                        break
                    time.sleep(0.1)
                with admin.transaction():
                    admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(live, old))
                    admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(new, live))
            except Exception as exc:
                admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(live))
                raise BackupError(
                    f"the restored database could not replace {self.live} ({exc}); stop `trygg serve` and the "
                    f"workers and try again. The live database is unchanged."
                ) from exc
        self.created = False
        return kept

    def discard(self) -> None:
        if not self.created:
            return
        from psycopg import sql

        with contextlib.closing(_pg_admin(self.db)) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.staged)))
        self.created = False


class _MediaTarget:
    """The restored photos in a new folder beside MEDIA_ROOT, swapped in by renaming."""

    def __init__(self):
        self.live = Path(settings.MEDIA_ROOT)
        self.staged = self.live.with_name(f".{self.live.name}.restore-{secrets.token_hex(4)}")
        self.kept: Path | None = None

    def load(self, folder: Path, manifest: dict, keys: list | None) -> None:
        make_private_dir(self.staged)
        for name, entry in sorted(manifest["files"].items()):
            path = _safe_relative(name)
            if path.parts[0] != "media":
                continue
            relative = PurePosixPath(*path.parts[1:])
            if keys:
                relative = relative.with_name(relative.name.removesuffix(".age"))
            make_private_dir((self.staged / relative).parent, exist_ok=True)
            _unpack(folder, name, entry, keys, self.staged / relative)

    def swap(self, stamp: str) -> str | None:
        if self.live.is_dir() and not any(self.live.iterdir()):
            self.live.rmdir()  # nothing to keep
        if self.live.exists():
            self.kept = self.live.with_name(f"{self.live.name}.before-restore-{stamp}")
            os.rename(self.live, self.kept)
        os.rename(self.staged, self.live)
        return str(self.kept) if self.kept else None

    def undo(self) -> None:
        os.rename(self.live, self.staged)
        if self.kept:
            os.rename(self.kept, self.live)

    def discard(self) -> None:
        shutil.rmtree(self.staged, ignore_errors=True)


@dataclass
class RestoreResult:
    manifest: dict
    signed: bool
    kept_database: str | None  # where the replaced database is kept (a file or a database name)
    kept_media: str | None


def restore(folder: str | Path, using: str = "default", *, allow_unsigned: bool = False) -> RestoreResult:
    """Restore the backup in ``folder`` over database ``using`` and MEDIA_ROOT, or change nothing.

    Raises BackupError, naming the file or table, when the backup is unsigned (without ``allow_unsigned``), its
    manifest does not match the signature, a file is missing, cut short or altered, or a restored table's digest
    differs from the manifest; the live database and media folder are then untouched.
    """
    folder = Path(folder)
    manifest, signed = read_manifest(folder, allow_unsigned=allow_unsigned)
    conn = connections[using]
    if manifest["vendor"] != conn.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database, this one is {conn.vendor}")
    check_files(folder, manifest)
    keys = None
    if manifest.get("encryption"):
        try:
            keys = crypto.identities()
        except crypto.BackupKeyError as exc:
            raise BackupError(f"{exc}. {_NOTHING}") from exc
    target = _SqliteTarget(using) if conn.vendor == "sqlite" else _PostgresTarget(using)
    media = _MediaTarget()
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    with private_umask(), tempfile.TemporaryDirectory(prefix="trygg-restore-") as scratch:
        try:
            target.load(folder, manifest, keys, Path(scratch))
            found = target.digests()
            differing = differences(manifest["tables"], found)
            if differing:
                raise BackupError(_problems("the restored database differs from the backup", differing))
            media.load(folder, manifest, keys)
            kept_media = media.swap(stamp)
            try:
                kept_database = target.swap(stamp)
            except BaseException:
                media.undo()
                raise
        finally:
            target.discard()
            media.discard()
    return RestoreResult(manifest, signed, kept_database, kept_media)
