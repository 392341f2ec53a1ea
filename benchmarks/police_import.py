"""Import all 85 011 shared police events into a fresh database; print events/second and the re-import result.

    python benchmarks/police_import.py                      # SQLite (temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python benchmarks/police_import.py   # a new PG database

Aim (issue 2): the full import under 60 s on a 2-core machine.
"""

from __future__ import annotations

import platform
import time

from _setup import fresh_database, setup_django, shared_data, table

backend = fresh_database()
setup_django()

from trygg.core.importing import iter_json_records, open_binary  # noqa: E402
from trygg.incidents.models import Incident  # noqa: E402
from trygg.incidents.police import import_events  # noqa: E402
from trygg.orgs.loaders import load_municipalities  # noqa: E402

data = shared_data()
path = data / "polisen" / "events_2022-09_2026-08.jsonl.gz"
load_municipalities(data)

rows = []
for run in ("first import", "re-import"):
    start = time.perf_counter()
    with open_binary(path) as fh:
        report = import_events(iter_json_records(fh), source=str(path))
    seconds = time.perf_counter() - start
    rows.append([run, report.read, report.created, report.already_present, len(report.rejected),
                 f"{seconds:.2f}", f"{report.read / seconds:,.0f}"])  # fmt: skip

print(f"Police-event import, {backend}, Python {platform.python_version()}, {platform.machine()}")
print(table(["run", "read", "created", "already present", "rejected", "seconds", "events/s"], rows))
print(f"incidents in database: {Incident.objects.count()}")
