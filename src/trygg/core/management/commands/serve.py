"""Serve Trygg with waitress (a production WSGI server) plus a background task worker and the job scheduler.

One process serves with ``--threads`` threads; Python runs one thread at a time, so on a machine with several
cores ``--processes N`` starts N such processes on one listening socket (the kernel hands each new connection
to one of them). Rate limits and lockouts must then be counted in one place: N above 1 needs Redis
(``REDIS_URL``), else each process would count alone and a client would get N times its limit.

The processes ``serve`` starts end with it, however it ends. SIGTERM or SIGINT (Ctrl-C): it stops serving,
asks its children to stop (SIGTERM), waits for them (a worker finishes the task it runs) and kills those still
there after ``STOP_TIMEOUT`` seconds. SIGKILL, or a crash: on Linux each child has asked the kernel for SIGTERM
when its parent dies (``PR_SET_PDEATHSIG``, prctl(2)); elsewhere that is not available, and a supervisor
(systemd's control group, see docs/operations.md) must end them.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

# The largest upload a page accepts is a partner's CSV log (5 MB) or a tip photo (8 MB); anything much larger
# is refused by the server before it reaches Django.
MAX_REQUEST_BODY = 20 * 1024 * 1024
# Connections: idle keep-alive connections are closed after CHANNEL_TIMEOUT seconds, so that one client holding
# many open cannot use up the CONNECTION_LIMIT and lock everybody else out for minutes (waitress keeps them two
# minutes by default). A per-client connection limit needs a reverse proxy (e.g. nginx's limit_conn).
CONNECTION_LIMIT = int(os.environ.get("TRYGG_CONNECTION_LIMIT", "400"))
CHANNEL_TIMEOUT = int(os.environ.get("TRYGG_CHANNEL_TIMEOUT", "15"))
# How long a stop waits for the children (a worker in a task finishes it) before killing them; systemd's
# TimeoutStopSec must be longer.
STOP_TIMEOUT = 30.0
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def shared_cache() -> bool:
    """Whether the cache (rate limits) is one for all processes."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("locmem.LocMemCache", "dummy.DummyCache"))


def _prctl():
    """libc's prctl on Linux, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


PRCTL = _prctl()


def die_with_parent(parent: int) -> None:
    """In a child: have the kernel send SIGTERM when ``parent`` dies, and end now if it died already (before the
    request took effect, the child would otherwise outlive it). Without prctl (not Linux) nothing is done.
    Called between fork and exec (``Popen``'s ``preexec_fn``) or right after ``os.fork()``."""
    if PRCTL is None:
        return
    PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def start_child(*command: str) -> subprocess.Popen:
    """``trygg COMMAND`` as a child that ends when this process ends."""
    tie = functools.partial(die_with_parent, os.getpid()) if PRCTL is not None else None
    return subprocess.Popen([sys.executable, "-m", "trygg", *command], preexec_fn=tie)  # noqa: S603 - our own


def stop_children(children: list[subprocess.Popen], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to each child still running, wait for all up to ``timeout`` seconds, then SIGKILL the rest."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def exit_on_sigterm() -> None:
    """SIGTERM ends this process as Ctrl-C does: by an exception, so that waitress stops and ``finally`` runs."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def unserved_static() -> str:
    """Why the pages could not be served (every page would fail on its style sheet), or ''. With the manifest storage
    a page names its static files through the manifest ``collectstatic`` writes; without it every page is a 500."""
    storage = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    if "Manifest" not in storage or (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        return ""
    return _("the static files are not collected (every page would fail): run 'trygg collectstatic --noinput' first")


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
        missing = unserved_static()
        if missing:
            raise CommandError(missing)
        exit_on_sigterm()
        helpers = []
        try:
            if not options["no_worker"]:
                helpers.append(start_child("worker"))
            if not options["no_scheduler"]:  # two serve processes may each run one: a run is claimed once
                helpers.append(start_child("scheduler"))
            if processes == 1:
                self.serve(host=options["host"], port=options["port"], threads=options["threads"])
            else:
                self.serve_processes(processes, options)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the stopping short
            stop_children(helpers)

    def serve(self, threads: int, **where) -> None:
        """Serve until SIGTERM or SIGINT (waitress stops on SystemExit or KeyboardInterrupt and returns)."""
        from django.core.wsgi import get_wsgi_application
        from waitress import serve

        serve(
            get_wsgi_application(),
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
        parent = os.getpid()
        children = []
        for _number in range(processes):
            pid = os.fork()
            if pid == 0:  # a serving process: SIGTERM (its own, or when the parent dies) ends waitress
                try:
                    die_with_parent(parent)
                    self.serve(sockets=[listener], threads=options["threads"])
                finally:
                    os._exit(0)
            children.append(pid)
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']} with {processes} processes")

        def stop() -> None:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the stopping short
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while children and time.monotonic() < deadline:
                for pid in list(children):
                    with contextlib.suppress(ChildProcessError):
                        if os.waitpid(pid, os.WNOHANG)[0] == 0:
                            continue
                    children.remove(pid)
                time.sleep(0.05)
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

        try:
            while children:
                pid, _ = os.wait()  # a serving process, or a helper (its Popen then finds it gone)
                if pid in children:
                    children.remove(pid)
        except ChildProcessError:
            pass
        finally:
            stop()
