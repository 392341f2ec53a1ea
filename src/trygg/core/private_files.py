"""Files that hold personal data are readable by Trygg's own user only: folders 0700, files 0600.

Created with the mode from the start (``os.open``/``os.mkdir`` with a mode, under a ``0o077`` umask), so there
is no moment in which another user could open them. :func:`restrict_local_data` tightens what an older Trygg
left world-readable (``var/``, the SQLite database, the media folder) and is called by the settings at start.

Plain ``os`` only: imported by ``trygg.settings`` before Django is set up.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders made inside the block (by us, SQLite or a subprocess) get no group or other bits.

    The umask is per process: use it in commands (backup, restore), not in a threaded server.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def make_private_dir(path: str | Path, *, exist_ok: bool = False) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing folder is left as it is when ``exist_ok``."""
    path = Path(path)
    if not path.parent.exists():
        make_private_dir(path.parent, exist_ok=True)
    try:
        os.mkdir(path, PRIVATE_DIR)
    except FileExistsError:
        if not exist_ok or not path.is_dir():
            raise
    return path


def create_private_file(path: str | Path) -> int:
    """Open a new file ``path`` for writing as 0600 and return its descriptor; fails if it exists."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)


def _restrict(path: Path, keep: int) -> None:
    """Drop the mode bits of ``path`` outside ``keep`` if we own it (a folder IT set up otherwise is left)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
        return
    mode = stat.S_IMODE(info.st_mode)
    if mode & ~keep:
        path.chmod(mode & keep)


def restrict_local_data(var_dir: Path, media_root: Path, sqlite_file: Path | None) -> None:
    """``var_dir`` and ``media_root`` 0700, the SQLite database (and its journal) 0600; never fails.

    The media folder is created (0700) when its parent exists, and the SQLite file is created empty with mode
    0600 before SQLite opens it, since SQLite would make it 0644 (its journal and WAL files take the database
    file's mode). Folders and files owned by another user, or on a read-only disk, are left as they are.
    """
    _quietly(_restrict, var_dir, PRIVATE_DIR)
    if media_root.parent.is_dir():
        _quietly(make_private_dir, media_root, exist_ok=True)
    _quietly(_restrict, media_root, PRIVATE_DIR)
    if sqlite_file is None or str(sqlite_file) == ":memory:" or str(sqlite_file).startswith("file:"):
        return
    if sqlite_file.parent.is_dir() and not sqlite_file.exists():
        _quietly(lambda: os.close(create_private_file(sqlite_file)))
    for path in (sqlite_file, *(Path(f"{sqlite_file}{suffix}") for suffix in SQLITE_SIDE_FILES)):
        _quietly(_restrict, path, PRIVATE_FILE)


def _quietly(function, *args, **kwargs) -> None:
    """Run one step of :func:`restrict_local_data`; a read-only disk or a race with another process is no error."""
    with contextlib.suppress(OSError):
        function(*args, **kwargs)
