"""A department's own Open311 GeoReport v2 endpoint on loopback (http.server in a thread), for the forwarding
tests: it records what is posted, answers with ids (or tokens), and lets a test close a request with a note or
make the next answers fail (HTTP 500, no answer in time, or garbage instead of JSON).

Routes as in the specification (http://wiki.open311.org/GeoReport_v2), under ``/v2/``: ``POST requests.json``,
``GET requests.json?service_request_id=a,b``, ``GET requests/{id}.json`` and ``GET tokens/{token}.json``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

KEY = "hemlig-nyckel-for-test"


@dataclass
class Department:
    url: str = ""
    key: str = KEY
    posted: list[dict[str, str]] = field(default_factory=list)  # the accepted POSTs, in order
    attempts: list[dict[str, str]] = field(default_factory=list)  # every POST received, failing ones too
    reads: list[str] = field(default_factory=list)  # the paths of GETs
    requests: dict[str, dict] = field(default_factory=dict)  # id -> {"status", "status_notes", ...}
    tokens: dict[str, str] = field(default_factory=dict)  # token -> id ("" until released)
    use_tokens: bool = False
    failures: list[str] = field(default_factory=list)  # "500", "hang", "garbage": the next answers, in order
    post_delay: float = 0.0
    hang_seconds: float = 3.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *kinds: str) -> None:
        with self.lock:
            self.failures.extend(kinds)

    def close(self, request_id: str, notes: str = "") -> None:
        with self.lock:
            self.requests[request_id].update(status="closed", status_notes=notes, updated_datetime=_now())

    def note(self, request_id: str, notes: str) -> None:
        with self.lock:
            self.requests[request_id].update(status_notes=notes, updated_datetime=_now())

    def release_tokens(self) -> None:
        """The department creates the requests of the tokens it handed out."""
        with self.lock:
            for token_id, request_id in list(self.tokens.items()):
                if not request_id:
                    self.tokens[token_id] = self._create()

    def _create(self) -> str:
        request_id = f"D-{1000 + len(self.requests)}"
        self.requests[request_id] = {"status": "open", "status_notes": "", "updated_datetime": _now()}
        return request_id


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def _handler(department: Department):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _answer(self, status: int, body, content_type: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _failure(self) -> bool:
            with department.lock:
                kind = department.failures.pop(0) if department.failures else ""
            if kind == "500":
                self._answer(500, [{"code": 500, "description": "Internt fel i ärendesystemet"}])
            elif kind == "hang":
                time.sleep(department.hang_seconds)
                self._answer(503, [{"code": 503, "description": "too late"}])
            elif kind == "garbage":
                self._answer(200, b"<html>Underhall pagar</html>", "text/html")
            return bool(kind)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            with department.lock:
                department.attempts.append(form)
            if urlsplit(self.path).path != "/v2/requests.json":
                return self._answer(404, [{"code": 404, "description": "no such path"}])
            if self._failure():
                return None
            if form.get("api_key") != department.key:
                return self._answer(403, [{"code": 403, "description": "Invalid api_key"}])
            if not form.get("service_code"):
                return self._answer(400, [{"code": 400, "description": "service_code missing"}])
            time.sleep(department.post_delay)
            with department.lock:
                department.posted.append(form)
                if department.use_tokens:
                    token_id = f"tok-{len(department.tokens) + 1}"
                    department.tokens[token_id] = ""
                    answer = [{"token": token_id, "service_notice": "", "account_id": None}]
                else:
                    answer = [{"service_request_id": department._create(), "service_notice": "", "account_id": None}]
            return self._answer(201, answer)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            with department.lock:
                department.reads.append(parts.path)
            if self._failure():
                return None
            path = parts.path
            if path.startswith("/v2/tokens/") and path.endswith(".json"):
                token_id = path[len("/v2/tokens/") : -len(".json")]
                if token_id not in department.tokens:
                    return self._answer(404, [{"code": 404, "description": f"no token {token_id}"}])
                request_id = department.tokens[token_id]
                return self._answer(200, [{"token": token_id, "service_request_id": request_id or None}])
            if path == "/v2/requests.json":
                ids = [i for i in query.get("service_request_id", "").split(",") if i]
            elif path.startswith("/v2/requests/") and path.endswith(".json"):
                ids = [path[len("/v2/requests/") : -len(".json")]]
            else:
                return self._answer(404, [{"code": 404, "description": "no such path"}])
            with department.lock:
                found = [
                    {"service_request_id": i, "service_code": "x", **department.requests[i]}
                    for i in ids
                    if i in department.requests
                ]
            return self._answer(200, found)

    return Handler


@pytest.fixture
def department():
    """The department's endpoint on a free loopback port; ``department.url`` is its base address."""
    dept = Department()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(dept))
    server.daemon_threads = True
    dept.url = f"http://127.0.0.1:{server.server_address[1]}/v2/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield dept
    finally:
        server.shutdown()
        server.server_close()
