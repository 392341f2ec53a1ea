"""What a hostile Open311 department costs one send: time, peak memory and bytes read, for an answer of 256 MB
streamed without a length, 200 000 ``[``, and a body trickled one byte every 0.5 s (80 bytes: 40 s).

    python benchmarks/outbound_caps.py           # every case, each in a fresh process (its own peak RSS)
    python benchmarks/outbound_caps.py huge      # one case in this process

It calls ``trygg.forwarding.client.post`` with the module's own limits (no test overrides), against the hostile
department of the tests (``tests/forwarding/hostile_department.py``) on loopback. Run it in an older checkout
too (copy this file and the hostile department there) to compare. Issue 23, part 3.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("huge", "deep", "trickle")


def one(case: str) -> str:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    os.environ["TRYGG_VAR_DIR"] = tempfile.mkdtemp(prefix="trygg-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['TRYGG_VAR_DIR']}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from tests.forwarding.hostile_department import Hostile, start

    from trygg.forwarding import client

    hostile = Hostile(choose=lambda method, path, form: case, trickle_every=0.5, trickle_bytes=80)
    server = start(hostile)
    port = hostile.url.split(":")[2].split("/")[0]
    settings.TRYGG_OPEN311_HOSTS = ["127.0.0.1", f"http://127.0.0.1:{port}"]  # an older Trygg reads the first
    settings.TRYGG_OUTBOUND_ALLOW_NETWORKS = ["127.0.0.1/32"]
    body = {"service_code": "light", "description": "x", "lat": "59.38", "long": "13.5", "api_key": "k"}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        client.post(hostile.url, body)
        outcome = "accepted"
    except client.Open311ClientError as exc:
        outcome = str(exc).removeprefix("posting the request: ")[:70]
    except Exception as exc:  # what an older Trygg did
        outcome = f"crash: {type(exc).__name__}"
    seconds = time.perf_counter() - started
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    time.sleep(0.3)
    server.shutdown()
    return f"| {case} | {seconds:.1f} | {peak:.0f} | {hostile.sent / 1e6:.1f} | {outcome} |"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(one(sys.argv[1]))
    else:
        print("| case | seconds | peak RSS added (MB) | MB the server sent | outcome |")
        print("|---|---|---|---|---|")
        for case in CASES:
            run = subprocess.run([sys.executable, __file__, case], capture_output=True, text=True, check=False)
            print(run.stdout.strip() or f"| {case} | failed: {run.stderr.strip().splitlines()[-1:]} |")
