"""Running ``trygg`` commands as separate processes on the test database (workers, ``trygg jobs run``, ``trygg
serve``), finding their children, and a database that can go away and come back (``DatabaseProxy``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

TRYGG = Path(sys.executable).with_name("trygg")


def database_url(port: int | None = None) -> str:
    """The test database as a URL (on PostgreSQL, through ``port`` on loopback when given: a proxy)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if port is not None:
        return f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(**extra: str) -> dict[str, str]:
    """The test database, and mail to the SMTP server the test's settings point at."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TRYGG_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TRYGG_EMAIL_HOST": settings.EMAIL_HOST,
        "TRYGG_EMAIL_PORT": str(settings.EMAIL_PORT),
        **extra,
    }


def start(*args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(TRYGG), *args], env=environment(**extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def run(*args: str, **extra: str) -> str:
    """Run ``trygg ARGS`` to the end; its output, or an AssertionError with it when it failed."""
    process = start(*args, **extra)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output.decode()
    return output.decode()


class Background:
    """``trygg ARGS`` running alongside the test, its output in a temporary file (a full pipe would stall it)."""

    def __init__(self, *args: str, **extra: str) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - read while the process runs; closed with the object
        self.process = subprocess.Popen(
            [str(TRYGG), *args], env=environment(**extra), stdout=self.log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self, timeout: float = 60) -> str:
        """SIGTERM (if it still runs), wait, and its output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=timeout)
        return self.output()


def never_due() -> dict[str, str]:
    """Environment that moves every recurring job to a day two months away: a scheduler started in a test
    claims nothing and its worker stays idle."""
    month = (dt.date.today().month + 1) % 12 + 1
    return {f"TRYGG_SCHEDULE_{name.upper()}": f"0 0 1 {month} *" for name in settings.TRYGG_JOB_SCHEDULES}


# -- processes, as Linux's /proc shows them ------------------------------------------------------------------


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped by its new parent, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def children(pid: int) -> list[int]:
    """The running processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
                found.append(int(entry.name))
    return sorted(found)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def marked(marker: str) -> list[int]:
    """The running processes of this user whose environment holds ``TRYGG_TEST_MARK=marker``."""
    found = []
    needle = f"TRYGG_TEST_MARK={marker}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in (entry / "environ").read_bytes().split(b"\0") and alive(int(entry.name)):
                    found.append(int(entry.name))
    return sorted(found)


def wait_until(condition: Callable[[], object], timeout: float, what: str, step: float = 0.05):
    """Poll ``condition`` until it is true; its value, or an AssertionError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(step)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- a database that goes away -------------------------------------------------------------------------------


class DatabaseProxy:
    """A TCP proxy on a loopback port in front of the test's PostgreSQL server. ``down()`` drops every connection
    through it and refuses new ones, as a database server that restarts does; ``up()`` accepts again on the same
    port. The real server is never touched (others use it)."""

    def __init__(self) -> None:
        db = connection.settings_dict
        self.target = (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
        self.port = free_port()
        self.accepted = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._open = threading.Event()

    @property
    def url(self) -> str:
        return database_url(self.port)

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._open.set()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        self._open.clear()
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets = []

    def _accept(self, listener: socket.socket) -> None:
        while self._open.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            with self._lock:
                if not self._open.is_set():
                    client.close()
                    upstream.close()
                    return
                self.accepted += 1
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> DatabaseProxy:
        self.up()
        return self

    def __exit__(self, *exc) -> None:
        self.down()
