"""The Monday-night precompute for every Swedish municipality on Redis Queue: how it scales with workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/precompute_workers.py \
        [--municipalities 290] [--incidents 300000] [--workers 1 2 4]

Creates a new PostgreSQL database (dropped afterwards; SQLite works but its single writer dominates), loads the 290
municipalities, gives each a municipality organisation (so that each "uses Trygg") and inserts N incidents,
spread by population over three years around each municipality's centroid. Then, for each worker count, the
cache is emptied, ``lagesbild_precompute`` queues last week's brief (one task per municipality, the queue
``background``) on Redis Queue (REDIS_URL, default ``redis://127.0.0.1:6379/5``, emptied first), and that many
``trygg worker --burst`` processes run it; the wall time is from the job's start until the last worker exits,
checked against the cache (every brief done). The first row is the same work in one process without a queue
(the job before it fanned out), the peer the workers are measured against.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import time

from _setup import fresh_database, setup_django, shared_data, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--incidents", type=int, default=300_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", default="")
    args = parser.parse_args()
    os.environ["TRYGG_TASK_BACKEND"] = "rq"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    backend = fresh_database(keep=args.keep, reuse=args.reuse)
    setup_django()

    from django.test import override_settings
    from django.utils import timezone

    from trygg.core.periods import current
    from trygg.orgs.models import Municipality
    from trygg.situation import jobs as situation_jobs
    from trygg.situation.models import ReportCache

    if not args.reuse:
        load(args.municipalities, args.incidents)
    chosen = situation_jobs.using_trygg()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    last_week = [current("week", monday).shifted(-1)]
    rows = []

    ReportCache.objects.all().delete()
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    t0 = time.perf_counter()
    with override_settings(TASKS=immediate):
        outcome = situation_jobs.precompute(last_week, chosen)
    inline = time.perf_counter() - t0
    done = ReportCache.objects.filter(status="done").count()
    rows.append(["one process, no queue", "–", f"{inline:.1f}", done, f"{done / inline:.2f}", "1.00"])
    print(f"in-process: {outcome}", file=sys.stderr)

    import django_rq

    trygg = shutil.which("trygg", path=os.path.dirname(sys.executable)) or "trygg"
    for workers in args.workers:
        ReportCache.objects.all().delete()
        for name in ("default", "background"):
            queue = django_rq.get_queue(name)
            queue.empty()
        t0 = time.perf_counter()
        outcome = situation_jobs.precompute(last_week, chosen)
        processes = [
            subprocess.Popen(
                [trygg, "worker", "--burst"], env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            for _ in range(workers)
        ]
        errors = [p.communicate()[1].decode(errors="replace") for p in processes]
        wall = time.perf_counter() - t0
        done = ReportCache.objects.filter(status="done").count()
        failed = ReportCache.objects.filter(status="failed").count()
        if done != len(chosen) or failed:
            print(f"{workers} workers: {done} done, {failed} failed of {len(chosen)}", file=sys.stderr)
            print("\n".join(e[-2000:] for e in errors if "Traceback" in e), file=sys.stderr)
        rows.append([f"Redis Queue, {outcome}", workers, f"{wall:.1f}", done, f"{done / wall:.2f}",
                     f"{inline / wall:.2f}"])  # fmt: skip
    print(
        f"Monday precompute of last week's brief ({last_week[0].key}), {backend}, {len(chosen)} municipalities, "
        f"{Municipality.objects.count()} in the database, {args.incidents:,} incidents; {os.cpu_count()} CPU cores"
    )
    print(table(["how", "workers", "wall s", "briefs done", "briefs/s", "speed-up vs one process"], rows))
    print("Each worker is a process; beyond the machine's cores the database and the CPU are shared, not added.")


def load(count: int, incidents: int) -> None:
    """The municipalities, one municipality organisation each, and incidents spread by population."""
    import numpy as np
    from django.utils import timezone

    from trygg.core.bulk import insert_rows
    from trygg.incidents.models import Category, Incident
    from trygg.orgs.loaders import load_municipalities
    from trygg.orgs.models import Municipality, Organisation

    load_municipalities(shared_data())
    chosen = list(Municipality.objects.exclude(centroid_lat=None).order_by("code")[:count])
    for m in chosen:
        org = Organisation.objects.create(name=f"{m.name} kommun (benchmark)", slug=f"bench-{m.code}",
                                          kind="municipality")  # fmt: skip
        org.municipalities.add(m)
    categories = list(Category.objects.est().values_list("pk", flat=True))
    rng = np.random.default_rng(7)
    population = np.array([m.population or 10_000 for m in chosen], dtype=float)
    which = rng.choice(len(chosen), size=incidents, p=population / population.sum())
    offsets = rng.normal(0, 1500, (incidents, 2))
    seconds = rng.uniform(0, 3 * 365 * 86400, incidents)
    cats = rng.choice(categories, size=incidents)
    now = timezone.now()
    start = now - dt.timedelta(days=3 * 365)

    def rows():
        for i in range(incidents):
            m = chosen[which[i]]
            lat = m.centroid_lat + offsets[i, 0] / 111_320
            lon = m.centroid_lon + offsets[i, 1] / (111_320 * np.cos(np.radians(m.centroid_lat)))
            when = start + dt.timedelta(seconds=float(seconds[i]))
            yield (int(cats[i]), "est", f"bench:{i}", m.code, m.county_id, lat, lon, "exact", when, when, None,
                   "partners", "new", True, now, now)  # fmt: skip

    fields = ("category", "source", "external_id", "municipality", "county", "lat", "lon", "precision",
              "occurred_start", "reported_at", "reporter_org", "visibility", "status", "is_generated", "created_at",
              "updated_at")  # fmt: skip
    insert_rows(Incident, fields, rows())
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE incidents_incident")


if __name__ == "__main__":
    main()
