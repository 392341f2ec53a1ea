"""``trygg serve``: several processes only with a cache they share; its worker, scheduler and serving processes
end with it however it ends (real processes and signals, read back from /proc); after the database was away,
kept connections are replaced before a request uses them."""

from __future__ import annotations

import os
import signal
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import processes
from tests.core.test_jobs_on_workers import REDIS, redis_reachable

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux's")
SERVE_STARTS_WITHIN = 90.0  # seconds: three Python processes set Django up on a busy test machine
CHILDREN_GONE_WITHIN = 10.0


def test_several_processes_need_a_shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(CommandError, match="needs a cache all processes share"):
        call_command("serve", "--processes", "2", "--no-worker")
    with pytest.raises(CommandError, match="1 or more"):
        call_command("serve", "--processes", "0", "--no-worker")


class Serve(processes.Background):
    """``trygg serve`` on ``port``, started as a real process; ``marker`` marks it and its children."""

    def __init__(self, *args: str, port: int, marker: str, **extra: str) -> None:
        self.port = port
        env = {**processes.never_due(), "TRYGG_MANIFEST_STATIC": "0", "TRYGG_TEST_MARK": marker, **extra}
        super().__init__("serve", "--port", str(port), *args, **env)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def ready(self, children: int) -> list[int]:
        """Wait until it answers HTTP and has its ``children``; their PIDs."""

        found: list[int] = []

        def started() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"trygg serve ended ({self.process.returncode}):\n{self.output()}")
            found[:] = processes.children(self.pid)
            return len(found) == children and self.answers()

        processes.wait_until(started, SERVE_STARTS_WITHIN, f"trygg serve with {children} children", step=0.2)
        return found


def gone_after(pids: list[int], started: float, timeout: float = CHILDREN_GONE_WITHIN) -> float:
    """Seconds from ``started`` (a monotonic time) until none of ``pids`` runs; an AssertionError naming those
    left after ``timeout``."""
    while any(processes.alive(pid) for pid in pids):
        if time.monotonic() - started > timeout:
            left = {pid: processes.command_line(pid) for pid in pids if processes.alive(pid)}
            raise AssertionError(f"still running {timeout} s after trygg serve ended: {left}")
        time.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture
def marker():
    """A mark in the environment of every process a test starts; whatever is left is ended after the test."""
    mark = uuid.uuid4().hex
    yield mark
    for pid in processes.marked(mark):
        os.kill(pid, signal.SIGKILL)


def modes():
    """Single process; and two serving processes, which need a shared cache (the machine's Redis)."""
    two = pytest.param(["--processes", "2"], 4, {"REDIS_URL": REDIS.replace("/7", "/8")}, id="processes-2")
    if os.environ.get("TRYGG_TEST_WITHOUT_REDIS") == "1":
        two = pytest.param(*two.values, id="processes-2", marks=pytest.mark.skip(reason="TRYGG_TEST_WITHOUT_REDIS=1"))
    return [pytest.param([], 2, {}, id="single"), two]


@linux_only
@pytest.mark.django_db
@pytest.mark.parametrize(("args", "children", "extra"), modes())
def test_sigterm_ends_the_worker_the_scheduler_and_the_serving_processes(args, children, extra, marker):
    if extra:
        assert redis_reachable(), "no Redis on 127.0.0.1:6379 (TRYGG_TEST_WITHOUT_REDIS=1 skips this case)"
    serve = Serve(*args, port=processes.free_port(), marker=marker, **extra)
    pids = serve.ready(children)
    commands = " ".join(processes.command_line(pid) for pid in pids)
    assert "trygg worker" in commands and "trygg scheduler" in commands, commands
    signalled = time.monotonic()
    serve.process.send_signal(signal.SIGTERM)
    assert serve.process.wait(timeout=CHILDREN_GONE_WITHIN) == 0, serve.output()  # stopped cleanly, not killed
    seconds = gone_after(pids, signalled)
    print(f"SIGTERM {' '.join(args) or 'single'}: serve and its children gone {seconds:.2f} s after the signal")


@linux_only
@pytest.mark.django_db
@pytest.mark.parametrize(("args", "children", "extra"), modes())
def test_sigkill_ends_them_too_and_a_restart_does_not_add_a_pair(args, children, extra, marker):
    if extra:
        assert redis_reachable(), "no Redis on 127.0.0.1:6379 (TRYGG_TEST_WITHOUT_REDIS=1 skips this case)"
    port = processes.free_port()
    serve = Serve(*args, port=port, marker=marker, **extra)
    pids = serve.ready(children)
    signalled = time.monotonic()
    serve.process.kill()
    serve.process.wait()
    seconds = gone_after(pids, signalled)
    print(f"SIGKILL {' '.join(args) or 'single'}: children gone {seconds:.2f} s after the signal")

    again = Serve(*args, port=port, marker=marker, **extra)  # as a supervisor restarts it
    new = again.ready(children)
    assert processes.marked(marker) == sorted([again.pid, *new]), "processes of the killed serve are left"
    stopping = time.monotonic()
    again.process.send_signal(signal.SIGTERM)
    again.process.wait(timeout=CHILDREN_GONE_WITHIN)
    gone_after(new, stopping)


# -- the database goes away and comes back: kept connections ------------------------------------------------


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database is taken away through a TCP proxy")
@pytest.mark.django_db(transaction=True)
def test_requests_after_the_database_returns_do_not_fail_on_kept_connections(demo_orgs, marker):
    threads = 8
    with processes.DatabaseProxy() as proxy:
        serve = Serve(
            "--no-worker", "--no-scheduler", "--threads", str(threads), port=processes.free_port(), marker=marker,
            DATABASE_URL=proxy.url, TRYGG_DB_CONN_MAX_AGE="600",
        )  # fmt: skip
        serve.ready(children=0)
        page = f"http://127.0.0.1:{serve.port}/tips/"
        with ThreadPoolExecutor(threads * 2) as pool:
            warm = list(pool.map(status_of, [page] * threads * 4))
            assert set(warm) == {200}, (warm, serve.output()[-3000:])
            kept = proxy.accepted
            assert kept >= 2, "the requests did not keep connections"

            proxy.down()  # the database restarts: every kept connection is dropped, new ones refused a while
            time.sleep(1)
            proxy.up()
            after = list(pool.map(status_of, [page] * threads * 4))
    errors = sum(code >= 500 for code in after)
    print(f"{kept} kept connections; after the database returned: {errors} of {len(after)} requests failed")
    assert errors == 0, (after, serve.output()[-3000:])
    serve.process.send_signal(signal.SIGTERM)
    serve.process.wait(timeout=CHILDREN_GONE_WITHIN)


def test_serve_refuses_to_start_before_the_static_files_are_collected(settings, tmp_path):
    """With the manifest storage every page names its style sheet through the manifest: without it every page is a
    500 (officer's walk, 2026-12-07). The command says what to run instead."""
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}  # fmt: skip
    with pytest.raises(CommandError, match="collectstatic"):
        call_command("serve", "--no-worker", "--no-scheduler")
    (tmp_path / "staticfiles.json").write_text("{}")
    from trygg.core.management.commands.serve import unserved_static

    assert unserved_static() == ""
