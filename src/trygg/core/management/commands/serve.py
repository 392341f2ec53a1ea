"""Serve Trygg with waitress (a production WSGI server) plus a background task worker."""

import subprocess
import sys

from django.core.management.base import BaseCommand

# The largest upload a page accepts is a partner's CSV log (5 MB) or a tip photo (8 MB); anything much larger
# is refused by the server before it reaches Django.
MAX_REQUEST_BODY = 20 * 1024 * 1024


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
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
