"""A hostile "department" on loopback (http.server in a thread) for the outbound-call tests and the benchmark
``benchmarks/outbound_caps.py``: it answers as a GeoReport v2 endpoint, or — chosen per request by ``choose`` —
with 200 000 ``[``, a body trickled a byte at a time, headers trickled a byte at a time, 256 MB streamed without
a length (or with it declared), or a redirect. It counts the connections it accepted and the bytes it sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

HUGE = 256 * 1024 * 1024
DEEP = b"[" * 200_000


@dataclass
class Hostile:
    url: str = ""
    choose: Callable[[str, str, dict[str, str]], str] = lambda method, path, form: "ok"
    trickle_every: float = 0.2  # seconds between two bytes of a trickled answer
    trickle_bytes: int = 60  # of the trickled body (12 s at the pace above)
    posts: list[dict[str, str]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    connections: int = 0
    sent: int = 0  # bytes of bodies written, all answers together
    statuses: dict[str, str] = field(default_factory=dict)  # id -> status answered on reads
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, n: int) -> None:
        with self.lock:
            self.sent += n


def _handler(hostile: Hostile):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def setup(self) -> None:
            with hostile.lock:
                hostile.connections += 1
            super().setup()

        def _write(self, data: bytes) -> bool:
            try:
                self.wfile.write(data)
                self.wfile.flush()
            except OSError:  # the client hung up: what a capped client does
                return False
            hostile.count(len(data))
            return True

        def _json(self, status: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self._write(data)

        def _answer(self, kind: str, ok) -> None:
            if kind == "ok":
                return ok()
            if kind == "deep":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(DEEP)))
                self.end_headers()
                self._write(DEEP)
            elif kind == "trickle":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                for _ in range(hostile.trickle_bytes):
                    if not self._write(b" "):
                        return None
                    time.sleep(hostile.trickle_every)
            elif kind == "trickle-headers":
                for byte in b"HTTP/1.0 200 OK\r\nX-Slow: " + b"a" * hostile.trickle_bytes + b"\r\n\r\n[]":
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return None
                    time.sleep(hostile.trickle_every)
            elif kind in ("huge", "huge-declared"):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if kind == "huge-declared":
                    self.send_header("Content-Length", str(HUGE))
                self.end_headers()
                chunk = b"[" + b"0," * 32767 + b"0"
                for _ in range(HUGE // len(chunk)):
                    if not self._write(chunk):
                        return None
            elif kind == "redirect":
                self.send_response(302)
                self.send_header("Location", hostile.url + "requests.json")
                self.send_header("Content-Length", "0")
                self.end_headers()
            return None

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            with hostile.lock:
                hostile.posts.append(form)
                number = len(hostile.posts)

            def ok():
                request_id = f"H-{number}"
                with hostile.lock:
                    hostile.statuses[request_id] = "open"
                self._json(201, [{"service_request_id": request_id}])

            self._answer(hostile.choose("POST", urlsplit(self.path).path, form), ok)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            with hostile.lock:
                hostile.reads.append(parts.path)

            def ok():
                ids = [i for i in query.get("service_request_id", "").split(",") if i]
                with hostile.lock:
                    found = [{"service_request_id": i, "status": hostile.statuses[i]} for i in ids
                             if i in hostile.statuses]  # fmt: skip
                self._json(200, found)

            self._answer(hostile.choose("GET", parts.path, query), ok)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


def start(hostile: Hostile) -> _Server:
    server = _Server(("127.0.0.1", 0), _handler(hostile))
    hostile.url = f"http://127.0.0.1:{server.server_address[1]}/v2/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def hostile():
    """The hostile department on a free loopback port; ``hostile.url`` is its base address."""
    dept = Hostile()
    server = start(dept)
    try:
        yield dept
    finally:
        server.shutdown()
        server.server_close()
