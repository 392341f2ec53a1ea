"""Serve Trygg with waitress (a production WSGI server) plus a background task worker."""

import os
import subprocess
import sys

from django.core.management.base import BaseCommand

# The largest upload a page accepts is a partner's CSV log (5 MB) or a tip photo (8 MB); anything much larger
# is refused by the server before it reaches Django.
MAX_REQUEST_BODY = 20 * 1024 * 1024
# Connections: idle keep-alive connections are closed after CHANNEL_TIMEOUT seconds, so that one client holding
# many open cannot use up the CONNECTION_LIMIT and lock everybody else out for minutes (waitress keeps them two
# minutes by default). A per-client connection limit needs a reverse proxy (e.g. nginx's limit_conn).
CONNECTION_LIMIT = int(os.environ.get("TRYGG_CONNECTION_LIMIT", "400"))
CHANNEL_TIMEOUT = int(os.environ.get("TRYGG_CHANNEL_TIMEOUT", "15"))


class Command(BaseCommand):
    help = "Serve the platform with waitress and run the database task worker alongside (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")

    def handle(self, *args, **options):
        from waitress import serve

        from trygg.wsgi import application

        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "trygg", "db_worker"])
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                max_request_body_size=MAX_REQUEST_BODY,
                connection_limit=CONNECTION_LIMIT,
                channel_timeout=CHANNEL_TIMEOUT,
                cleanup_interval=max(1, min(30, CHANNEL_TIMEOUT)),
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
