"""Fresh databases for benchmark runs: a temporary SQLite file, or a new PostgreSQL database that is dropped after.

Import this module before Django is set up; it rewrites ``DATABASE_URL`` to point at the fresh database.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def fresh_database(keep: bool = False, reuse: str = "") -> str:
    """Point DATABASE_URL at an empty database; returns a label for the tables printed.

    On PostgreSQL, ``keep`` leaves the database in place after the run (its name is printed) and ``reuse``
    points at such a kept database instead of creating one, so that a slow build is done once while tuning.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    tmp = tempfile.mkdtemp(prefix="trygg-bench-")
    os.environ["TRYGG_VAR_DIR"] = tmp
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        return "SQLite"
    import psycopg

    parts = urlsplit(url)
    if reuse:
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{reuse}"))
        return "PostgreSQL"
    name = f"trygg_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    if keep:
        print(f"keeping the database {name} (drop it when done)", file=sys.stderr)
        return "PostgreSQL"

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return "PostgreSQL"


def setup_django(verbosity: int = 0) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=verbosity)


def shared_data() -> Path:
    for candidate in [os.environ.get("TRYGG_SHARED_DATA"), ROOT.parent / "shared" / "data", "/work/shared/data"]:
        if candidate and Path(candidate, "SOURCES.md").exists():
            return Path(candidate)
    raise SystemExit("the shared data folder (../shared/data) is missing; set TRYGG_SHARED_DATA")


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
