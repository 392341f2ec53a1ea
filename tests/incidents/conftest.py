"""A police events API on loopback for the import and the scheduled job (the tests stay offline)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Source:
    def __init__(self) -> None:
        self.status, self.events, self.requests = 200, [], 0


@pytest.fixture
def police_api(settings):
    source = Source()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            source.requests += 1
            body = json.dumps(source.events, ensure_ascii=False).encode() if source.status == 200 else b"down"
            self.send_response(source.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TRYGG_POLICE_API_URL = f"http://127.0.0.1:{server.server_port}/api/events"
    settings.TRYGG_POLICE_FETCH = True
    yield source
    server.shutdown()
