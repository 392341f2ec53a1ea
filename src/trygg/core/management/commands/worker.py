"""``trygg worker``: a worker for the configured task backend (the database's, or Redis Queue's)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a task worker for TRYGG_TASK_BACKEND (db: the database worker; rq: a Redis Queue worker)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == settings.TASK_BACKENDS["rq"]:
            extra = ["--burst"] if options["burst"] else []
            call_command("rqworker", "default", "--job-class", "django_tasks_rq.backend.Job", *extra)
        elif backend == settings.TASK_BACKENDS["db"]:
            call_command("db_worker", *(["--batch"] if options["burst"] else []))
        else:
            self.stderr.write(f"{backend} runs its tasks itself: no worker to start")
