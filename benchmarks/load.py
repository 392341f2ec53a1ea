"""Open311 and public pages under concurrent load, beside a static file served by the same server in the same run.

    python benchmarks/load.py [--tips 10000] [--requests 400]      # SQLite; DATABASE_URL=postgres://… for PostgreSQL

Builds a database with the municipalities, the demo organisations and ``--tips`` residents' tips within the last
90 days, starts ``trygg serve`` (waitress, 8 threads, the production settings of the connection limits) on a free
port, and for concurrency 1, 8 and 32 sends ``--requests`` keep-alive GETs per target from that many client
threads. Prints p50/p95 per target and the ratio of each p95 to the static file's at the same concurrency (the
peer here is the server itself: what a request costs beyond reading a file). Rate limits are lifted for the run
(``TRYGG_RATE_LIMITS``) — they are part of what a real anonymous reader meets.

Aim (issue 12): Open311 GET p95 under 100 ms at concurrency 8 with 10 000 tips in the window.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

from _setup import fresh_database, setup_django, shared_data, table

ROOT = Path(__file__).resolve().parent.parent
TRYGG = Path(sys.executable).with_name("trygg")
LIFTED = json.dumps({k: [10**9, 3600] for k in ("open311_read", "open311_partner", "open311", "nearby", "tip")})


def build(tips: int) -> None:
    import datetime as dt

    import numpy as np
    from django.utils import timezone

    from trygg.citizens.models import Tip
    from trygg.incidents import taxonomy
    from trygg.incidents.models import Category, PoliceTypeMapping, TaxonomyVersion
    from trygg.orgs.loaders import load_municipalities

    if not Category.objects.exists():
        taxonomy.install(TaxonomyVersion, Category, PoliceTypeMapping)
    load_municipalities(shared_data())
    from trygg.demo import orgs

    orgs.load_organisations()
    rng = np.random.default_rng(12)
    now = timezone.now()
    rows = [
        Tip(municipality_id="1780", service_code="klotter", description=f"Klotter på fasaden {i}",
            lat=59.38 + rng.normal(0, 0.004), lon=13.50 + rng.normal(0, 0.008), reference=f"B-{i:05d}")
        for i in range(tips)
    ]  # fmt: skip
    Tip.objects.bulk_create(rows, batch_size=2000)
    # spread over the last 80 days (auto_now_add sets "now" on insert)
    ids = list(Tip.objects.values_list("pk", flat=True))
    for pk, days in zip(ids, rng.uniform(0, 80, len(ids)), strict=True):
        Tip.objects.filter(pk=pk).update(created_at=now - dt.timedelta(days=float(days)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_clients(port: int, path: str, concurrency: int, total: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    per_client = max(1, total // concurrency)

    def client() -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(per_client):
            t0 = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tips", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[1, 2], help="serving processes per run (above 1: REDIS_URL)"
    )
    args = parser.parse_args()
    backend = fresh_database()
    setup_django()
    build(args.tips)
    from django.conf import settings

    static = "/static/trygg/trygg.css"
    env = {**os.environ, "TRYGG_RATE_LIMITS": LIFTED, "TRYGG_VAR_DIR": os.environ["TRYGG_VAR_DIR"]}
    subprocess.run([str(TRYGG), "collectstatic", "--noinput", "-v0"], env=env, check=True)
    targets = [
        ("static file (trygg.css)", static),
        ("Open311 GET requests.json (50 of the newest)", "/open311/v2/requests.json?jurisdiction_id=1780"),
        ("Open311 GET requests.xml, page 20", "/open311/v2/requests.xml?jurisdiction_id=1780&page=20"),
        ("Open311 GET services.json", "/open311/v2/services.json?jurisdiction_id=1780"),
        ("public map page (Karlstad)", "/karta/1780/"),
        ("tip form", "/tips/"),
    ]
    for processes in args.processes:
        if processes > 1 and not env.get("REDIS_URL"):
            print(f"(--processes {processes} skipped: it needs REDIS_URL)", file=sys.stderr)
            continue
        rows = measure(env, processes, targets, args.requests)
        server_kind = f"trygg serve --processes {processes} (waitress, 8 threads each, DEBUG {settings.DEBUG})"
        cache = "Redis" if processes > 1 or env.get("REDIS_URL") else "in-process cache"
        print(f"Load, {backend}, {cache}, {args.tips:,} tips in the window, {server_kind}")
        print(table(["concurrency", "target", "requests", "p50", "p95", "p95 / static"], rows))


def measure(env: dict, processes: int, targets: list[tuple[str, str]], requests: int) -> list[list]:
    port = free_port()
    command = [str(TRYGG), "serve", "--port", str(port), "--no-worker", "--no-scheduler", "--processes", str(processes)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{targets[0][1]}", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        for concurrency in (1, 8, 32):
            base_p95 = None
            for label, path in targets:
                run_clients(port, path, concurrency, min(40, requests))  # warm
                times = run_clients(port, path, concurrency, requests)
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                base_p95 = base_p95 or p95
                rows.append([concurrency, label, len(times), f"{1000 * p50:.1f} ms", f"{1000 * p95:.1f} ms",
                             f"{p95 / base_p95:.1f}×"])  # fmt: skip
        return rows
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
