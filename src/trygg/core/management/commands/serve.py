"""Serve Trygg with waitress (a production WSGI server) plus a background task worker.

One process serves with ``--threads`` threads; Python runs one thread at a time, so on a machine with several
cores ``--processes N`` starts N such processes on one listening socket (the kernel hands each new connection
to one of them). Rate limits and lockouts must then be counted in one place: N above 1 needs Redis
(``REDIS_URL``), else each process would count alone and a client would get N times its limit.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

# The largest upload a page accepts is a partner's CSV log (5 MB) or a tip photo (8 MB); anything much larger
# is refused by the server before it reaches Django.
MAX_REQUEST_BODY = 20 * 1024 * 1024
# Connections: idle keep-alive connections are closed after CHANNEL_TIMEOUT seconds, so that one client holding
# many open cannot use up the CONNECTION_LIMIT and lock everybody else out for minutes (waitress keeps them two
# minutes by default). A per-client connection limit needs a reverse proxy (e.g. nginx's limit_conn).
CONNECTION_LIMIT = int(os.environ.get("TRYGG_CONNECTION_LIMIT", "400"))
CHANNEL_TIMEOUT = int(os.environ.get("TRYGG_CHANNEL_TIMEOUT", "15"))


def shared_cache() -> bool:
    """Whether the cache (rate limits) is one for all processes."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("locmem.LocMemCache", "dummy.DummyCache"))


class Command(BaseCommand):
    help = "Serve the platform with waitress, with the task worker and the job scheduler alongside (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--processes",
            type=int,
            default=int(os.environ.get("TRYGG_PROCESSES", "1")),
            help="Serving processes on one socket (default 1, or TRYGG_PROCESSES); above 1 needs REDIS_URL.",
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Do not start the scheduler of recurring jobs (trygg jobs)."
        )

    def handle(self, *args, **options):
        processes = options["processes"]
        if processes < 1:
            raise CommandError("--processes must be 1 or more")
        if processes > 1 and not shared_cache():
            raise CommandError(
                "--processes above 1 needs a cache all processes share (set REDIS_URL): rate limits and "
                "lockouts would otherwise be counted by each process alone"
            )
        helpers = []
        if not options["no_worker"]:
            helpers.append(subprocess.Popen([sys.executable, "-m", "trygg", "worker"]))
        if not options["no_scheduler"]:  # two serve processes may each run one: a run is claimed once
            helpers.append(subprocess.Popen([sys.executable, "-m", "trygg", "scheduler"]))
        try:
            if processes == 1:
                self.serve(host=options["host"], port=options["port"], threads=options["threads"])
            else:
                self.serve_processes(processes, options)
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                helper.wait(timeout=10)

    def serve(self, threads: int, **where) -> None:
        from waitress import serve

        from trygg.wsgi import application

        serve(
            application,
            threads=threads,
            max_request_body_size=MAX_REQUEST_BODY,
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=CHANNEL_TIMEOUT,
            cleanup_interval=max(1, min(30, CHANNEL_TIMEOUT)),
            **where,
        )

    def serve_processes(self, processes: int, options: dict) -> None:
        listener = socket.create_server((options["host"], options["port"]), backlog=1024)
        connections.close_all()  # no database connection may be shared across fork()
        children = []
        for _ in range(processes):
            pid = os.fork()
            if pid == 0:  # a serving process
                signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
                try:
                    self.serve(sockets=[listener], threads=options["threads"])
                finally:
                    os._exit(0)
            children.append(pid)
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']} with {processes} processes")

        def stop(*_):
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

        signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
        try:
            for _ in children:
                os.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop()
