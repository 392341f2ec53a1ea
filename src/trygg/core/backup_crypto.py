"""The keys of backups: the manifest's signature and the optional encryption, both with keys kept outside the backup.

* **Signature**: HMAC-SHA256 (RFC 2104) over the exact bytes of ``manifest.json``, with the key from the
  environment variable ``TRYGG_BACKUP_KEY`` or the file named by ``TRYGG_BACKUP_KEY_FILE``. Whoever can change a
  backup but does not have the key cannot make a manifest that restores; the key's id (an HMAC of a fixed text,
  not the key) is written beside the signature so that a restore can say "signed with another key".
* **Encryption**: age (https://age-encryption.org/v1, through pyrage, the Rust implementation), streaming in
  64 KiB chunks, so a dump of many GB never sits in memory. Backups are encrypted to the *public* keys in
  ``TRYGG_BACKUP_RECIPIENTS``: the server that makes them cannot read them; restoring needs the secret key's
  file ``TRYGG_BACKUP_IDENTITY_FILE`` (``age-keygen`` or ``trygg backup --new-keys``), kept elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyrage
from django.conf import settings

MIN_KEY_LENGTH = 32
CHUNK = 1024 * 1024


class BackupKeyError(ValueError):
    """A key that is configured but cannot be used; the message names the variable and what is wrong."""


# --- signing ---------------------------------------------------------------------------------------------------


def signing_key() -> bytes | None:
    """The manifest signing key from ``TRYGG_BACKUP_KEY`` or the file ``TRYGG_BACKUP_KEY_FILE``; None if neither."""
    value = os.environ.get("TRYGG_BACKUP_KEY", "")
    path = getattr(settings, "TRYGG_BACKUP_KEY_FILE", "")
    source = "TRYGG_BACKUP_KEY"
    if not value and path:
        source = f"TRYGG_BACKUP_KEY_FILE ({path})"
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BackupKeyError(f"the backup signing key cannot be read from {source}: {exc.strerror}") from exc
    if not value:
        return None
    if len(value) < MIN_KEY_LENGTH:
        raise BackupKeyError(
            f"the backup signing key in {source} has {len(value)} characters; use at least {MIN_KEY_LENGTH} "
            "random ones (e.g. `trygg backup --new-keys FOLDER`)"
        )
    return value.encode()


def key_id(key: bytes) -> str:
    """A short name of ``key`` that reveals nothing of it (to tell which key signed a backup)."""
    return hmac.new(key, b"trygg backup key id", hashlib.sha256).hexdigest()[:16]


def sign(data: bytes, key: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def signature_matches(data: bytes, signature: str, key: bytes) -> bool:
    return hmac.compare_digest(sign(data, key), signature.strip())


# --- encryption ------------------------------------------------------------------------------------------------


def recipients() -> list[pyrage.x25519.Recipient]:
    """The age public keys backups are encrypted to (``TRYGG_BACKUP_RECIPIENTS``); empty: not encrypted."""
    found = []
    for text in getattr(settings, "TRYGG_BACKUP_RECIPIENTS", []):
        try:
            found.append(pyrage.x25519.Recipient.from_str(text))
        except pyrage.RecipientError as exc:
            raise BackupKeyError(f"TRYGG_BACKUP_RECIPIENTS: {text[:20]}… is not an age public key (age1…)") from exc
    return found


def identities() -> list[pyrage.x25519.Identity]:
    """The age secret keys of ``TRYGG_BACKUP_IDENTITY_FILE`` (lines ``AGE-SECRET-KEY-1…``; # comments allowed)."""
    path = getattr(settings, "TRYGG_BACKUP_IDENTITY_FILE", "")
    if not path:
        raise BackupKeyError(
            "the backup is encrypted: set TRYGG_BACKUP_IDENTITY_FILE to the file with its age secret key"
        )
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BackupKeyError(f"TRYGG_BACKUP_IDENTITY_FILE ({path}) cannot be read: {exc.strerror}") from exc
    found = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(pyrage.x25519.Identity.from_str(line))
        except pyrage.IdentityError as exc:
            raise BackupKeyError(f"TRYGG_BACKUP_IDENTITY_FILE ({path}), line {number}: not an age secret key") from exc
    if not found:
        raise BackupKeyError(f"TRYGG_BACKUP_IDENTITY_FILE ({path}) holds no age secret key")
    return found


def new_identity() -> tuple[str, str]:
    """A new age key pair: (secret key, public key)."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


# --- streams that count and hash what passes ------------------------------------------------------------------


@dataclass
class Digest:
    """Size and SHA-256 of the bytes that went through a stream."""

    size: int = 0
    sha256: str = ""


class HashingReader(io.RawIOBase):
    """Reads from ``source`` and hashes what was read (for ``encrypt_io``, ``shutil.copyfileobj``)."""

    def __init__(self, source: BinaryIO):
        self.source, self.hash, self.size = source, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.source.readinto(buffer)
        if n:
            self.hash.update(memoryview(buffer)[:n])
            self.size += n
        return n or 0

    def digest(self) -> Digest:
        return Digest(self.size, self.hash.hexdigest())


class HashingWriter(io.RawIOBase):
    """Writes to ``target`` and hashes what was written (for ``decrypt_io``)."""

    def __init__(self, target: BinaryIO):
        self.target, self.hash, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.target.write(data)

    def digest(self) -> Digest:
        return Digest(self.size, self.hash.hexdigest())


def encrypt_stream(source: BinaryIO, target: BinaryIO, to: list) -> Digest:
    """Encrypt ``source`` into ``target`` for the recipients ``to``; returns the plaintext's digest."""
    reader = HashingReader(source)
    pyrage.encrypt_io(reader, target, to)
    return reader.digest()


def decrypt_stream(source: BinaryIO, target: BinaryIO, keys: list) -> Digest:
    """Decrypt ``source`` into ``target``; returns the plaintext's digest. Raises ValueError when it cannot be
    decrypted (another key, or altered or cut short: age authenticates every chunk and marks the last)."""
    writer = HashingWriter(target)
    try:
        pyrage.decrypt_io(source, writer, keys)
    except (pyrage.DecryptError, OSError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from exc
    return writer.digest()


def copy_stream(source: BinaryIO, target: BinaryIO) -> Digest:
    """Copy ``source`` into ``target``; returns the digest of what was copied."""
    reader = HashingReader(source)
    while chunk := reader.read(CHUNK):
        target.write(chunk)
    return reader.digest()


def file_digest(path: str | Path) -> Digest:
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256")
    return Digest(os.path.getsize(path), digest.hexdigest())
